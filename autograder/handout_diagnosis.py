"""The catalogue's diagnosis for a handout's self-check, recorded when the handout is released.

A handout holds neither the reference nor the catalogue's edits of it (both answer the exercises), so its
self-check cannot run a catalogued mistake the way grading does (``autograder.diagnosis``). The release
runs each public check on each catalogued mistake of its exercise instead, once, under the seed the
handout's self-check will use, as the handout runs it (its own versions of the exercises a check builds
on, not the book's), and ships what each check read: plain data in the wire format, never pickle, with each
mistake's name, exercise and cause, and no code. The self-check compares a failed check's reads with these,
by the same ``same_run`` as grading, so a student sees before submitting the cause grading would name.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import asdict
from typing import Any

from autograder.assignments import Assignment
from autograder.diagnosis import Diagnosis, Observed
from autograder.mistakes import Variant, catalogue
from autograder.runner import wire

FILENAME = "diagnoses.wire"  # in the handout's suites/<name>/public/ folder
SEED = 20261204  # the handout self-check's seed: the one its recorded reads were made under
FORMAT = 1


class _Encoder(wire.Encoder):
    """Re-encodes values the judge decoded, keeping what ``diagnosis.agree`` compares (ref, grad_fn, the kind)."""

    def tensor(self, t: Any, with_grad: bool = True) -> dict:
        record = super().tensor(t, with_grad)
        record["__tensor__"]["ref"] = getattr(t, "ref", None)
        record["__tensor__"]["grad_fn"] = getattr(t, "grad_fn_name", None)
        return record

    def encode(self, value: Any, depth: int = 0) -> Any:
        if isinstance(value, wire.Iterated):
            return {"__iter__": {"items": [self.encode(v, depth + 1) for v in value], "type": value.type_name}}
        if isinstance(value, wire.RemoteObject):
            # Not its text: that holds an address, and agree() compares a handle by its type alone.
            return {"__handle__": {"id": value.handle, "type": value.type_name}}
        if isinstance(value, wire.FigureInfo):
            return {"__figure__": self.encode(asdict(value), depth + 1)}
        return super().encode(value, depth)


def encode(mistakes: list[Variant], replays: dict[tuple[str, str], Observed | None], seed: int) -> bytes:
    """The table as bytes: deterministic for the same replays, so a rebuilt release is byte-identical."""
    enc = _Encoder()
    header = {
        "format": FORMAT, "seed": seed,
        "mistakes": [[m.name, m.exercise, m.cause] for m in mistakes],
        "replays": [[check, name, enc.encode(observed)] for (check, name), observed in sorted(replays.items(),
                                                                                              key=lambda kv: kv[0])],
    }
    return wire.pack(header, enc.buffers)


def decode(data: bytes) -> tuple[int, Diagnosis]:
    """The seed and the fixed diagnosis of a table; wire.ProtocolError if the bytes are not one."""
    header, buffers = wire.unpack(data)
    if header.get("format") != FORMAT or type(header.get("seed")) is not int:
        raise wire.ProtocolError("not a diagnosis table of this kit's format")
    try:
        mistakes = [Variant(str(name), (), str(exercise), str(cause)) for name, exercise, cause in header["mistakes"]]
        dec = wire.Decoder(buffers)
        replays = {(str(check), str(name)): dec.decode(observed) for check, name, observed in header["replays"]}
    except (KeyError, TypeError, ValueError) as e:
        raise wire.ProtocolError(f"a malformed diagnosis table ({e})") from None
    return header["seed"], Diagnosis(mistakes, replays)


def record(assignment: Assignment) -> bytes:
    """Every public check run on every catalogued mistake of its exercise, as the handout will; the table's bytes.

    Recorded twice: a read that differs between the two (a wall-clock timing) cannot establish a
    cause in a student's run either, and is left out, so the table is the same in every build.
    """
    return _recorded(assignment.name)


@functools.cache  # once per process and assignment, as the judges read a suite once (a release builds it twice)
def _recorded(name: str) -> bytes:
    from autograder.isolation import choose
    from autograder.sandbox import WarmPool

    assignment = Assignment(name)
    mistakes = catalogue(name)[0]
    pool = WarmPool(choose("auto"), assignment.uses_optimizer)
    try:
        first, second = _replays(assignment, mistakes, pool), _replays(assignment, mistakes, pool)
    finally:
        pool.close()
    steady = {key: observed for key, observed in first.items() if _bytes(observed) == _bytes(second.get(key))}
    return encode(mistakes, steady, SEED)


def _replays(assignment: Assignment, mistakes: list[Variant], pool) -> dict[tuple[str, str], Observed | None]:
    from autograder.judge import judge
    from autograder.plugin import RunConfig, StudentSpec

    diagnosis = Diagnosis(mistakes)
    source = assignment.solution.read_bytes()
    # The reference as the one "student": every check passes, and each is replayed on each mistake of its exercise.
    spec = StudentSpec("reference", source, sha256=hashlib.sha256(source).hexdigest())
    config = RunConfig(seed=SEED, hidden=False, isolation=pool.isolation, diagnosis=diagnosis, textbook=False,
                       replay_every_check=True)
    judge(assignment, [spec], config, lambda result: None, pool=pool)
    return diagnosis.replays


def _bytes(observed: Observed | None) -> bytes:
    enc = _Encoder()
    return wire.pack({"value": enc.encode(observed)}, enc.buffers)


def load(assignment: Assignment) -> tuple[int, Diagnosis] | None:
    """The table a handout ships beside its public checks; None in the kit, which replays the catalogue itself,
    and where the file is not a table (the self-check then runs without causes rather than not at all)."""
    path = assignment.suite(False) / FILENAME
    try:
        return decode(path.read_bytes())
    except (OSError, wire.ProtocolError):
        return None



def use_in(config, assignment: Assignment) -> bool:
    """Make a self-check's ``config`` name causes from the handout's table, under its seed; False in the kit."""
    table = load(assignment)
    if table is None:
        return False
    config.seed, config.diagnosis = table  # the reads were recorded under this seed: the checks run under it too
    config.textbook = False
    return True

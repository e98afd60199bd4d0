"""What a check holds as ``sub``: the student's module, behind one API, whatever carries the requests.

``sub.call("linreg", X, w, b)`` runs the student's ``linreg`` and returns plain data; any failure on the
student's side becomes a ``SubmissionError`` whose message is already written for the student. The
requests are the runner's operations (``autograder/runner/server.py``) in the kit's wire format. Two
transports carry them: a runner process over a socket (``autograder.submission``, how the kit grades),
and the notebook's own kernel (``autograder/release/kernel_submission.py``, how nbgrader grades). Both are
this class; they differ only in where the runner is and what ending one means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np
import torch

from autograder import hints
from autograder.runner import wire


class SubmissionError(AssertionError):
    """The student's code failed, hung, died or is missing; the message says so for the student."""

    def __init__(self, message: str, *, not_implemented: bool = False, raised_in: str = "", fact: str = ""):
        super().__init__(message)
        self.fact = fact or message  # without the error table's "Likely cause" (see CheckFailed.fact)
        self.not_implemented = not_implemented
        self.raised_in = raised_in  # the top-level name of the student's code where it raised ("Timer", "sgd")


@dataclass
class Run:
    """The outcome of one call: the value returned and the arguments as they are afterwards."""

    value: Any
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    sent_refs: dict[int, int] = field(default_factory=dict)
    ops: int | None = None  # torch operations the call made (sub.operations)
    to_python: bool = False  # whether it read a tensor into Python (tolist, item, numpy)

    def is_same_object(self, after: Any, sent: Any) -> bool:
        """Whether a tensor that came back is the very tensor object that was passed in."""
        ref = getattr(after, "ref", None)
        return ref is not None and ref == self.sent_refs.get(id(sent))


class Remote:
    """An object kept on the student's side (a Timer, an nn.Module, a DataLoader)."""

    def __init__(self, sub: StudentModule, obj: wire.RemoteObject, label: str):
        self.sub = sub
        self.obj = obj
        self.label = label
        self.generation = sub.generation

    @property
    def type_name(self) -> str:
        return self.obj.type_name

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.sub._call({"target": self._target(), "method": method},
                              f"{self.label}.{method}", args, kwargs).value

    def run(self, method: str | None, *args: Any, backward: bool = False, **kwargs: Any) -> Run:
        """Like ``StudentModule.run``: the arguments as they are afterwards, changed or not."""
        header = {"target": self._target()}
        if method:
            header["method"] = method
        return self.sub._call(header, f"{self.label}.{method}" if method else self.label, args, kwargs,
                              backward=backward, changes_inputs=True)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.sub._call({"target": self._target()}, self.label, args, kwargs).value

    def get(self, name: str) -> Any:
        header, bufs = self.sub._request({"op": "getattr", "target": self._target(), "name": name},
                                         f"{self.label}.{name}")
        return self.sub._decode(header, bufs)

    def state(self) -> dict:
        """``{"state": {name: tensor}, "children": [type names], "training": bool}`` of an nn.Module."""
        header, bufs = self.sub._request({"op": "state", "target": self._target()}, self.label)
        return self.sub._decode(header, bufs)

    def items(self) -> list:
        header, bufs = self.sub._request({"op": "iterate", "target": self._target()}, f"iterating {self.label}")
        return self.sub._decode(header, bufs)

    def _target(self) -> int:
        if self.generation != self.sub.generation:
            raise SubmissionError(f"{self.label} was lost when the submission's process was restarted")
        return self.obj.handle

    def _wire(self) -> dict:
        return {"__handle__": {"id": self._target()}}


class StudentModule:
    """The student's module as a check sees it. A transport supplies ``names``, ``_exchange`` and ``_loaded``."""

    names: list[str]  # the module's public top-level names
    where = "your module"  # what the student calls the place their code is in

    def __init__(self, assignment: str):
        self.generation = 0  # bumped when the code is loaded afresh: objects kept before are gone
        self.seed: int | None = None
        self._seeded = False
        self.dirty = False  # the module was altered for one check (fake clock, substitutions)
        self.exercise = ""  # the exercise being checked: its own error causes come first
        self.causes = hints.exercise_causes(assignment)
        # What the current check read from the module, in order (autograder.diagnosis compares it with what the
        # same check read from catalogued mistakes); None when nobody asks.
        self.observed: list | None = None

    # ------------------------------------------------------------ what a transport provides

    def _loaded(self) -> None:
        """Make sure the student's code is loaded where the next request goes (raise SubmissionError if not)."""

    def _exchange(self, header: dict, label: str, buffers: list[bytes]) -> tuple[dict, list]:
        """Send one request, return the reply; a failure of the transport itself is a SubmissionError."""
        raise NotImplementedError

    # ------------------------------------------------------------ the API checks use

    def reseed(self, seed: int) -> None:
        """Seed the student's side (torch, numpy, random) before any of their code runs in this check."""
        self.seed = seed
        self._seeded = False

    def has(self, name: str) -> bool:
        self._loaded()
        self._observe(("has", name, name in self.names))
        return name in self.names

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the student's ``name(*args, **kwargs)`` and return its value as plain data.

        The call fails (a SubmissionError naming the argument) if it changed any argument in place: no
        exercise's function may change its inputs unless its check says so by using ``run``.
        """
        return self._call({"target": name}, name, args, kwargs).value

    def run(self, name: str, *args: Any, backward: bool = False, **kwargs: Any) -> Run:
        """Like ``call``, but the arguments may change, and come back as they are afterwards (in-place
        updates, gradients): for the functions whose job is to change them (``sgd``).

        With ``backward=True`` the runner calls ``.sum().backward()`` on the result, so the
        returned argument tensors carry the gradients the student's code produced.
        """
        return self._call({"target": name}, name, args, kwargs, backward=backward, changes_inputs=True)

    def operations(self, name: str, *args: Any, **kwargs: Any) -> Run:
        """Like ``call``, also counting the torch operations the call makes (``run.ops``: functions and tensor
        methods, indexing included) and whether it read a tensor into Python (``run.to_python``)."""
        return self._call({"target": name}, name, args, kwargs, count_ops=True)

    def new(self, name: str, *args: Any, **kwargs: Any) -> Remote:
        """Call ``name`` and keep the result on the student's side (a class, a model factory)."""
        header, bufs, _ = self._send_call({"op": "new", "target": name}, name, args, kwargs)
        return Remote(self, self._decode(header, bufs), name)

    def hold(self, value: Any, label: str) -> Remote:
        """A value that came back as an object kept on the student's side (a DataLoader in a returned tuple, a
        setup's loss function), as a Remote to call, iterate or inspect."""
        if not isinstance(value, wire.RemoteObject):
            raise SubmissionError(f"{label} came back as {type(value).__name__}, where an object was expected")
        return Remote(self, value, label)

    def fake_clock(self, start: float = 1000.0) -> None:
        """Replace time.time/perf_counter/monotonic (and friends) by a clock the check moves."""
        self._request({"op": "fake_clock", "start": start}, "installing the test clock")
        self.dirty = True

    def advance_clock(self, seconds: float) -> None:
        self._request({"op": "advance", "dt": seconds}, "advancing the test clock")

    def substitute(self, sources: dict[str, str]) -> None:
        """Replace functions of the student's module, for this check only, by the given source (the book's)."""
        self._request({"op": "substitute", "sources": sources}, "substituting textbook helpers")
        self.dirty = True

    # ------------------------------------------------------------ internals

    def _seeded_header(self, header: dict) -> dict:
        """The check's seed rides on its first request, before any of the student's code runs in it."""
        if not self._seeded and self.seed is not None:
            self._seeded = True
            return dict(header, reseed=self.seed)
        return header

    def _call(self, header: dict, label: str, args: tuple, kwargs: dict, *, backward: bool = False,
              changes_inputs: bool = False, count_ops: bool = False) -> Run:
        # The arguments always come back: a call that may not change them is checked for it.
        header = dict(header, op="call", backward=backward, report_args=True, count_ops=count_ops)
        reply, bufs, refs = self._send_call(header, label, args, kwargs)
        dec = wire.Decoder(bufs)
        try:
            run = Run(value=dec.decode(reply.get("value")),
                      args=dec.decode(reply.get("args", [])) or [],
                      kwargs=dec.decode(reply.get("kwargs", {"__dict__": []})) or {},
                      sent_refs=refs)
            if count_ops:
                run.ops, run.to_python = _counts(dec.decode(reply.get("operations")))
        except wire.ProtocolError as e:
            self._observe("unreadable")
            raise SubmissionError(f"{label} returned something the grader cannot read ({e})") from None
        self._observe(("returned", run.value, run.args, run.kwargs))
        if count_ops:
            self._observe(("operations", run.ops, run.to_python))
        if not changes_inputs:
            where = changed_argument(args, kwargs, run)
            if where:
                self._observe(("changed its input", where))
                raise SubmissionError(
                    f"{label} changed its input in place: after the call, {where} differs from what was passed "
                    "in. Leave the inputs as they are and compute new tensors (x - m, not x -= m; "
                    "y.reshape(...), not y.resize_(...))")
        return run

    def _send_call(self, header: dict, label: str, args: tuple, kwargs: dict) -> tuple[dict, list, dict]:
        enc = wire.Encoder(number_tensors=True, to_handle=_remote_to_wire)
        header = dict(header, args=enc.encode(list(args)), kwargs=enc.encode(dict(kwargs)))
        if isinstance(header.get("target"), str):
            self._loaded()
            if header["target"] not in self.names:
                self._observe(("missing", header["target"]))
                raise SubmissionError(self._missing(header["target"]))
        reply, bufs = self._request(header, label, enc.buffers)
        return reply, bufs, enc.refs

    def _missing(self, name: str) -> str:
        return f"`{name}` is missing from {self.where}: define it with the name and signature given in the assignment"

    def _request(self, header: dict, label: str, buffers: list[bytes] = ()) -> tuple[dict, list]:
        reply, bufs = self._exchange(header, label, list(buffers))
        if not reply.get("ok"):
            error = reply.get("error") or {}
            self._observe(("raised", str(error.get("type")), str(error.get("message"))))
            self._fail_with(label, error if isinstance(error, dict) else {})
        return reply, bufs

    def _fail_with(self, label: str, error: dict) -> NoReturn:
        """The student's code raised: what happened, and its likely cause (the exercise's own causes first)."""
        raised_in = error.get("raised_in")  # the student's word (the runner says it): only ever a label
        fact, cause = hints.call_failure_parts(label, error, self.causes.get(self.exercise, ()))
        raise SubmissionError(f"{fact}. Likely cause: {cause}" if cause else fact, fact=fact,
                              not_implemented=error.get("type") == "NotImplementedError",
                              raised_in=raised_in[:200] if isinstance(raised_in, str) else "")

    def _decode(self, header: dict, bufs: list) -> Any:
        value = wire.Decoder(bufs).decode(header.get("value"))
        self._observe(("returned", value))
        return value

    def _observe(self, event: Any) -> None:
        if self.observed is not None:
            self.observed.append(event)


def _counts(reported: Any) -> tuple[int, bool]:
    """The runner's operation counts, as plain numbers (anything else: unreadable)."""
    if not isinstance(reported, dict) or set(reported) != {"count", "to_python"}:
        raise wire.ProtocolError("operation counts missing")
    count, to_python = reported["count"], reported["to_python"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0 or not isinstance(to_python, bool):
        raise wire.ProtocolError("operation counts are not a count and a flag")
    return count, to_python


def changed_argument(args: tuple, kwargs: dict, run: Run) -> str:
    """Which argument of a call came back altered ("argument 2", "keyword argument lr"); "" if none did."""
    for i, sent in enumerate(args):
        after = run.args[i] if i < len(run.args) else None
        if changed_input(sent, after):
            return f"argument {i + 1}"
    for key, sent in kwargs.items():
        if changed_input(sent, run.kwargs.get(key)):
            return f"keyword argument {key}"
    return ""


def changed_input(sent: Any, after: Any) -> bool:
    """Whether a value a check passed in is not, exactly, what came back: values, shape, dtype, length, keys.

    Objects kept on the student's side (models, loaders) are theirs to change and are never compared.
    """
    if isinstance(sent, Remote | wire.RemoteObject):
        return False
    if isinstance(sent, torch.Tensor):
        if not isinstance(after, torch.Tensor) or sent.shape != after.shape or sent.dtype != after.dtype:
            return True
        a, b = sent.detach(), after.detach()
        if a.is_floating_point() or a.is_complex():
            return not bool(((a == b) | (a.isnan() & b.isnan())).all())
        return not torch.equal(a, b)
    if isinstance(sent, np.ndarray):
        return not (isinstance(after, np.ndarray) and sent.shape == after.shape and sent.dtype == after.dtype
                    and np.array_equal(sent, after, equal_nan=sent.dtype.kind in "fc"))
    if isinstance(sent, list | tuple):
        return (not isinstance(after, list | tuple) or len(sent) != len(after)
                or any(changed_input(x, y) for x, y in zip(sent, after)))
    if isinstance(sent, dict):
        return (not isinstance(after, dict) or sent.keys() != after.keys()
                or any(changed_input(sent[k], after[k]) for k in sent))
    if isinstance(sent, float) and isinstance(after, float) and math.isnan(sent) and math.isnan(after):
        return False
    if isinstance(sent, bool) or isinstance(after, bool):
        return type(sent) is not type(after) or sent != after
    return bool(sent != after)


def _remote_to_wire(enc: wire.Encoder, value: Any, depth: int) -> dict:
    if isinstance(value, Remote):
        return value._wire()
    raise TypeError(f"cannot send a {type(value).__name__} to the submission")

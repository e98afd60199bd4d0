"""Code similarity: pairs of submissions whose code matches beyond the handout's stub and the book's code.

copydetect fingerprints each file: its tokens with every name, string and comment abstracted away
(a renamed variable or a changed comment changes nothing), hashed in k-grams of ``K`` tokens
(Schleimer, Wilkerson and Aiken's winnowing, the method behind MOSS). The stub students were given
and the textbook code they were told to follow are the boilerplate: a fingerprint found in them
never counts, so following the book is not copying. Every k-gram is kept (a winnowing window of 1):
the fingerprints then do not depend on which of them a process's hash ranks lowest, so the same
class gives the same pairs on every run.

A pair is listed when the code they share, beyond the boilerplate, is at least ``THRESHOLD`` of
what either of them wrote beyond it, and at least ``MIN_SHARED`` tokens long. A listed pair is a
lead for the instructor to read side by side, never a verdict.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.assignments import ROOT, Assignment

K = 25  # copydetect's noise threshold: shorter matches are idioms, not copying
THRESHOLD = 0.5  # of the code either student wrote beyond the boilerplate
MIN_SHARED = 150  # abstracted tokens shared; fewer says nothing, however high the fraction
MAX_PAIRS = 100  # listed, most similar first: more means the class shares a source, and the count says so
# Of each submission's own code, what is compared: four times a whole solution's. Tokenising costs about
# 20 us a character, so an upload at the 2 MiB limit would cost the batch half a minute, and a class of them hours.
MAX_OWN_CHARS = 16_000
FILE = "similarity.json"
PAGES = "similarity"  # OUT/similarity/<a>--<b>.html: the side-by-side views
VERSION = 1  # of the method and its parameters: a change recomputes


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    share_a: float  # of a's own code (beyond the boilerplate), the part also in b's
    share_b: float
    shared: int  # abstracted tokens in common
    slices_a: tuple[tuple[int, int], ...] = ()  # (start, end) of the shared code in a's source
    slices_b: tuple[tuple[int, int], ...] = ()

    @property
    def page(self) -> str:
        return f"{self.a}--{self.b}.html"

    @property
    def share(self) -> float:
        return max(self.share_a, self.share_b)


@dataclass
class Similarity:
    """What ``OUT/similarity.json`` holds: the listed pairs, or why there are none."""

    pairs: list[Pair] = field(default_factory=list)
    compared: int = 0  # submissions compared
    qualified: int = 0  # pairs over the threshold, of which the first MAX_PAIRS are listed
    error: str = ""  # why it could not be computed
    seconds: float = 0.0
    inputs: str = ""  # digest of what was compared, to skip recomputing an unchanged class
    threshold: float = THRESHOLD
    min_shared: int = MIN_SHARED

    def to_json(self) -> dict:
        # The slices only serve the side-by-side pages, written beside it.
        return {**asdict(self), "pairs": [{k: v for k, v in asdict(p).items() if not k.startswith("slices")}
                                          for p in self.pairs]}

    @classmethod
    def from_json(cls, data: object) -> Similarity | None:
        if not isinstance(data, dict):
            return None
        try:
            pairs = [Pair(str(p["a"]), str(p["b"]), float(p["share_a"]), float(p["share_b"]), int(p["shared"]))
                     for p in data.get("pairs", [])]
            return cls(pairs, int(data.get("compared", 0)), int(data.get("qualified", len(pairs))),
                       str(data.get("error", "")),
                       float(data.get("seconds", 0.0)), str(data.get("inputs", "")),
                       float(data.get("threshold", THRESHOLD)), int(data.get("min_shared", MIN_SHARED)))
        except (KeyError, TypeError, ValueError):
            return None


def read(out: Path) -> Similarity | None:
    try:
        return Similarity.from_json(json.loads((Path(out) / FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def book_sources(assignment: Assignment) -> list[str]:
    """The book's code the exercises follow (the kit's copy of it, which grading substitutes)."""
    return [p.read_text(encoding="utf-8")
            for p in sorted((ROOT / "autograder" / "suites" / assignment.name / "book").glob("*.py"))]


def separator(student: str) -> str:
    """The line that stands between two runs of a student's own code: a number no classmate's code has.

    Runs are compared as they are, never across the joint: a k-gram spanning the end of one function
    and the start of the next is the student's alone, so two students who both wrote the book's code
    around the same stub do not share the joints between them.
    """
    return str(int(hashlib.sha256(student.encode()).hexdigest()[:12], 16))


def own_code(source: str, stub: str, student: str = "") -> str:
    """The lines of ``source`` that are not lines of the stub: what the student wrote, in their order,
    each run of them apart (``separator``), up to ``MAX_OWN_CHARS`` (whole lines).

    A line counts as the stub's wherever it stands, so moving the stub's functions around leaves
    nothing of the stub behind.
    """
    given = {line.strip() for line in stub.splitlines()}
    runs: list[list[str]] = [[]]
    for line in source.splitlines():
        if line.strip() in given:
            if runs[-1] and line.strip():
                runs.append([])
        else:
            runs[-1].append(line)
    kept = [run for run in runs if any(line.strip() for line in run)]
    text = f"\n{separator(student)}\n".join("\n".join(run) for run in kept) + ("\n" if kept else "")
    return text if len(text) <= MAX_OWN_CHARS else text[: text.rfind("\n", 0, MAX_OWN_CHARS) + 1]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """copydetect logs a warning on the root logger for a file it cannot tokenise: not the grader's news."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous)


def _fingerprint(text: str, boilerplate=None):
    from copydetect import CodeFingerprint

    return CodeFingerprint("submission.py", K, 1, boilerplate, fp=io.StringIO(text))


def _boilerplate_hashes(boilerplate: Iterable[str]):
    import numpy as np

    return np.unique(np.array([h for text in boilerplate for h in _fingerprint(text).hashes], dtype=np.int64))


def _union(starts) -> int:
    """Tokens covered by the k-grams starting at the sorted positions ``starts``: the union of [p, p + K)."""
    import numpy as np

    return int(np.minimum(np.diff(starts), K).sum()) + K if len(starts) else 0


class _Positions:
    """One file's fingerprints by position, for comparing it with many others fast."""

    def __init__(self, fingerprint, cut: str = "") -> None:
        import numpy as np

        keys = list(fingerprint.hash_idx)
        where = [fingerprint.hash_idx[h] for h in keys]
        positions = np.array([p for ps in where for p in ps], dtype=np.int64)
        hashes = np.repeat(np.array(keys, dtype=np.int64), [len(ps) for ps in where])
        order = np.argsort(positions, kind="stable")
        self.positions, self.hashes = positions[order], hashes[order]
        self.unique = np.unique(hashes)
        # The student's code is what k-grams within one run cover: a k-gram across a separator is theirs
        # alone, so what only it covers (a run shorter than K) could never be shared and does not count.
        within = np.ones(len(self.positions), dtype=bool)
        if cut:
            cuts = np.array([m.start() for m in re.finditer(re.escape(cut), fingerprint.filtered_code)], dtype=np.int64)
            if len(cuts):
                last = np.searchsorted(cuts, self.positions + K) - 1  # the last separator starting before p + K
                crossing = (last >= 0) & (cuts[np.maximum(last, 0)] + len(cut) > self.positions)
                within = ~crossing
        self.within = within
        self.coverage = float(_union(self.positions[within]))

    def shared_tokens(self, other: _Positions) -> int:
        """Tokens of this file covered by a k-gram the other also has: copydetect's token overlap."""
        import numpy as np

        if not len(other.unique):
            return 0
        found = np.searchsorted(other.unique, self.hashes)
        found[found == len(other.unique)] = 0
        return _union(self.positions[self.within & (other.unique[found] == self.hashes)])


def compare(sources: dict[str, str], boilerplate: Iterable[str], threshold: float = THRESHOLD,
            min_shared: int = MIN_SHARED, limit: int = MAX_PAIRS) -> tuple[list[Pair], list[tuple[str, str]]]:
    """The pairs of ``sources`` (student -> their own code) sharing enough code beyond ``boilerplate``, most
    similar first, at most ``limit`` of them (slices index into the given code); and every pair that qualified.

    A share is the token overlap copydetect computes (here in vectorised form, to screen every pair),
    counting only k-grams within one run of the student's own code, over the tokens such k-grams
    cover; the slices shown are copydetect's.
    """
    import numpy as np
    from copydetect import compare_files

    with _quiet():
        common = _boilerplate_hashes(boilerplate)
        prints = {s: _fingerprint(text, common) for s, text in sorted(sources.items())}
    fast = {s: _Positions(prints[s], separator(s)) for s in prints}
    names = [s for s in prints if fast[s].coverage > 0]  # an untouched stub wrote nothing of its own
    qualified = []
    for i, a in enumerate(names):
        pa = fast[a]
        for b in names[i + 1:]:
            pb = fast[b]
            shared_a = pa.shared_tokens(pb)
            if shared_a < min_shared:
                continue
            share = max(shared_a / pa.coverage, pb.shared_tokens(pa) / pb.coverage)
            if share >= threshold:
                qualified.append((-share, -shared_a, a, b))
    pairs = []
    for _, _, a, b in sorted(qualified)[:limit]:
        _, _, (slices_a, slices_b) = compare_files(prints[a], prints[b])
        shared = fast[a].shared_tokens(fast[b])
        share_a, share_b = shared / fast[a].coverage, fast[b].shared_tokens(fast[a]) / fast[b].coverage
        pairs.append(Pair(a, b, round(float(share_a), 4), round(float(share_b), 4), int(shared),
                          tuple(map(tuple, np.asarray(slices_a, dtype=int).T.tolist())),
                          tuple(map(tuple, np.asarray(slices_b, dtype=int).T.tolist()))))
    return sorted(pairs, key=lambda p: (-p.share, -p.shared, p.a, p.b)), [(a, b) for _, _, a, b in qualified]


def digest(sources: dict[str, str], boilerplate: list[str]) -> str:
    h = hashlib.sha256(f"v{VERSION} k{K} t{THRESHOLD} m{MIN_SHARED}".encode())
    for text in boilerplate:
        h.update(hashlib.sha256(text.encode()).digest())
    for student in sorted(sources):
        h.update(student.encode() + b"\0" + hashlib.sha256(sources[student].encode()).digest())
    return h.hexdigest()


def update(out: Path, assignment: Assignment, sources: dict[str, str]) -> Similarity:
    """Compare the class and write ``OUT/similarity.json`` and the side-by-side pages (unless nothing changed).

    Never raises for what a submission holds or for a kit without the stub (a Gradescope autograder
    grades one submission and has none): a failure is recorded, and the report says so.
    """
    from autograder.report import similarity_page
    from autograder.results import atomic_write

    started = time.perf_counter()
    own: dict[str, str] = {}
    try:
        stub = assignment.stub.read_text(encoding="utf-8") if len(sources) > 1 else ""
        boilerplate = [stub, *book_sources(assignment)] if stub else []
        inputs = digest(sources, boilerplate)
        previous = read(out)
        if previous is not None and previous.inputs == inputs and not previous.error:
            return previous
        own = {student: own_code(text, stub, student) for student, text in sources.items()} if stub else {}
        pairs, qualified = compare(own, boilerplate) if stub else ([], [])
        found = Similarity(pairs, len(sources), len(qualified), inputs=inputs)
    except Exception as e:  # noqa: BLE001 -- a similarity failure must never cost a student their grade
        found = Similarity([], len(sources), error=f"{type(e).__name__}: {e}"[:500])
    found.seconds = round(time.perf_counter() - started, 3)
    folder = Path(out) / PAGES
    for stale in folder.glob("*.html"):
        stale.unlink()
    for pair in found.pairs:
        atomic_write(folder / pair.page, similarity_page(assignment.name, pair, own[pair.a], own[pair.b],
                                                         (separator(pair.a), separator(pair.b))))
    atomic_write(Path(out) / FILE, json.dumps(found.to_json(), indent=1) + "\n")
    return found

"""Shared fixtures: grade a class of generated submissions once per assignment and session."""

from __future__ import annotations

import hashlib
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

import pytest

from autograder.assignments import Assignment
from autograder.grade import grade
from autograder.mistakes import Variant, catalogue
from autograder.results import StudentResult
from autograder.sandbox import Limits
from autograder.warm_judge import WarmJudge
from tests.trivial import trivial_variants
from tests.variants import write_variants

SEEDS = 50  # the reference is graded under this many different input seeds
REPEATS = 20  # one imperfect submission graded this many times, each under its own seed


class GradedClass:
    def __init__(self, assignment: Assignment, folder: Path, out: Path):
        self.assignment = assignment
        self.folder = folder
        self.out = out
        self.results: dict[str, StudentResult] = {}

    def __getitem__(self, student: str) -> StudentResult:
        return self.results[student]


def grade_under_seeds(assignment: Assignment, copies: dict[str, tuple[str, int]],
                      limits: Limits) -> list[StudentResult]:
    """Grade ``{student: (source, seed)}``, each under its own input seed, on two warm judges at once.

    A batch gives every student the same inputs (one seed per batch and check), so the same source under many
    seeds is graded by long-lived judges, one request (one seed) per copy: the same judge, runner and sandbox
    as a batch."""
    requests = [{"op": "grade", "assignment": assignment.name, "seed": seed, "limits": asdict(limits),
                 "isolation": "auto", "student": {"student": student, "source": source, "error": "",
                                                  "sha256": hashlib.sha256(source.encode()).hexdigest()}}
                for student, (source, seed) in copies.items()]
    judges = [WarmJudge("auto") for _ in range(2)]
    try:
        with ThreadPoolExecutor(len(judges)) as pool:
            replies = pool.map(lambda k: [judges[k].request(r, timeout=600) for r in requests[k::len(judges)]],
                               range(len(judges)))
            return [StudentResult.from_gradescope(reply["result"]) for share in replies for reply in share]
    finally:
        for judge in judges:
            judge.close()


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    cache: dict[str, GradedClass] = {}

    def get(name: str) -> GradedClass:
        if name in cache:
            return cache[name]
        assignment = Assignment(name)
        mistakes, alternatives = catalogue(name)
        root = tmp_path_factory.mktemp(name)
        folder = root / "submissions"
        folder.mkdir()
        reference = assignment.solution.read_text()
        write_variants(folder, reference, assignment.filename, mistakes + alternatives)
        for variant in trivial_variants(reference, list(assignment.exercises)):
            (folder / f"trivial_{variant.name}").mkdir()
            (folder / f"trivial_{variant.name}" / assignment.filename).write_text(variant.source)
        shutil.copy(assignment.stub, folder / "untouched_stub.py")
        graded = GradedClass(assignment, folder, root / "out")
        limits = Limits(call_seconds=20)
        batch = grade(assignment, folder, graded.out, workers=2, limits=limits, quiet=True)
        graded.results = {r.student: r for r in batch.results}
        # New seeds every run (as a batch's): over many runs the tolerances meet many more inputs.
        base = secrets.randbits(31)
        imperfect = Variant("imperfect", mistakes[0].edits + mistakes[-1].edits).source(reference)
        copies = {f"reference_{k:02d}": (reference, base + k) for k in range(SEEDS)}
        copies |= {f"imperfect_{k:02d}": (imperfect, base + SEEDS + k) for k in range(REPEATS)}
        graded.results |= {r.student: r for r in grade_under_seeds(assignment, copies, limits)}
        cache[name] = graded
        return graded

    return get


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that grades a whole class is end to end: the slow tier.
    for item in items:
        if "graded_class" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)

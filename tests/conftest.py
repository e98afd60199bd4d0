"""Shared fixtures: grade a class of generated submissions once per assignment and session."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

from autograder.assignments import Assignment
from autograder.grade import grade
from autograder.results import StudentResult
from autograder.sandbox import Limits
from tests.variants import Variant, write_variants

SEEDS = 50  # the reference is graded under this many different input seeds
REPEATS = 20  # one imperfect submission graded this many times


def catalogue(name: str) -> tuple[list[Variant], list[Variant]]:
    module = importlib.import_module(f"tests.mistakes.{name}")
    return module.MISTAKES, module.ALTERNATIVES


class GradedClass:
    def __init__(self, assignment: Assignment, folder: Path, out: Path):
        self.assignment = assignment
        self.folder = folder
        self.out = out
        self.results: dict[str, StudentResult] = {}

    def __getitem__(self, student: str) -> StudentResult:
        return self.results[student]


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
        for k in range(SEEDS):
            (folder / f"reference_{k:02d}.py").write_text(reference)
        shutil.copy(assignment.stub, folder / "untouched_stub.py")
        imperfect = Variant("imperfect", mistakes[0].edits + mistakes[-1].edits).source(reference)
        for k in range(REPEATS):
            (folder / f"imperfect_{k:02d}.py").write_text(imperfect)
        graded = GradedClass(assignment, folder, root / "out")
        batch = grade(assignment, folder, graded.out, workers=2, limits=Limits(call_seconds=20), quiet=True)
        graded.results = {r.student: r for r in batch.results}
        cache[name] = graded
        return graded

    return get

"""The same grades on a loaded machine: one class graded twice, under other seeds, beside busy processes."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from autograder.assignments import Assignment
from autograder.grade import grade
from tests.conftest import catalogue

pytestmark = pytest.mark.slow
ASSIGNMENT = Assignment("linear_regression")
HOGS = 3  # more busy processes than the 2 cores CI has


def _spin() -> None:
    while True:
        pass


def _class(root: Path) -> Path:
    subs = root / "class"
    subs.mkdir()
    reference = ASSIGNMENT.solution.read_text(encoding="utf-8")
    mistakes, _ = catalogue(ASSIGNMENT.name)
    for variant in mistakes:
        if variant.exercise in ("benchmark_addition", "sgd", "data_iter", "add_loop"):
            (subs / f"{variant.name}.py").write_text(variant.source(reference), encoding="utf-8")
    for k in range(4):
        (subs / f"reference{k}.py").write_text(reference, encoding="utf-8")
    return subs


def test_two_gradings_under_load_give_identical_grades(tmp_path):
    subs = _class(tmp_path)
    hogs = [multiprocessing.get_context("fork").Process(target=_spin, daemon=True) for _ in range(HOGS)]
    for hog in hogs:
        hog.start()
    try:
        first = grade(ASSIGNMENT, subs, tmp_path / "first", workers=os.cpu_count() or 2, seed=1, quiet=True)
        second = grade(ASSIGNMENT, subs, tmp_path / "second", workers=os.cpu_count() or 2, seed=2, quiet=True)
    finally:
        for hog in hogs:
            hog.kill()
    assert len(first.results) == len(second.results) == len(list(subs.iterdir()))
    grades = (tmp_path / "first" / "grades.csv").read_bytes()
    assert grades == (tmp_path / "second" / "grades.csv").read_bytes()
    full = {r.student: r.score == r.max_score for r in first.results}
    assert all(full[f"reference{k}"] for k in range(4)) and not any(v for s, v in full.items() if "reference" not in s)

"""What each assignment's grading suite holds: its checks, their exercises and points."""

from __future__ import annotations

import contextlib
import io
from functools import cache

import pytest

from autograder.assignments import Assignment
from autograder.judge import pytest_args


class _Collector:
    def __init__(self) -> None:
        self.items: list[pytest.Item] = []

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.items = list(items)


@cache
def checks(assignment: Assignment, hidden: bool = True) -> tuple[tuple[str, str, float], ...]:
    """(test name, exercise, points) of every check in the suite, in order."""
    collector = _Collector()
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main([*pytest_args(assignment.suite(hidden)), "--collect-only"], plugins=[collector])
    out = []
    for item in collector.items:
        mark = item.get_closest_marker("exercise")
        if mark:
            out.append((item.originalname, mark.args[0], float(mark.kwargs.get("points", 1.0))))
    return tuple(out)


def exercise_points(assignment: Assignment, hidden: bool = True) -> dict[str, float]:
    points = dict.fromkeys(assignment.exercises, 0.0)
    for _, exercise, value in checks(assignment, hidden):
        points[exercise] = points.get(exercise, 0.0) + value
    return points

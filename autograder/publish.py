"""What a batch's results become: the overrides applied, then ``grades.csv`` and the report."""

from __future__ import annotations

from pathlib import Path

from autograder import overrides
from autograder.assignments import Assignment
from autograder.results import StudentResult, atomic_write, grades_csv, read_results


def publish(out: Path, assignment: Assignment, results: list[StudentResult] | None = None, *,
            students: list[str] | None = None, feedback: str = "all") -> list[StudentResult]:
    """Apply ``OUT/overrides.csv`` and write ``grades.csv`` and ``report.html`` (OverrideError: nothing written).

    ``results``: the batch (default: every result in ``OUT``); ``students``: who an override may name
    (default: the batch); ``feedback``: as in ``write_report``.
    """
    from autograder.report import write_report

    results = read_results(out) if results is None else results
    results = overrides.apply(out, results, overrides.maxima(assignment), students)
    atomic_write(out / "grades.csv", grades_csv(results, assignment.exercises))
    write_report(out, results, feedback=feedback)
    return results

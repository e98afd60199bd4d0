"""Score overrides: an instructor's adjustments in ``OUT/overrides.csv``, applied wherever a grade is written.

One row per adjustment, with a header::

    student,exercise,points,comment,by,when
    ada,sgd,4,"full marks: the grader's timeout, not her code",mk,2026-12-03
    grace,linreg,-1,copied the docstring's example as the answer,mk,2026-12-03

``points`` is the exercise's new score (``4``), or a change to the graded score when it is signed
(``+1``, ``-0.5``). Rows apply in file order: a score replaces what came before, a change adds to it.
The file is the instructor's, never the judge's: grading writes each result as graded, then every
result, feedback page, ``grades.csv`` and report is rebuilt with the overrides, so they survive
reruns, ``--only`` and ``--force``. A bad row refuses the whole file with its line number and why;
nothing is dropped quietly.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from autograder.assignments import Assignment
from autograder.results import Adjustment, StudentResult, atomic_write, write_student
from autograder.safe_csv import csv_text, unescape_cell

FILENAME = "overrides.csv"
COLUMNS = ("student", "exercise", "points", "comment", "by", "when")
REQUIRED = ("student", "exercise", "points")


class OverrideError(ValueError):
    """overrides.csv cannot be applied; the message names the file, the line and what to fix."""


@dataclass(frozen=True)
class Override:
    """One row of overrides.csv, as written."""

    line: int
    student: str
    exercise: str
    points: float
    relative: bool  # a signed value: added to the score so far, instead of replacing it
    comment: str = ""
    by: str = ""
    when: str = ""

    def shown(self) -> str:
        return f"{self.points:+g}" if self.relative else f"{self.points:g}"

    def where(self, source: str) -> str:
        return f"{source} line {self.line}" if self.line else "the new override"


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse(text: str, source: str = FILENAME) -> list[Override]:
    """The rows of an overrides file; OverrideError names the first line that is not one."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))  # a spreadsheet may save a BOM
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    unknown = [c for c in header if c not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise OverrideError(f"{source} line 1: the header must name the columns {', '.join(COLUMNS)} "
                            f"({', '.join(REQUIRED)} required, each once); got {', '.join(rows[0]) or 'nothing'}")
    out = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise OverrideError(f"{source} line {line}: {len(row)} cells for {len(header)} columns "
                                "(quote a comment that holds a comma)")
        cells = {name: unescape_cell(cell).strip() for name, cell in zip(header, row)}
        for name in REQUIRED:
            if not cells.get(name):
                raise OverrideError(f"{source} line {line}: no {name}")
        value = _number(cells["points"])
        if value is None:
            raise OverrideError(f"{source} line {line}: points {cells['points']!r} is not a number "
                                "(a score such as 4, or a change such as +1 or -0.5)")
        out.append(Override(line, cells["student"], cells["exercise"], value,
                            relative=cells["points"][0] in "+-", comment=cells.get("comment", ""),
                            by=cells.get("by", ""), when=cells.get("when", "")))
    return out


def read(out: Path) -> list[Override]:
    """``OUT/overrides.csv`` parsed (no file: no overrides)."""
    path = Path(out) / FILENAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as e:
        raise OverrideError(f"{path}: cannot be read ({e})") from None
    return parse(text, str(path))


def _known(kind: str, value: str, known: Iterable[str]) -> str:
    names = sorted(known)
    listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return f"unknown {kind} {value!r} (known: {listed or 'none'})"


def check(overrides: list[Override], students: Iterable[str], maxima: dict[str, float],
          source: str = FILENAME) -> None:
    """Refuse a row whose student or exercise does not exist, or whose score is outside 0..the exercise's points."""
    students = set(students)
    for o in overrides:
        where = o.where(source)
        if o.student not in students:
            raise OverrideError(f"{where}: {_known('student', o.student, students)}")
        if o.exercise not in maxima:
            raise OverrideError(f"{where}: {_known('exercise', o.exercise, maxima)}")
        top = maxima[o.exercise]
        if not o.relative and not 0 <= o.points <= top:
            raise OverrideError(f"{where}: {o.exercise} is worth 0 to {top:g} points, not {o.points:g}")
        if o.relative and abs(o.points) > top:
            raise OverrideError(f"{where}: a change of {o.points:+g} is more than {o.exercise}'s {top:g} points")


def adjustments(overrides: list[Override], student: str, graded: dict[str, float], maxima: dict[str, float],
                source: str = FILENAME) -> list[Adjustment]:
    """One student's adjustments, from what their checks earned per exercise (``graded``).

    An exercise's final score must stay within 0 and its points: a change that would leave them is refused.
    """
    mine = [o for o in overrides if o.student == student]
    result = []
    for exercise in dict.fromkeys(o.exercise for o in mine):
        score = start = graded.get(exercise, 0.0)
        rows = [o for o in mine if o.exercise == exercise]
        for o in rows:
            score = score + o.points if o.relative else o.points
            top = maxima.get(exercise, 0.0)
            if not -1e-9 <= score <= top + 1e-9:
                raise OverrideError(f"{o.where(source)}: {o.shown()} takes {student}'s {exercise} to "
                                    f"{score:g}, outside 0 to {top:g} points (graded {start:g})")
        last = rows[-1]
        comments = [o.comment for o in rows if o.comment]
        result.append(Adjustment(exercise, round(score - start, 6), "; ".join(comments), last.by, last.when))
    return result


def append(out: Path, row: dict[str, str]) -> Path:
    """Add one row to ``OUT/overrides.csv`` (made with its header if there is none)."""
    path = Path(out) / FILENAME
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if existing.strip():
        parse(existing, str(path))  # never append to a file that could not be applied anyway
        header = [c.strip().lower() for c in next(csv.reader(io.StringIO(existing.lstrip("\ufeff"))))]
    else:
        header, existing = list(COLUMNS), csv_text([COLUMNS])
    for name in row:
        if name not in header:
            raise OverrideError(f"{path}: has no {name} column; add it to the header first")
    if not existing.endswith(("\n", "\r")):
        existing += "\r\n"
    text = existing + csv_text([[row.get(name, "") for name in header]])
    atomic_write(path, text)
    return path


def maxima(assignment: Assignment) -> dict[str, float]:
    """What each exercise is worth in the grading suite, read from its source (no import)."""
    from autograder.validate import suite_checks

    points = dict.fromkeys(assignment.exercises, 0.0)
    for c in suite_checks(assignment.suite(True)):
        if c.exercise in points and c.points is not None:
            points[c.exercise] += c.points
    return points


def plan(rows: list[Override], results: list[StudentResult], worth: dict[str, float], source: str = FILENAME,
         students: Iterable[str] | None = None) -> list[tuple[StudentResult, list[Adjustment]]]:
    """Each result with the adjustments ``rows`` give it, or OverrideError for the first row that cannot apply.

    Nothing is written: ``apply`` and the ``override`` command both refuse a bad row before any file changes.
    """
    check(rows, [r.student for r in results] if students is None else students, worth, source)
    return [(r, adjustments(rows, r.student, r.graded_points(), worth, source)) for r in results]


def apply(out: Path, results: list[StudentResult], worth: dict[str, float],
          students: Iterable[str] | None = None) -> list[StudentResult]:
    """Every result with the adjustments ``OUT/overrides.csv`` gives it now (none, if a row was removed).

    All or nothing: every row is checked before any file is written. The result and Markdown feedback
    of a student whose adjustments changed are rewritten (the HTML page follows, being older than them).
    """
    updated = []
    for r, wanted in plan(read(out), results, worth, str(Path(out) / FILENAME), students):
        if wanted != r.adjustments:
            r = replace(r, adjustments=wanted)
            write_student(out, r)
        updated.append(r)
    return updated

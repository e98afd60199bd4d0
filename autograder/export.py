"""Grades for a learning management system's gradebook: Canvas, Moodle, or a plain CSV, joined to a roster.

- **Canvas** (Grades > Import): the columns of Canvas's own gradebook export, ``Student, ID, SIS User
  ID, SIS Login ID, Section``, then one column per assignment, and a ``Points Possible`` row under the
  header. Canvas matches a row by ``ID``, ``SIS User ID`` or ``SIS Login ID``; a blank score changes
  nothing. Give Canvas's export as the roster and its columns are copied as they are; without a roster
  the kit's student id stands as the ``SIS Login ID``.
- **Moodle** (Grades > Import > CSV file): ``First name, Last name, ID number, Email address``, then the
  grade, named as Moodle's export names it (``Assignment: NAME (Real)``); at import, map one of the
  first four columns to the user field it holds and the grade to the grade item.
- **csv**: the roster's columns, then ``score``, ``max_score`` and each exercise, as in ``grades.csv``.

A roster is a CSV with a header; ``key`` names the column that holds the student id (the name of the
upload, compared as the kit makes ids from it). Without one, the column that matches the most
submissions is used (ties: the first in ``KEYS``), and the caller says which. Roster students with
no submission keep a blank score, so an import leaves them as they were; both lists of the
unmatched are returned for the instructor to see.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autograder.results import StudentResult
from autograder.safe_csv import csv_text, unescape_cell
from autograder.student_ids import student_id

FORMATS = ("canvas", "moodle", "csv")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "    Points Possible"  # as Canvas's export writes it
MOODLE_COLUMNS = ("First name", "Last name", "ID number", "Email address")
# Preferred in this order when several columns match as many submissions: the kit's, then Canvas's and Moodle's.
KEYS = ("student id", "sis login id", "login id", "username", "sis user id", "id number", "email address", "email",
        "id", "student")


class ExportError(ValueError):
    """The roster cannot be used; the message says what to fix."""


@dataclass
class Roster:
    columns: list[str]
    rows: list[dict[str, str]]
    key: str  # the column holding the student id

    def id_of(self, row: dict[str, str]) -> str:
        return _match_form(row.get(self.key, ""))


@dataclass
class Export:
    text: str
    unsubmitted: list[str] = field(default_factory=list)  # in the roster, no result
    unrostered: list[str] = field(default_factory=list)  # a result, not in the roster


def _match_form(name: str) -> str:
    # Ids are unique ignoring case (student_ids), so a roster's "Ada.Lovelace" finds the upload "ada.lovelace".
    return student_id(name.strip()).casefold()


def read_roster(path: Path, key: str | None = None, ids: Sequence[str] = ()) -> Roster:
    """The roster at ``path``, joined on ``key`` or else on the column matching the most of ``ids``."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ExportError(f"roster {path}: cannot be read ({e})") from None
    reader = csv.reader(io.StringIO(text))
    table = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not table:
        raise ExportError(f"roster {path}: empty; it needs a header row and one row per student")
    columns = [cell.strip() for cell in table[0][1]]
    by_name = {c.casefold(): c for c in columns}
    numbered = [(line, {c: unescape_cell(v.strip()) for c, v in zip(columns, cells)}) for line, cells in table[1:]
                if cells[0].strip() != CANVAS_POINTS_ROW.strip()]  # a Canvas export's second row
    rows = [row for _, row in numbered]
    if key is not None:
        if key.casefold() not in by_name:
            raise ExportError(f"roster {path}: no column {key!r} (its columns: {', '.join(columns)})")
        chosen = by_name[key.casefold()]
    else:
        wanted = {i.casefold() for i in ids}
        rank = {c: KEYS.index(c.casefold()) if c.casefold() in KEYS else len(KEYS) for c in columns}
        hits = {c: sum(_match_form(row.get(c, "")) in wanted for row in rows) for c in columns}
        chosen = min(columns, key=lambda c: (-hits[c], rank[c]))
        if not hits[chosen]:
            raise ExportError(f"roster {path}: no column holds these submissions' student ids; name it with "
                              f"--key (its columns: {', '.join(columns)})")
    for line, row in numbered:
        if not row.get(chosen):
            raise ExportError(f"roster {path} line {line}: no {chosen}")
    seen: dict[str, str] = {}
    roster = Roster(columns, rows, chosen)
    for row in rows:
        if roster.id_of(row) in seen:
            raise ExportError(f"roster {path}: {row[chosen]!r} and {seen[roster.id_of(row)]!r} are the same "
                              f"student id; each student once")
        seen[roster.id_of(row)] = row[chosen]
    return roster


def _score(result: StudentResult | None) -> str:
    return "" if result is None else f"{result.score:g}"


def export(results: Sequence[StudentResult], exercises: Sequence[str], fmt: str, roster: Roster | None = None,
           column: str = "") -> Export:
    """The gradebook file in format ``fmt``; ``column``: the assignment's column name (default its name)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    results = sorted(results, key=lambda r: r.student)
    assignment = results[0].assignment if results else ""
    column = column or assignment
    possible = max((r.max_score for r in results), default=0.0)
    by_id = {r.student.casefold(): r for r in results}
    if roster is None:
        entries: list[tuple[dict[str, str], StudentResult | None]] = [({}, r) for r in results]
        unsubmitted, unrostered = [], []
    else:
        entries = [(row, by_id.get(roster.id_of(row))) for row in roster.rows]
        matched = {roster.id_of(row) for row in roster.rows}
        unsubmitted = [row[roster.key] for row, r in entries if r is None]
        unrostered = [r.student for r in results if r.student.casefold() not in matched]
        entries += [({}, by_id[s.casefold()]) for s in unrostered]  # still exported: no grade is lost
    if fmt == "canvas":
        rows = [[*CANVAS_COLUMNS, column], [CANVAS_POINTS_ROW, "", "", "", "", f"{possible:g}"]]
        for row, r in entries:
            fields = [row.get(c, "") for c in CANVAS_COLUMNS]
            if not row:
                fields[0] = fields[3] = r.student
            rows.append([*fields, _score(r)])
    elif fmt == "moodle":
        rows = [[*MOODLE_COLUMNS, f"Assignment: {column} (Real)"]]
        for row, r in entries:
            fields = [row.get(c, "") for c in MOODLE_COLUMNS]
            if not row:
                fields[2] = r.student
            rows.append([*fields, _score(r)])
    else:
        extra = [c for c in roster.columns] if roster else []
        rows = [[*extra, *([] if roster else ["student"]), "score", "max_score", *exercises]]
        for row, r in entries:
            points = r.exercise_points() if r else {}
            lead = [row.get(c, "") for c in extra] if roster else [r.student]
            if roster and not row:
                lead[extra.index(roster.key)] = r.student
            rows.append([*lead, _score(r), "" if r is None else f"{r.max_score:g}",
                         *("" if r is None else f"{points.get(e, 0):g}" for e in exercises)])
    return Export(csv_text(rows), unsubmitted, unrostered)

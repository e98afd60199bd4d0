"""Gradebook export: Canvas's and Moodle's import formats and a plain CSV, joined to a roster by student id."""

from __future__ import annotations

import csv
import io

import pytest

from autograder.cli import main
from autograder.export import ExportError, export, read_roster
from autograder.results import write_student
from tests.test_overrides import HEADER, LR, WORTH, result

TOTAL = f"{sum(WORTH.values()):g}"
CANVAS_ROSTER = ('Student,ID,SIS User ID,SIS Login ID,Section\r\n'
                 '    Points Possible,,,,\r\n'
                 '"Lovelace, Ada",101,s101,Ada,A\r\n'
                 '"Hopper, Grace",102,s102,grace,B\r\n'
                 '"Noether, Emmy",103,s103,emmy,A\r\n')


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def results():
    return [result("grace", failing=("sgd",)), result("ada"), result("alan")]


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(CANVAS_ROSTER, encoding="utf-8")
    return path


def test_canvas_has_its_gradebook_columns_and_a_points_possible_row(results, roster):
    made = export(results, LR.exercises, "canvas", read_roster(roster, ids=["ada", "grace", "alan"]))
    table = rows(made.text)
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "linear_regression"]
    assert table[1] == ["    Points Possible", "", "", "", "", TOTAL]
    assert table[2:] == [
        ["Lovelace, Ada", "101", "s101", "Ada", "A", TOTAL],  # joined ignoring case, as ids are unique
        ["Hopper, Grace", "102", "s102", "grace", "B", f"{sum(WORTH.values()) - WORTH['sgd']:g}"],
        ["Noether, Emmy", "103", "s103", "emmy", "A", ""],  # blank: an import leaves her grade as it was
        ["alan", "", "", "alan", "", TOTAL],  # not on the roster: still exported, by the kit's id
    ]
    assert made.unsubmitted == ["emmy"] and made.unrostered == ["alan"]


def test_without_a_roster_the_student_id_is_the_sis_login_id(results):
    table = rows(export(results, LR.exercises, "canvas", column="HW 1 (4242)").text)
    assert table[0][-1] == "HW 1 (4242)"
    assert [r[0] for r in table[2:]] == ["ada", "alan", "grace"]
    assert all(r[3] == r[0] and r[1] == r[2] == r[4] == "" for r in table[2:])


def test_moodle_has_the_user_fields_and_a_grade_named_as_moodle_exports_it(results, tmp_path):
    path = tmp_path / "moodle-roster.csv"
    path.write_text("First name,Last name,ID number,Email address\nAda,Lovelace,ada,ada@uni.edu\n", encoding="utf-8")
    made = export(results, LR.exercises, "moodle", read_roster(path, ids=["ada", "grace", "alan"]))
    assert rows(made.text) == [
        ["First name", "Last name", "ID number", "Email address", "Assignment: linear_regression (Real)"],
        ["Ada", "Lovelace", "ada", "ada@uni.edu", TOTAL],
        ["", "", "alan", "", TOTAL],
        ["", "", "grace", "", f"{sum(WORTH.values()) - WORTH['sgd']:g}"],
    ]


def test_csv_keeps_the_roster_columns_then_the_grades(results, roster):
    table = rows(export(results, LR.exercises, "csv", read_roster(roster, "SIS Login ID")).text)
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "score", "max_score",
                        *LR.exercises]
    assert table[2][:7] == ["Hopper, Grace", "102", "s102", "grace", "B", f"{sum(WORTH.values()) - 4:g}", TOTAL]
    assert table[2][7 + LR.exercises.index("sgd")] == "0"
    assert table[3][5:] == [""] * (2 + len(LR.exercises))
    assert table[4][:7] == ["", "", "", "alan", "", TOTAL, TOTAL]


def test_the_join_column_is_the_one_matching_the_most_submissions(roster, tmp_path):
    assert read_roster(roster, ids=["ada", "grace"]).key == "SIS Login ID"
    assert read_roster(roster, ids=["s101"]).key == "SIS User ID"
    with pytest.raises(ExportError) as e:
        read_roster(roster, ids=["nobody"])
    assert str(e.value) == (f"roster {roster}: no column holds these submissions' student ids; name it with --key "
                            "(its columns: Student, ID, SIS User ID, SIS Login ID, Section)")


@pytest.mark.parametrize("text, key, expected", [
    ("", None, ": empty; it needs a header row and one row per student"),
    ("login,name\nada,Ada\n", "email", ": no column 'email' (its columns: login, name)"),
    ("login,name\nada,Ada\n,Nobody\n", "login", " line 3: no login"),
    ("login,name\nada,Ada\nADA,Ada again\n", "login", ": 'ADA' and 'ada' are the same student id; each student once"),
])
def test_a_roster_that_cannot_be_joined_is_refused(tmp_path, text, key, expected):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExportError) as e:
        read_roster(path, key, ids=["ada"])
    assert str(e.value) == f"roster {path}{expected}"


def test_the_export_command_writes_what_grades_csv_says(results, roster, tmp_path, capsys):
    out = tmp_path / "out"
    for r in results:
        write_student(out, r)
    (out / "overrides.csv").write_text(HEADER + "grace,sgd,+1\n")
    assert main(["export", str(out), "--format", "canvas", "--roster", str(roster)]) == 0
    table = rows((out / "linear_regression-canvas.csv").read_text(encoding="utf-8"))
    assert table[3][-1] == f"{sum(WORTH.values()) - 3:g}"  # the override counts
    said = capsys.readouterr().out
    assert "joined on its 'SIS Login ID' column" in said
    assert "1 on the roster, no submission (left blank): emmy" in said
    assert "1 submitted, not on the roster (exported by their id): alan" in said
    assert main(["export", str(out), "--format", "moodle", "--output", str(tmp_path / "m.csv")]) == 0
    assert rows((tmp_path / "m.csv").read_text(encoding="utf-8"))[0][-1] == "Assignment: linear_regression (Real)"

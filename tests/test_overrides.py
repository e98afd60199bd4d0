"""Score overrides (OUT/overrides.csv): parsed strictly, applied on every write, kept across reruns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder import overrides
from autograder.assignments import ROOT, Assignment
from autograder.cli import main
from autograder.grade import GradeError, grade
from autograder.overrides import OverrideError
from autograder.results import ADJUSTED, FAILED, PASSED, StudentResult, read_results, write_student
from autograder.results import TestOutcome as Outcome

LR = Assignment("linear_regression")
WORTH = overrides.maxima(LR)
HEADER = "student,exercise,points,comment,by,when\n"


def result(student: str, failing: tuple[str, ...] = ()) -> StudentResult:
    """A result with one check per exercise, worth the exercise's points; ``failing`` earn nothing."""
    outcomes = [Outcome(test=f"test_{e}", name=f"{e}: works", exercise=e, points=WORTH[e],
                            earned=0.0 if e in failing else WORTH[e], status=FAILED if e in failing else PASSED,
                            message="wrong" if e in failing else "")
                for e in LR.exercises]
    return StudentResult(student=student, assignment=LR.name, outcomes=outcomes, exercises=list(LR.exercises),
                         source_sha256="0" * 64)


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "out"
    for r in (result("ada"), result("grace", failing=("sgd", "linreg"))):
        write_student(folder, r)
    return folder


def grades(folder: Path) -> dict[str, dict[str, str]]:
    lines = (folder / "grades.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    return {row.split(",")[0]: dict(zip(header, row.split(","))) for row in lines[1:]}


# ------------------------------------------------------------------------------------------- the file


def test_a_signed_value_is_a_change_and_a_plain_one_a_score():
    rows = overrides.parse(HEADER + "grace,sgd,+1,late fix,mk,2026-12-03\ngrace,linreg,2,,,\nada,sgd,-0.5,x,,\n")
    assert [(o.student, o.exercise, o.points, o.relative) for o in rows] == [
        ("grace", "sgd", 1.0, True), ("grace", "linreg", 2.0, False), ("ada", "sgd", -0.5, True)]
    assert [o.line for o in rows] == [2, 3, 4]
    assert rows[0].comment == "late fix" and rows[0].by == "mk" and rows[0].when == "2026-12-03"


def test_a_spreadsheet_s_escaping_and_bom_are_read_as_meant():
    # The kit writes "+1" as "'+1" so a spreadsheet keeps it text; Excel saves with a BOM.
    rows = overrides.parse("\ufeffStudent,Exercise,Points\r\ngrace,sgd,'+1\r\n\r\n")
    assert [(o.points, o.relative) for o in rows] == [(1.0, True)]


@pytest.mark.parametrize("text, expected", [
    ("student,exercise\ngrace,sgd\n",
     "overrides.csv line 1: the header must name the columns student, exercise, points, comment, by, when "
     "(student, exercise, points required, each once); got student, exercise"),
    ("student,exercise,points,note\n",
     "overrides.csv line 1: the header must name the columns student, exercise, points, comment, by, when "
     "(student, exercise, points required, each once); got student, exercise, points, note"),
    (HEADER + "grace,sgd,four\n",
     "overrides.csv line 2: points 'four' is not a number (a score such as 4, or a change such as +1 or -0.5)"),
    (HEADER + "grace,sgd,nan\n",
     "overrides.csv line 2: points 'nan' is not a number (a score such as 4, or a change such as +1 or -0.5)"),
    (HEADER + "\ngrace,,1\n", "overrides.csv line 3: no exercise"),
    (HEADER + "grace,sgd,1,a, b,c,d\n",
     "overrides.csv line 2: 7 cells for 6 columns (quote a comment that holds a comma)"),
])
def test_a_malformed_file_is_refused_with_its_line(text, expected):
    with pytest.raises(OverrideError) as e:
        overrides.parse(text)
    assert str(e.value) == expected


@pytest.mark.parametrize("row, expected", [
    ("bob,sgd,1", "overrides.csv line 2: unknown student 'bob' (known: ada, grace)"),
    ("grace,sdg,1", "overrides.csv line 2: unknown exercise 'sdg' (known: Timer, add_loop, add_vectorized, "
                    "benchmark_addition, closed_form, data_iter, linreg, normal and 5 more)"),
    ("grace,sgd,5", "overrides.csv line 2: sgd is worth 0 to 4 points, not 5"),
    ("grace,sgd,-5", "overrides.csv line 2: a change of -5 is more than sgd's 4 points"),
])
def test_a_row_naming_what_does_not_exist_or_out_of_range_is_refused(row, expected):
    with pytest.raises(OverrideError) as e:
        overrides.check(overrides.parse(HEADER + row + "\n"), ["ada", "grace"], WORTH)
    assert str(e.value) == expected


def test_rows_apply_in_order_and_a_score_must_stay_in_range():
    rows = overrides.parse(HEADER + "grace,sgd,3,first\ngrace,sgd,+0.5,second\nada,sgd,-1\n")
    graded = {"sgd": 0.0}
    assert [(a.exercise, a.delta, a.comment) for a in overrides.adjustments(rows, "grace", graded, WORTH)] == [
        ("sgd", 3.5, "first; second")]
    assert [a.delta for a in overrides.adjustments(rows, "ada", {"sgd": 4.0}, WORTH)] == [-1.0]
    with pytest.raises(OverrideError) as e:
        overrides.adjustments(overrides.parse(HEADER + "ada,sgd,+1\n"), "ada", {"sgd": 4.0}, WORTH)
    assert str(e.value) == "overrides.csv line 2: +1 takes ada's sgd to 5, outside 0 to 4 points (graded 4)"


# ------------------------------------------------------------------------------------------- applied


def test_an_adjustment_counts_in_every_output_and_round_trips(out):
    (out / "overrides.csv").write_text(HEADER + 'grace,sgd,+3,"your fix, by hand",mk,2026-12-03\n')
    assert main(["report", str(out)]) == 0
    assert grades(out)["grace"]["sgd"] == "3" and grades(out)["grace"]["score"] == f"{sum(WORTH.values()) - 6 + 3:g}"
    data = json.loads((out / "results" / "grace.json").read_text())
    assert data["score"] == sum(WORTH.values()) - 6 + 3
    row = [t for t in data["tests"] if t["name"] == f"sgd: {ADJUSTED}"]
    assert row == [{"name": f"sgd: {ADJUSTED}", "score": 3.0, "max_score": 0, "status": "passed",
                    "output": "your fix, by hand", "visibility": "visible", "tags": ["sgd"],
                    "extra_data": {"adjustment": True}}]
    names = [t["name"] for t in data["tests"]]
    assert names.index(f"sgd: {ADJUSTED}") == names.index("sgd: works") + 1  # beside its exercise
    back = StudentResult.from_gradescope(data)
    assert len(back.outcomes) == len(LR.exercises) and back.to_gradescope() == data
    markdown = (out / "feedback" / "grace.md").read_text()
    assert f"## `sgd`: 3 / 4 (needs work)\n\n+3 points, {ADJUSTED} (mk), 2026-12-03:\n" in markdown
    assert "your fix, by hand" in markdown
    page = (out / "feedback" / "grace.html").read_text()
    assert "3 / 4 points" in page and ADJUSTED in page and "your fix, by hand" in page
    assert "adjusted: sgd +3" in (out / "report.html").read_text()


def test_applying_again_changes_nothing_and_a_removed_row_is_undone(out):
    (out / "overrides.csv").write_text(HEADER + "grace,sgd,+1\n")
    assert main(["report", str(out)]) == 0
    before = (out / "results" / "grace.json").read_text()
    assert main(["report", str(out)]) == 0
    assert (out / "results" / "grace.json").read_text() == before  # not +2
    (out / "overrides.csv").write_text(HEADER)
    assert main(["report", str(out)]) == 0
    assert grades(out)["grace"]["sgd"] == "0"
    assert ADJUSTED not in (out / "feedback" / "grace.md").read_text()


def test_a_bad_row_changes_no_file(out, capsys):
    (out / "overrides.csv").write_text(HEADER + "grace,sgd,+1\n")
    assert main(["report", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in [*out.glob("*.*"), *(out / "results").iterdir()]}
    (out / "overrides.csv").write_text(HEADER + "grace,sgd,+2\nada,sgd,+1\n")  # ada has 4 of 4 already
    assert main(["report", str(out)]) == 2
    assert "line 3: +1 takes ada's sgd to 5, outside 0 to 4 points (graded 4)" in capsys.readouterr().err
    after = {p.name: p.read_bytes() for p in [*out.glob("*.*"), *(out / "results").iterdir()]}
    assert after == {**before, "overrides.csv": after["overrides.csv"]}


def test_the_override_command_records_who_and_refuses_before_writing(out, capsys):
    assert main(["override", str(out), "grace", "linreg", "-0", "--comment", "=HYPERLINK(x)", "--by", "mk"]) == 0
    assert main(["override", str(out), "grace", "sgd", "+1.5", "--by", "mk"]) == 0
    assert "grace: sgd now 1.5" in capsys.readouterr().out
    rows = overrides.read(out)
    assert [(o.exercise, o.points, o.relative, o.comment, o.by) for o in rows] == [
        ("linreg", 0.0, True, "=HYPERLINK(x)", "mk"), ("sgd", 1.5, True, "", "mk")]
    assert rows[1].when.startswith("20")
    assert "'=HYPERLINK(x)" in (out / "overrides.csv").read_text()  # a spreadsheet shows it as text
    text = (out / "overrides.csv").read_text()
    assert main(["override", str(out), "grace", "sgd", "+3"]) == 2  # 1.5 + 3 > 4
    assert main(["override", str(out), "bob", "sgd", "1"]) == 2
    err = capsys.readouterr().err
    assert "the new override: +3 takes grace's sgd to 4.5, outside 0 to 4 points (graded 0)" in err
    assert "the new override: unknown student 'bob'" in err
    assert (out / "overrides.csv").read_text() == text


# ------------------------------------------------------------------------------------------- grading


@pytest.mark.slow
def test_overrides_survive_a_rerun_only_and_force(tmp_path):
    submissions = tmp_path / "class"
    shutil.copytree(ROOT / "samples" / "linear_regression", submissions)
    folder = tmp_path / "out"
    grade(LR, submissions, folder, workers=2, quiet=True)
    graded = grades(folder)["grace_hopper"]["sgd"]
    assert graded == "3"
    (folder / "overrides.csv").write_text(HEADER + "grace_hopper,sgd,+1,the timeout was ours\n")
    for options in ({}, {"only": ["grace_hopper"]}, {"force": True}, {"only": ["ada_lovelace"]}):
        batch = grade(LR, submissions, folder, workers=2, quiet=True, **options)
        assert grades(folder)["grace_hopper"]["sgd"] == "4", options
        mine = next(r for r in batch.results if r.student == "grace_hopper")
        assert [a.delta for a in mine.adjustments] == [1.0]
        assert [a.delta for r in read_results(folder) if r.student == "grace_hopper" for a in r.adjustments] == [1.0]
        assert ADJUSTED in (folder / "feedback" / "grace_hopper.md").read_text()
        assert ADJUSTED in (folder / "feedback" / "grace_hopper.html").read_text()


def test_grading_refuses_a_bad_row_before_it_grades(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "overrides.csv").write_text(HEADER + "grace_hoper,sgd,+1\n")
    with pytest.raises(GradeError, match="line 2: unknown student 'grace_hoper'"):
        grade(LR, ROOT / "samples" / "linear_regression", folder, workers=1, quiet=True)
    assert not (folder / "results").exists()

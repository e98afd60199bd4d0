"""When Gradescope shows each check: the spec, the saved choice, and results.json (fast: no grading)."""

import json

import pytest

from autograder import visibility as vis
from autograder.results import FAILED, PASSED, StudentResult
from autograder.results import TestOutcome as Outcome  # not collected as a test class

CHECKS = {"test_a", "test_b"}


def test_the_defaults_hold_hidden_checks_until_the_grades_are_published():
    assert vis.DEFAULT.of("test_a", hidden=True) == "after_published"
    assert vis.DEFAULT.of("test_a", hidden=False) == "visible"


def test_a_spec_sets_levels_by_kind_and_by_check():
    v = vis.parse("hidden=after_due_date, test_b=hidden", CHECKS)
    assert (v.of("test_a", True), v.of("test_b", True), v.of("test_a", False)) == (
        "after_due_date", "hidden", "visible")
    assert vis.parse("", CHECKS) == vis.DEFAULT
    assert vis.parse("public=hidden", CHECKS, base=v).checks == {"test_b": "hidden"}  # over the saved choice


@pytest.mark.parametrize("spec, message", [
    ("hidden=later", "'later' is not a Gradescope visibility; use one of hidden, after_due_date, after_published, "
                     "visible"),
    ("test_c=visible", "'test_c' is neither public, hidden nor a check of this assignment"),
    ("hidden", "'hidden': write WHAT=LEVEL, e.g. hidden=after_due_date"),
])
def test_a_bad_spec_is_refused_with_what_is_wrong(spec, message):
    with pytest.raises(vis.VisibilityError) as e:
        vis.parse(spec, CHECKS)
    assert str(e.value).endswith(message)


def test_the_choice_is_kept_and_a_bad_file_is_refused(tmp_path):
    assert vis.load(tmp_path, CHECKS) == vis.DEFAULT
    chosen = vis.parse("hidden=after_due_date,test_a=visible", CHECKS)
    vis.save(tmp_path, chosen)
    assert vis.load(tmp_path, CHECKS) == chosen
    (tmp_path / vis.FILE).write_text(json.dumps({"hidden": "soon"}))
    with pytest.raises(vis.VisibilityError, match="'soon' is not a Gradescope visibility"):
        vis.load(tmp_path, CHECKS)
    (tmp_path / vis.FILE).write_text("{")
    with pytest.raises(vis.VisibilityError, match="cannot be read"):
        vis.load(tmp_path)


def _result() -> StudentResult:
    def o(test, exercise, hidden, status=PASSED, points=1.0):
        return Outcome(test=test, name=f"{exercise}: {test}", exercise=exercise, points=points,
                       earned=points if status == PASSED else 0.0, status=status, hidden=hidden)

    # Ran in file order, not exercise order.
    return StudentResult(student="s", assignment="a", exercises=["first", "second"], outcomes=[
        o("test_b", "second", True, FAILED, 2.0), o("test_a", "first", True), o("test_p", "first", False)])


def test_results_json_carries_each_checks_visibility_in_exercise_order():
    data = _result().to_gradescope(vis.parse("test_a=hidden", CHECKS | {"test_p"}))
    assert [(t["tags"][0], t["visibility"]) for t in data["tests"]] == [
        ("first", "hidden"), ("first", "visible"), ("second", "after_published")]
    assert data["extra_data"]["tests"] == ["test_a", "test_p", "test_b"]
    assert data["output"].endswith("1 check is not shown to you (1 point). 1 check is shown once your instructor "
                                   "publishes the grades (2 points).")
    back = StudentResult.from_gradescope(data)
    assert [(o.test, o.status) for o in back.outcomes] == [("test_a", PASSED), ("test_p", PASSED), ("test_b", FAILED)]


def test_nothing_held_back_says_nothing():
    assert "shown" not in _result().to_gradescope(vis.parse("hidden=visible", CHECKS))["output"]


def test_results_graded_without_the_self_checks_are_not_up_to_date_for_a_run_with_them(tmp_path):
    """`grade --self-checks` after a plain `grade` (or the other way round) regrades: results say what ran."""
    from autograder.assignments import Assignment
    from autograder.grade import up_to_date
    from autograder.intake import Found

    found = Found(student="s", source=b"x = 1\n")
    result = _result()
    result.assignment, result.source_sha256 = "linear_regression", found.sha256
    (tmp_path / "results").mkdir()
    path = tmp_path / "results" / "s.json"
    path.write_text(json.dumps(result.to_gradescope()))
    assignment = Assignment("linear_regression")
    assert up_to_date(tmp_path, assignment, found, self_checks=True)  # test_p is a public check
    assert not up_to_date(tmp_path, assignment, found, self_checks=False)
    result.outcomes = [o for o in result.outcomes if o.hidden]
    path.write_text(json.dumps(result.to_gradescope()))
    assert up_to_date(tmp_path, assignment, found, self_checks=False)
    assert not up_to_date(tmp_path, assignment, found, self_checks=True)

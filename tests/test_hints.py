"""Error causes: exact messages, the exercise's own causes first, torch's common errors named."""

from __future__ import annotations

import pytest

from autograder.hints import call_failure, exercise_causes, likely_cause

SHAPES = {"type": "RuntimeError", "message": "mat1 and mat2 shapes cannot be multiplied (10x2 and 3x1)"}


def test_an_exercise_own_cause_comes_first():
    own = exercise_causes("linear_regression")["linreg"]
    assert call_failure("linreg(X, w, b)", SHAPES, own) == (
        "linreg(X, w, b) raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (10x2 and 3x1). "
        "Likely cause: check the shapes: X is (n, d), w is (d, 1), so X @ w is (n, 1)")


def test_another_assignment_never_gets_that_cause():
    own = exercise_causes("linear_regression_concise").get("Net", [])
    assert call_failure("Net(2, 3)(X)", SHAPES, own) == (
        "Net(2, 3)(X) raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (10x2 and 3x1). "
        "Likely cause: the two operands of a matrix product have shapes that do not fit: print their .shape")


@pytest.mark.parametrize(("message", "cause"), [
    ("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
     "call .detach() before .numpy() (or compute the value inside `with torch.no_grad():`)"),
    ("cannot assign module before Module.__init__() call",
     "call super().__init__() first in __init__, before assigning any layer to self"),
    ("only one element tensors can be converted to Python scalars",
     "float() or .item() was applied to a tensor of several values: reduce it first (.sum() or .mean())"),
])
def test_common_torch_errors_are_named(message, cause):
    assert likely_cause("RuntimeError", message) == cause


def test_an_unknown_error_gets_no_guess():
    assert call_failure("f(x)", {"type": "ValueError", "message": "something odd"}) == \
        "f(x) raised ValueError: something odd"


def test_every_suite_declares_causes_for_its_own_exercises_only():
    from autograder.assignments import Assignment

    for name in ("linear_regression", "linear_regression_concise", "gradient_descent", "logistic_regression"):
        causes = exercise_causes(name)
        assert set(causes) <= set(Assignment(name).exercises), (name, set(causes) - set(Assignment(name).exercises))
        assert all(isinstance(n, str) and isinstance(c, str) and n and c for pairs in causes.values()
                   for n, c in pairs)


def test_the_handout_carries_the_hints_grading_gives():
    from autograder.assignments import Assignment
    from autograder.release.files import split_suite

    for name in ("linear_regression", "linear_regression_concise"):
        assert f"autograder.suites.{name}.error_hints" in split_suite(Assignment(name)).public, name


def test_an_in_place_change_blames_no_grad_only_where_a_parameter_is_updated():
    message = "a leaf Variable that requires grad is being used in an in-place operation."
    error = {"type": "RuntimeError", "message": message, "where": []}
    for assignment, exercise in (("linear_regression", "sgd"), ("gradient_descent", "backprop_train")):
        own = exercise_causes(assignment).get(exercise, ())
        assert "torch.no_grad()" in call_failure(exercise, error, own)
    for assignment, exercise in (("logistic_regression", "sigmoid"), ("linear_regression_concise", "Net")):
        text = call_failure(exercise, error, exercise_causes(assignment).get(exercise, ()))
        assert "no_grad" not in text and text.endswith("compute the result in a new tensor instead"), text

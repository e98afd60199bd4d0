"""The check helpers' messages, exactly (as PrairieLearn's grader tests its own): what a student reads."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.checks import (
    CheckFailed,
    expect_close,
    expect_decreasing,
    expect_float,
    expect_gradients,
    expect_losses,
    expect_python_float,
    expect_python_floats,
    expect_sequence,
    expect_tensor,
    kind,
)
from autograder.runner.wire import Iterated, RemoteObject
from autograder.submission import Run


def _message(check, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as failed:
        check(*args, **kwargs)
    return str(failed.value)


def test_kind_names_values_in_the_students_terms():
    assert kind(torch.zeros(10, 1)) == "a tensor of shape (10, 1) and dtype float32"
    assert kind(np.zeros(3)) == "a numpy array of shape (3,)"
    assert kind(RemoteObject(3, "DataLoader")) == "a DataLoader"
    items = Iterated([1, 2])
    items.type_name = "generator"
    assert kind(items) == "a generator yielding 2 items"
    assert kind(None) == "None" and kind((1, 2)) == "a tuple of 2 items" and kind(1.5) == "a float"


def test_expect_tensor_messages():
    assert _message(expect_tensor, np.zeros(2), "y") == (
        "y should be a torch tensor, but it is a numpy array of shape (2,) (convert with torch.from_numpy / "
        "torch.tensor).")
    assert _message(expect_tensor, torch.zeros(2), "y", shape=(2, 1), hint="reshape y") == (
        "y has shape (2,), expected (2, 1). reshape y")
    assert _message(expect_tensor, torch.zeros(2, dtype=torch.float64), "y", dtype=torch.float32) == (
        "y has dtype torch.float64, expected torch.float32.")


def test_expect_close_says_what_differs_and_where():
    assert _message(expect_close, torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0]), "y_hat") == (
        "y_hat is wrong: got [1, 2, 3], expected [1, 2.5, 3]; 1 of 3 values differ (e.g. at index (1,): 2 instead "
        "of 2.5).")
    assert _message(expect_close, torch.tensor([float("nan")]), torch.tensor([1.0]), "loss") == (
        "loss contains nan or inf: [nan].")
    assert _message(expect_close, torch.zeros(2, 1), torch.zeros(2), "w") == "w has shape (2, 1), expected (2,)."


def test_number_and_sequence_messages():
    assert _message(expect_float, "1.0", "avg()") == "avg() should be a number, but it is a str."
    assert expect_float(torch.tensor([2.5]), "avg()") == 2.5
    assert _message(expect_sequence, torch.zeros(2), "params", length=2) == (
        "params should be a list or tuple, but it is a tensor of shape (2,) and dtype float32.")
    assert _message(expect_sequence, [1, 2, 3], "params", length=2) == "params has 3 items, expected 2."


def test_python_floats_are_what_a_docstring_calls_floats():
    assert expect_python_floats([1.0, 2.5], "losses") == [1.0, 2.5]
    assert _message(expect_python_floats, [1.0, torch.tensor(2.0)], "losses", hint="append loss.item()") == (
        "losses[1] is a tensor of shape () and dtype float32, expected a Python float. append loss.item()")
    assert _message(expect_python_floats, [True], "losses") == "losses[0] is a bool, expected a Python float."


def test_a_failure_keeps_what_differs_apart_from_its_hint():
    with pytest.raises(CheckFailed) as failed:
        expect_tensor(torch.zeros(2), "y", shape=(2, 1), hint="reshape y")
    assert str(failed.value) == "y has shape (2,), expected (2, 1). reshape y"
    assert failed.value.fact == "y has shape (2,), expected (2, 1)."


def test_expect_python_float_messages():
    assert _message(expect_python_float, torch.tensor(2.0), "accuracy(y_hat, y)", hint="return float(...)") == (
        "accuracy(y_hat, y) is a tensor of shape () and dtype float32, expected a Python float. return float(...)")
    assert _message(expect_python_float, 2, "acc[0]") == "acc[0] is an int, expected a Python float."
    assert expect_python_float(2.5, "x") == 2.5


def _run(fn, *inputs, connected=True):
    """What ``sub.run(name, *inputs, backward=True)`` gives back for a student's ``fn``, without a runner."""
    sent = [t.detach().clone().requires_grad_(t.requires_grad) for t in inputs]
    value = fn(*sent)
    value.sum().backward()
    value = value.detach()
    value.grad_fn_name = "SumBackward0" if connected else None
    return Run(value=value, args=sent)


def test_expect_gradients_passes_the_reference_and_names_what_differs():
    x = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0.5, 0.5, 0.5], dtype=torch.float64)

    def reference(x, y):
        return (x - y) ** 2 / 2

    expect_gradients(_run(reference, x, y), reference, (x, y), ("x", "y"), "squared_loss(x, y)")
    twice = _message(expect_gradients, _run(lambda x, y: (x - y) ** 2, x, y), reference, (x, y), ("x", "y"),
                     "squared_loss(x, y)", hint="divide by 2")
    assert twice.startswith("the gradient of sum(squared_loss(x, y)) with respect to x is wrong: got [1, -5, 5], "
                            "expected [0.5, -2.5, 2.5]") and twice.endswith("divide by 2")
    assert _message(expect_gradients, _run(reference, x, y, connected=False), reference, (x, y), ("x", "y"),
                    "squared_loss(x, y)") == (
        "squared_loss(x, y) is not connected to autograd: compute it from x with torch operations (no .detach(), "
        ".item(), float(), math or numpy functions, or torch.tensor(...)).")
    cut = _run(lambda x, y: (x.detach() - y) ** 2 + 0 * y.sum(), x, y.requires_grad_())
    y.requires_grad_(False)
    cut.args[0].grad = None
    assert _message(expect_gradients, cut, reference, (x, y), ("x", "y"), "squared_loss(x, y)") == (
        "no gradient reached x: squared_loss(x, y) must be computed from x.")


def test_expect_losses_messages():
    assert expect_losses([3.0, 2.0], "train()", 2) == [3.0, 2.0]
    assert _message(expect_losses, torch.ones(2), "train()", 2) == (
        "train() should be a list or tuple, but it is a tensor of shape (2,) and dtype float32.")
    assert _message(expect_losses, [torch.tensor(1.0)], "train()", 1, hint="use float(loss)") == (
        "losses[0] is a tensor of shape () and dtype float32, expected a Python float. use float(loss)")
    assert _message(expect_losses, [1.0, 2.0, 3.0], "train(..., epochs=2)", 2) == (
        "train(..., epochs=2) returned 3 losses: append one per epoch, after the epoch's minibatches, and use the "
        "epochs argument")
    assert expect_losses([torch.tensor(1.0)], "train()", 1, python_floats=False) == [1.0]


def test_expect_decreasing_messages():
    expect_decreasing([2.0, 1.0], below=1.5)
    assert _message(expect_decreasing, [1.0, 1.0]) == "the losses [1.0, 1.0] do not decrease"
    assert _message(expect_decreasing, [1.0]) == "the losses [1.0] do not decrease"
    assert _message(expect_decreasing, [2.0, 0.5], below=0.1, floor="about 5e-5 (the noise floor)") == (
        "the final loss is 0.5; it should reach about 5e-5 (the noise floor)")

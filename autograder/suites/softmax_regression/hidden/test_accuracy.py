"""accuracy: the number of rows whose argmax is the label, as a float."""

import torch

from autograder.checks import expect, expect_float, expect_python_float
from autograder.plugin import exercise


@exercise("accuracy", points=1)
def test_counts_correct_predictions(sub, ref, rng):
    """accuracy(y_hat, y) counts the rows whose largest entry is at y, as a Python float"""
    y_hat = torch.randn(20, 5, generator=rng)
    y = torch.randint(0, 5, (20,), generator=rng)
    y[:8] = y_hat[:8].argmax(dim=1)  # some right, so a constant count cannot pass
    value = sub.call("accuracy", y_hat, y)
    got = expect_float(value, "accuracy(y_hat, y) for 20 examples")
    expect_python_float(value, "accuracy(y_hat, y)", hint="return float(...) of the count")
    expect(got == ref.accuracy(y_hat, y), f"accuracy(y_hat, y) is {got:g}; {ref.accuracy(y_hat, y):g} of the 20 "
           "rows have their largest entry at the label")


@exercise("accuracy", points=1)
def test_predicted_labels_as_floats(sub, ref, rng):
    """a 1-D y_hat of float labels is compared with integer labels after a cast"""
    y = torch.randint(0, 3, (10,), generator=rng)
    y_hat = y.clone().float()
    y_hat[:4] = (y_hat[:4] + 1) % 3
    got = expect_float(sub.call("accuracy", y_hat, y), "accuracy of 10 predicted labels, 6 right")
    expect(got == 6.0, f"accuracy of 10 predicted labels with 6 right is {got:g}, expected 6")


@exercise("accuracy", points=1)
def test_argmax_only_for_more_than_one_column(sub, rng):
    """scores of 2 classes are argmaxed, and so is a single row of scores"""
    two = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    got = expect_float(sub.call("accuracy", two, torch.tensor([0, 1, 1, 0])), "accuracy of 4 rows of 2 scores")
    expect(got == 2.0, f"accuracy of 4 rows of 2 scores, 2 with their largest score at the label, is {got:g}, "
           "expected 2: take y_hat.argmax(axis=1) whenever y_hat has more than one column")
    row = torch.randn(1, 4, generator=rng)
    got = expect_float(sub.call("accuracy", row, row.argmax(dim=1)), "accuracy of a single row of 4 scores")
    expect(got == 1.0, f"accuracy of a single row of 4 scores whose label is its argmax is {got:g}, expected 1: "
           "the number of rows does not matter, only the number of columns")

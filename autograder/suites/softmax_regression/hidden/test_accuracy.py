"""accuracy: the number of rows whose argmax is the label, as a float."""

import torch

from autograder.checks import expect, expect_float, expect_python_floats
from autograder.plugin import exercise


@exercise("accuracy", points=1)
def test_counts_correct_predictions(sub, ref, rng):
    """accuracy(y_hat, y) counts the rows whose largest entry is at y, as a Python float"""
    y_hat = torch.randn(20, 5, generator=rng)
    y = torch.randint(0, 5, (20,), generator=rng)
    y[:8] = y_hat[:8].argmax(dim=1)  # some right, so a constant count cannot pass
    value = sub.call("accuracy", y_hat, y)
    got = expect_float(value, "accuracy(y_hat, y) for 20 examples")
    # TODO(next session): a message of its own; expect_python_floats names an index ("[0]") here.
    expect_python_floats([value], "accuracy(y_hat, y)", hint="return float(...) of the count, not a tensor")
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

"""Public self-checks for softmax_regression: no reference needed, so students may run them."""

import torch

from autograder.checks import expect_close
from autograder.plugin import exercise


@exercise("scale")
def test_scale_small(sub):
    """scale([1, -2], 3) is [3, -6]"""
    expect_close(sub.call("scale", torch.tensor([1.0, -2.0]), 3.0), torch.tensor([3.0, -6.0]), "scale([1, -2], 3)")

"""softmax: each row a probability distribution, equal to the reference's, and finite for large logits."""

import torch

from autograder.checks import expect, expect_close, expect_tensor
from autograder.plugin import exercise


@exercise("softmax", points=1)
def test_rows_are_distributions(sub, ref, rng):
    """each row of softmax(X) is non-negative and sums to 1, and equals the reference's"""
    X = torch.randn(6, 5, generator=rng) * 2
    got = expect_tensor(sub.call("softmax", X), "softmax(X) of a (6, 5) X", shape=(6, 5))
    expect(bool((got >= 0).all()), "softmax(X) has negative entries: exp(X) is positive, so is its ratio to a sum")
    expect_close(got.sum(dim=1), torch.ones(6), "the row sums of softmax(X)")
    expect_close(got, ref.softmax(X), "softmax(X)")


@exercise("softmax", points=1)
def test_large_logits_stay_finite(sub, ref, rng):
    """softmax of logits around 1000, hundreds apart within a row, is finite and equals the reference's"""
    X = torch.randn(4, 3, generator=rng) * 300 + 1000
    got = expect_tensor(sub.call("softmax", X), "softmax(X) for logits near 1000", shape=(4, 3))
    expect(bool(torch.isfinite(got).all()), "softmax(X) for logits near 1000 holds nan or inf")
    expect_close(got, ref.softmax(X), "softmax(X) for logits near 1000")

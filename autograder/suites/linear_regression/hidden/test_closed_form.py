"""closed_form: the analytic least-squares solution."""

import torch

from autograder.checks import expect_close, expect_sequence, expect_tensor
from autograder.plugin import exercise

ONES = "append a column of ones to X so the bias is solved for too, then solve the normal equations"


def _solve(sub, X, y):
    result = expect_sequence(sub.call("closed_form", X, y), "closed_form(features, labels)", length=2,
                             hint="return w, b")
    w = expect_tensor(result[0], "w", shape=(X.shape[1], 1), hint="w has one row per feature: shape (d, 1)")
    b = expect_tensor(result[1], "b", shape=(1,), hint="b has shape (1,)")
    return w, b


@exercise("closed_form", points=1)
def test_recovers_noiseless_parameters(sub, rng):
    """recovers w and b exactly from noiseless data"""
    true_w = torch.randn(3, 1, generator=rng) * 2
    true_b = torch.randn(1, generator=rng) * 3
    X = torch.randn(40, 3, generator=rng)
    w, b = _solve(sub, X, X @ true_w + true_b)
    expect_close(w, true_w, "w", rtol=1e-3, atol=1e-3, hint=ONES)
    expect_close(b, true_b, "b", rtol=1e-3, atol=1e-3, hint=ONES)


@exercise("closed_form", points=1)
def test_matches_least_squares_on_noisy_data(sub, ref, rng):
    """matches the least-squares solution on noisy data"""
    X = torch.randn(50, 4, generator=rng)
    y = X @ torch.randn(4, 1, generator=rng) + 1.5 + 0.5 * torch.randn(50, 1, generator=rng)
    w, b = _solve(sub, X, y)
    ref_w, ref_b = ref.closed_form(X, y)
    expect_close(w, ref_w, "w", rtol=1e-3, atol=1e-3, hint=ONES + ": w = (X^T X)^-1 X^T y on [X, 1]")
    expect_close(b, ref_b, "b", rtol=1e-3, atol=1e-3, hint=ONES)

"""closed_form: the analytic least-squares solution."""

import torch

from autograder.checks import expect_close, expect_sequence, expect_tensor
from autograder.plugin import exercise

ONES = ("w is the least-squares solution without a bias: append a column of ones to X so the bias is solved "
        "for too, then solve the normal equations")
PREPENDED = ("the column of ones is first, so theta[0] is b and theta[1:] is w, but w was taken as theta[:-1]: "
             "append the column last (torch.cat([X, ones], dim=1)), or read b from theta[0]")
WRONG = "w and b should be the least-squares solution of [X, 1] @ [w; b] = y"


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return torch.allclose(a.double(), b.double(), rtol=1e-3, atol=1e-3)


def _cause(X, y, w, b, true_w, true_b) -> str:
    """What the student's (w, b) establishes about the mistake; a neutral statement where nothing is."""
    flat_w, flat_true = w.reshape(-1), true_w.reshape(-1)
    if len(flat_true) > 1 and _close(flat_w[0], true_b.reshape(-1)[0]) and _close(flat_w[1:], flat_true[:-1]) \
            and _close(b.reshape(-1), flat_true[-1:]):
        return PREPENDED
    without_bias = torch.linalg.lstsq(X.double(), y.double()).solution
    if _close(w, without_bias) and not _close(w, true_w):
        return ONES
    return WRONG


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
    y = X @ true_w + true_b
    w, b = _solve(sub, X, y)
    hint = _cause(X, y, w, b, true_w, true_b)
    expect_close(w, true_w, "w", rtol=1e-3, atol=1e-3, hint=hint)
    expect_close(b, true_b, "b", rtol=1e-3, atol=1e-3, hint=hint)


@exercise("closed_form", points=1)
def test_matches_least_squares_on_noisy_data(sub, ref, rng):
    """matches the least-squares solution on noisy data"""
    X = torch.randn(50, 4, generator=rng)
    y = X @ torch.randn(4, 1, generator=rng) + 1.5 + 0.5 * torch.randn(50, 1, generator=rng)
    w, b = _solve(sub, X, y)
    ref_w, ref_b = ref.closed_form(X, y)
    hint = _cause(X, y, w, b, ref_w, ref_b)
    expect_close(w, ref_w, "w", rtol=1e-3, atol=1e-3, hint=hint)
    expect_close(b, ref_b, "b", rtol=1e-3, atol=1e-3, hint=hint)

"""linreg: values and autograd gradients against the reference."""

import torch

from autograder.checks import expect_close, expect_gradients, expect_tensor
from autograder.plugin import exercise


def _inputs(rng, n=7, d=3, dtype=torch.float32):
    X = torch.randn(n, d, generator=rng, dtype=dtype)
    w = torch.randn(d, 1, generator=rng, dtype=dtype)
    b = torch.randn(1, generator=rng, dtype=dtype)
    return X, w, b


@exercise("linreg", points=1)
def test_values(sub, ref, rng):
    """returns X @ w + b of shape (n, 1)"""
    X, w, b = _inputs(rng)
    got = expect_tensor(sub.call("linreg", X, w, b), "linreg(X, w, b)", shape=(7, 1),
                        hint="X (7, 3) @ w (3, 1) + b gives (7, 1); use torch.matmul(X, w) + b")
    expect_close(got, ref.linreg(X, w, b), "linreg(X, w, b)", rtol=1e-5, atol=1e-5,
                 hint="compute torch.matmul(X, w) + b")


@exercise("linreg", points=1)
def test_gradients(sub, ref, rng):
    """gradients with respect to X, w and b match the reference"""
    X, w, b = (t.requires_grad_() for t in _inputs(rng, dtype=torch.float64))
    run = sub.run("linreg", X, w, b, backward=True)
    expect_tensor(run.value, "linreg(X, w, b)", shape=(7, 1))
    expect_gradients(run, ref.linreg, (X, w, b), "Xwb", "linreg(X, w, b)")

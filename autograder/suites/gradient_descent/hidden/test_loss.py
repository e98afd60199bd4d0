"""loss: the squared error of one sample, its values and its gradient (forward is the lecture's)."""

import torch

from autograder.checks import expect_close, expect_gradients, expect_tensor
from autograder.plugin import exercise
from autograder.suites.gradient_descent import uniform
from autograder.suites.gradient_descent.textbook import FOR_LOSS

FORMULA = "the loss is (forward(x, w) - y) ** 2"


@exercise("loss", points=1)
def test_values(sub, rng):
    """returns (x * w - y) ** 2, elementwise for tensors"""
    sub.substitute(FOR_LOSS)
    x = torch.randn(6, generator=rng, dtype=torch.float64) * 2
    y = torch.randn(6, generator=rng, dtype=torch.float64) * 2
    w = uniform(rng, -3, 3)
    got = expect_tensor(sub.call("loss", x, y, w), f"loss(x, y, {w}) for tensors x and y of shape (6,)", shape=(6,),
                        hint="return the loss of each sample, without .sum() or .mean()")
    expected = (x * w - y) ** 2
    hint = FORMULA
    if torch.allclose(got, expected / 2, rtol=1e-6, atol=1e-9):
        hint = "the values are half the expected ones: this lecture's loss has no 1/2 in front; " + FORMULA
    elif torch.allclose(got, expected.sqrt(), rtol=1e-6, atol=1e-9):
        hint = "square the difference: " + FORMULA
    expect_close(got, expected, f"loss(x, y, {w})", rtol=1e-9, atol=1e-12, hint=hint)


@exercise("loss", points=1)
def test_gradient(sub, rng):
    """the gradient with respect to w is 2 * x * (x * w - y)"""
    sub.substitute(FOR_LOSS)
    x = torch.randn(5, generator=rng, dtype=torch.float64) * 2
    y = torch.randn(5, generator=rng, dtype=torch.float64) * 2
    w = torch.randn(1, generator=rng, dtype=torch.float64).requires_grad_()
    run = sub.run("loss", x, y, w, backward=True)
    expect_tensor(run.value, "loss(x, y, w) for tensors x, y (5,) and w (1,)", shape=(5,))
    expect_gradients(run, lambda x, y, w: (x * w - y) ** 2, (x, y, w), "xyw", "loss(x, y, w)", rtol=1e-9,
                     atol=1e-12, hint=FORMULA + ", whose derivative is 2 * x * (x * w - y)")

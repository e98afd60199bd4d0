"""squared_loss: shape (no accidental broadcasting), values, gradient."""

import torch

from autograder.checks import expect, expect_close, expect_gradients, expect_tensor
from autograder.plugin import exercise


def _check_shape(value, y_hat, y):
    shape = tuple(y_hat.shape)
    if isinstance(value, torch.Tensor) and value.dim() == 0:
        expect(False, "squared_loss returned a single number: return the elementwise loss, without .sum() or .mean()")
    got = expect_tensor(value, "squared_loss(y_hat, y)")
    expect(tuple(got.shape) == shape,
           f"squared_loss returned shape {tuple(got.shape)} for y_hat {shape} and y {tuple(y.shape)}: "
           "reshape y to y_hat's shape (y.reshape(y_hat.shape)) before subtracting")
    return got


@exercise("squared_loss", points=1)
def test_shape_and_values(sub, ref, rng):
    """returns (y_hat - y)^2 / 2 elementwise, y reshaped to y_hat's shape"""
    y_hat = torch.randn(10, 1, generator=rng)
    y = torch.randn(10, generator=rng)
    got = _check_shape(sub.call("squared_loss", y_hat, y), y_hat, y)
    expected = ref.squared_loss(y_hat, y)
    hint = "the loss is (y_hat - y.reshape(y_hat.shape)) ** 2 / 2"
    if torch.allclose(got, 2 * expected, rtol=1e-4, atol=1e-6):
        hint = "the values are twice the expected ones: divide by 2"
    elif torch.allclose(got, (2 * expected).sqrt(), rtol=1e-4, atol=1e-6):
        hint = "square the difference: ** 2"
    expect_close(got, expected, "squared_loss(y_hat, y)", rtol=1e-5, atol=1e-6, hint=hint)


@exercise("squared_loss", points=1)
def test_gradient(sub, ref, rng):
    """the gradient with respect to y_hat is y_hat - y"""
    y_hat = torch.randn(6, 1, generator=rng, dtype=torch.float64, requires_grad=True)
    y = torch.randn(6, 1, generator=rng, dtype=torch.float64)
    run = sub.run("squared_loss", y_hat, y, backward=True)
    _check_shape(run.value, y_hat, y)
    expect_gradients(run, ref.squared_loss, (y_hat, y), ("y_hat", "y"), "squared_loss(y_hat, y)")

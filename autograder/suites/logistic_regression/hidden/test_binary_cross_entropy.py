"""binary_cross_entropy: the mean, labels reshaped, logs clamped at -100, autograd gradients."""

import torch

from autograder.checks import expect, expect_close, expect_gradients, expect_tensor, fail
from autograder.plugin import exercise

FORMULA = "BCE = -mean(y * log(y_hat) + (1 - y) * log(1 - y_hat))"
CLAMP = ("log(0) is -inf, and 0 * -inf is nan: clamp each log at -100 as nn.BCELoss does, "
         "torch.clamp(torch.log(y_hat), min=-100) and torch.clamp(torch.log(1 - y_hat), min=-100)")


def _scalar(value, what: str) -> torch.Tensor:
    got = expect_tensor(value, what, hint="return the loss as a tensor, e.g. `-(...).mean()` (not .item())")
    if got.numel() != 1:
        fail(f"{what} has shape {tuple(got.shape)}: the loss is a single number, the mean over all elements",
             hint="reduce the elementwise losses with .mean()")
    if got.dim() != 0:
        fail(f"{what} has shape {tuple(got.shape)}: the loss is a 0-dim tensor, of shape ()",
             hint="return what .mean() gives, without reshaping it or keeping a dimension")
    return got


def _bce(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The elementwise formula without reshaping y (to recognise a broadcasting mistake)."""
    y_hat, y = y_hat.detach().double(), y.detach().double()
    return -(y * y_hat.log().clamp(min=-100) + (1 - y) * (1 - y_hat).log().clamp(min=-100))


def _cause(got: torch.Tensor, y_hat: torch.Tensor, y: torch.Tensor, expected: torch.Tensor) -> str | None:
    """Name a usual mistake when the value matches it, else None."""
    g, e = float(got.detach()), float(expected)

    def near(value: float) -> bool:
        return abs(g - value) <= 1e-4 * abs(value) + 1e-6

    if near(e * y_hat.numel()):
        return f"the loss is {y_hat.numel()} times too large: take the mean over the elements, not the sum. {FORMULA}"
    if near(-e):
        return f"the loss has the wrong sign (it should be positive): put a minus in front. {FORMULA}"
    if near(float(_bce(y_hat, 1 - y.reshape(y_hat.shape)).mean())):
        return f"y and 1 - y are swapped: y multiplies log(y_hat) and (1 - y) multiplies log(1 - y_hat). {FORMULA}"
    if y.shape != y_hat.shape and near(float(_bce(y_hat, y).mean())):
        return (f"y of shape {tuple(y.shape)} and y_hat of shape {tuple(y_hat.shape)} broadcast to a "
                f"{tuple(_bce(y_hat, y).shape)} matrix: reshape y first, y = y.reshape(y_hat.shape)")
    return None


def _hint(got: torch.Tensor, y_hat: torch.Tensor, y: torch.Tensor, expected: torch.Tensor) -> str:
    cause = _cause(got, y_hat, y, expected)
    if cause is None and y.shape != y_hat.shape:
        return f"reshape y to y_hat's shape first (y = y.reshape(y_hat.shape)). {FORMULA}"
    return cause or FORMULA


def _inputs(rng, n: int, dtype=torch.float32):
    y_hat = (0.02 + 0.96 * torch.rand(n, 1, generator=rng, dtype=torch.float64)).to(dtype)
    y = (torch.rand(n, 1, generator=rng) < 0.5).to(dtype)
    y[0], y[1] = 0.0, 1.0  # both classes, always
    return y_hat, y


@exercise("binary_cross_entropy", points=1)
def test_values(sub, ref, rng):
    """returns the mean binary cross-entropy as a single number"""
    y_hat, y = _inputs(rng, 12)
    got = _scalar(sub.call("binary_cross_entropy", y_hat, y), "binary_cross_entropy(y_hat, y)")
    expected = ref.binary_cross_entropy(y_hat, y)
    expect_close(got, expected, "binary_cross_entropy(y_hat, y)", rtol=1e-5, atol=1e-6,
                 hint=_hint(got, y_hat, y, expected))


@exercise("binary_cross_entropy", points=1)
def test_reshapes_the_labels(sub, ref, rng):
    """reshapes y to y_hat's shape, so (n,) labels never broadcast against (n, 1) predictions"""
    y_hat, y = _inputs(rng, 9)
    for p, t in ((y_hat, y.reshape(-1)), (y_hat.reshape(-1), y)):
        what = f"binary_cross_entropy(y_hat of shape {tuple(p.shape)}, y of shape {tuple(t.shape)})"
        got = _scalar(sub.call("binary_cross_entropy", p, t), what)
        expected = ref.binary_cross_entropy(p, t)
        expect_close(got, expected, what, rtol=1e-5, atol=1e-6, hint=_hint(got, p, t, expected))


@exercise("binary_cross_entropy", points=1)
def test_predictions_of_exactly_0_and_1(sub, ref, rng):
    """stays finite for predictions of exactly 0. and 1., each log clamped at -100 like nn.BCELoss"""
    y_hat, y = _inputs(rng, 8)
    y_hat[:4] = torch.tensor([[0.0], [1.0], [0.0], [1.0]])
    y[:4] = torch.tensor([[0.0], [1.0], [1.0], [0.0]])  # two right, two completely wrong
    got = _scalar(sub.call("binary_cross_entropy", y_hat, y), "binary_cross_entropy(y_hat, y) with 0. and 1. in y_hat")
    expected = ref.binary_cross_entropy(y_hat, y)
    expect(bool(torch.isfinite(got)), f"binary_cross_entropy(y_hat, y) is {float(got)} when y_hat holds 0. and 1.: "
           f"{CLAMP}")
    hint = _cause(got, y_hat, y, expected) or (
        f"a prediction of 0. for a label 1. costs exactly 100 (and 1. for 0. too): {CLAMP}; "
        "adding a small epsilon inside the log gives a different value")
    expect_close(got, expected, "binary_cross_entropy(y_hat, y) with 0. and 1. in y_hat", rtol=1e-5, atol=1e-5,
                 hint=hint)


@exercise("binary_cross_entropy", points=1)
def test_gradient(sub, ref, rng):
    """the gradient with respect to y_hat is (y_hat - y) / (y_hat (1 - y_hat)) / n, computed by autograd"""
    y_hat, y = _inputs(rng, 10, dtype=torch.float64)
    y_hat.requires_grad_()
    run = sub.run("binary_cross_entropy", y_hat, y, backward=True)
    _scalar(run.value, "binary_cross_entropy(y_hat, y)")
    expect_gradients(run, ref.binary_cross_entropy, (y_hat, y), ("y_hat", "y"), "binary_cross_entropy(y_hat, y)",
                     rtol=1e-6, hint=FORMULA + " (a mean, so each gradient is divided by n)")

"""train_linear_model: nn.MSELoss(reduction="sum") and optim.SGD on the lecture's LinearModel."""

import numpy as np
import torch

from autograder.checks import expect, expect_close, expect_losses, record_curve
from autograder.plugin import exercise
from autograder.suites.gradient_descent import XS, YS, close, expect_floats, randint, uniform
from autograder.suites.gradient_descent.textbook import FOR_TRAIN_LINEAR_MODEL

LOOP = ("each epoch: y_pred = model(x_data); l = criterion(y_pred, y_data); record l.item(); "
        "optimizer.zero_grad(); l.backward(); optimizer.step()")
SUM = 'the lecture sums the squared errors: criterion = nn.MSELoss(reduction="sum") (not the default mean)'
ZERO = "the gradients accumulate: call optimizer.zero_grad() before loss.backward() in every epoch"


def _fit(x, y, w, b, lr, epochs, *, mean=False, zero=True):
    """The lecture's loop in float64 (no optimizer runs in the judge), or a usual mistake (mean instead of sum,
    gradients never cleared). Returns ([w, b] at the end, the losses)."""
    x, y = [float(v) for v in x.reshape(-1)], [float(v) for v in y.reshape(-1)]
    scale = 1 / len(x) if mean else 1.0
    gw = gb = 0.0
    losses = []
    for _ in range(epochs):
        r = [w * xi + b - yi for xi, yi in zip(x, y)]
        losses.append(scale * sum(ri * ri for ri in r))
        gw = 2 * scale * sum(ri * xi for ri, xi in zip(r, x)) + (0.0 if zero else gw)
        gb = 2 * scale * sum(r) + (0.0 if zero else gb)
        w, b = w - lr * gw, b - lr * gb
        if not (abs(w) < 1e30 and abs(b) < 1e30):
            return [float("nan")] * 2, [float("nan")] * epochs
    return [w, b], losses


def _train(sub, x, y, *, curve="", **kwargs):
    """Train the lecture's model with the student's loop; ``curve`` names the problem when the losses are to be
    plotted against the lecture loop's."""
    # A bug in LinearModel costs only that exercise: training runs on the lecture's model.
    sub.substitute(FOR_TRAIN_LINEAR_MODEL)
    model = sub.new("LinearModel")
    start = model.state()["state"]
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    label = f"train_linear_model(model, x_data, y_data{', ' + shown if shown else ''})"
    returned = sub.call("train_linear_model", model, x, y, **kwargs)
    w0, b0 = float(start["linear.weight"]), float(start["linear.bias"])
    lr, epochs = kwargs.get("lr", 0.01), kwargs.get("epochs", 1000)
    expected, expected_losses = _fit(x, y, w0, b0, lr, epochs)
    if curve:
        record_curve(f"{label} {curve}", returned, expected_losses)
    losses = expect_floats(returned, f"the losses of {label}", hint="return a list with loss.item() of every epoch")
    end = model.state()["state"]
    params = np.array([float(end["linear.weight"]), float(end["linear.bias"])])

    def hint(got_params, got_losses) -> str:
        if close(got_params, [w0, b0], rtol=0, atol=1e-7):
            return ("the model's parameters did not change: train the model passed in, with "
                    "torch.optim.SGD(model.parameters(), lr=lr), and call optimizer.step() every epoch")
        for variant, text in (({"mean": True}, SUM), ({"zero": False}, ZERO)):
            p, ls = _fit(x, y, w0, b0, lr, epochs, **variant)
            if close(got_params, p, rtol=1e-3, atol=1e-4) or close(got_losses, ls, rtol=1e-3, atol=1e-4):
                return text
        if close(got_losses[1:], expected_losses[:-1], rtol=1e-4, atol=1e-5):
            return "each loss is recorded one step late: record l.item() before optimizer.step()"
        return LOOP

    return label, losses, params, expected, expected_losses, hint, returned


def _random_problem(rng):
    n = randint(rng, 4, 6)
    x = 0.5 + 2.0 * torch.rand(n, 1, generator=rng)
    y = uniform(rng, 1.0, 3.0) * x + uniform(rng, -1.0, 1.0) + 0.3 * torch.randn(n, 1, generator=rng)
    return x, y


@exercise("train_linear_model", points=1)
def test_lecture_defaults(sub):
    """with the defaults (lr=0.01, epochs=1000) on the lecture's data, learns w close to 2 and b close to 0"""
    x, y = torch.tensor(XS).reshape(-1, 1), torch.tensor(YS).reshape(-1, 1)
    label, losses, params, expected, _, hint, _ = _train(sub, x, y, curve="on the lecture's data")
    expect(len(losses) == 1000, f"{label} returned {len(losses)} losses, expected 1000: one per epoch, and "
           "epochs defaults to 1000")
    if not close(params, expected, rtol=1e-4, atol=1e-4):
        expect_close(params, np.array(expected), f"[weight, bias] after {label}", rtol=1e-4, atol=1e-4,
                     hint=hint(params, losses))


@exercise("train_linear_model", points=1)
def test_trains_with_the_arguments(sub, rng):
    """trains the model in place with the given lr and epochs on random data"""
    x, y = _random_problem(rng)
    lr, epochs = uniform(rng, 0.005, 0.015), randint(rng, 30, 80)
    label, losses, params, expected, _, hint, _ = _train(sub, x, y, lr=lr, epochs=epochs)
    expect(len(losses) == epochs, f"{label} returned {len(losses)} losses, expected {epochs}: one per epoch")
    if not close(params, expected, rtol=1e-4, atol=1e-4):
        expect_close(params, np.array(expected), f"[weight, bias] of the model after {label}", rtol=1e-4,
                     atol=1e-4, hint=hint(params, losses))


@exercise("train_linear_model", points=1)
def test_losses_are_summed_squared_errors(sub, rng):
    """records the summed squared error of each epoch, before its step"""
    x, y = _random_problem(rng)
    lr, epochs = uniform(rng, 0.005, 0.015), randint(rng, 10, 30)
    label, losses, params, _, expected_losses, hint, returned = _train(sub, x, y, lr=lr, epochs=epochs)
    expect(len(losses) == epochs, f"{label} returned {len(losses)} losses, expected {epochs}: one per epoch")
    if not close(losses, expected_losses, rtol=1e-4, atol=1e-5):
        expect_close(np.array(losses), np.array(expected_losses), f"the losses returned by {label}", rtol=1e-4,
                     atol=1e-5, hint=hint(params, losses))
    # "one float per epoch": the values are right, now their kind
    expect_losses(returned, label, epochs, hint="record loss.item(), a Python float, for every epoch")

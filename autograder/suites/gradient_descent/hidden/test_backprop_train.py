"""backprop_train: SGD with autograd (forward and loss are the lecture's); float32, so looser tolerances."""

import math

import numpy as np

from autograder.checks import expect, expect_close, expect_float, expect_sequence, kind, record_curve
from autograder.plugin import exercise
from autograder.suites.gradient_descent import XS, YS, close, expect_floats, randint, random_data, uniform
from autograder.suites.gradient_descent.textbook import FOR_TRAINING

STEP = ("for each (x, y): l = loss(x, y, w); l.backward(); then inside `with torch.no_grad():` w -= lr * w.grad; "
        "then w.grad.zero_()")
ZERO = ("w.grad is never cleared, so backward() keeps adding to it: call w.grad.zero_() (or set w.grad = None) "
        "after each update")


def _backprop(xs, ys, w, lr, epochs, *, zero=True, record="before"):
    """The lecture's loop in float64, or a usual mistake (gradient never cleared, loss taken after the update)."""
    losses, grad = [], 0.0
    try:
        for _ in range(epochs):
            for x, y in zip(xs, ys):
                before = (x * w - y) ** 2
                grad = 2 * x * (x * w - y) + (0.0 if zero else grad)
                w -= lr * grad
            losses.append(before if record == "before" else (x * w - y) ** 2)
    except OverflowError:
        return None, None
    return (w, losses) if math.isfinite(w) else (None, None)


def _run(sub, xs, ys, **kwargs):
    sub.substitute(FOR_TRAINING)  # a bug in forward or loss costs only that exercise
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    label = f"backprop_train(xs, ys{', ' + shown if shown else ''})"
    result = expect_sequence(sub.call("backprop_train", xs, ys, **kwargs), label, length=2,
                             hint="return w.item(), losses")
    return label, result[0], result[1]


def _read(label, w, losses, hint):
    w = expect_float(w, f"the w returned by {label}", hint=f"return the final w as a number (w.item()); {hint}")
    losses = expect_floats(losses, f"the losses returned by {label}", hint="append l.item() once per epoch")
    return w, losses


def _w_hint(got, xs, ys, w, lr, epochs):
    if close(got, _backprop(xs, ys, w, lr, epochs, zero=False)[0], rtol=1e-3, atol=1e-5):
        return ZERO
    if close(got, _backprop(xs, ys, w, -lr, epochs)[0], rtol=1e-3, atol=1e-5):
        return "w moves uphill: subtract lr * w.grad, do not add it"
    if lr != 0.01 and close(got, _backprop(xs, ys, w, 0.01, epochs)[0], rtol=1e-3, atol=1e-5):
        return "the update ignores the lr argument: " + STEP
    return STEP


@exercise("backprop_train", points=1)
def test_lecture_defaults_return_floats(sub, ref):
    """with the defaults on the lecture's data, returns w close to 2 and the losses as Python floats"""
    expected, expected_losses = ref.backprop_train(XS, YS)
    label, w, losses = _run(sub, XS, YS)
    record_curve(f"{label} on the lecture's data", losses, expected_losses)
    expect(isinstance(w, float), f"{label} returned w as {kind(w)}: return a Python float, w.item()")
    expect(isinstance(losses, list | tuple) and all(isinstance(v, float) for v in losses),
           f"{label} should return the losses as a list of Python floats: append l.item(), not the tensor l")
    w, losses = _read(label, w, losses, ZERO)
    expect(len(losses) == 100, f"{label} returned {len(losses)} losses, expected 100: one per epoch, and epochs "
           "defaults to 100")
    expect_close(w, expected, f"the w after {label}", rtol=1e-4, atol=1e-5,
                 hint=_w_hint(w, XS, YS, 1.0, 0.01, 100) + " (defaults: w=1.0, lr=0.01, epochs=100)")


@exercise("backprop_train", points=1)
def test_updates_with_autograd(sub, ref, rng):
    """updates w by lr * w.grad after every sample, for the given w, lr and epochs"""
    xs, ys = random_data(rng)
    w0, lr, epochs = uniform(rng, -2.0, 0.0), uniform(rng, 0.02, 0.05), randint(rng, 5, 15)
    label, w, losses = _run(sub, xs, ys, w=w0, lr=lr, epochs=epochs)
    w, losses = _read(label, w, losses, ZERO)
    expect(len(losses) == epochs, f"{label} returned {len(losses)} losses, expected {epochs}: one per epoch")
    expect_close(w, ref.backprop_train(xs, ys, w=w0, lr=lr, epochs=epochs)[0],
                 f"the w after {label} on xs = {xs}, ys = {ys}", rtol=1e-4, atol=1e-5,
                 hint=_w_hint(w, xs, ys, w0, lr, epochs))


@exercise("backprop_train", points=1)
def test_losses_of_the_last_sample_before_its_update(sub, ref, rng):
    """losses[k] is l.item() of epoch k's last sample, the loss that was back-propagated"""
    xs, ys = random_data(rng)
    w0, lr, epochs = uniform(rng, 3.5, 5.0), uniform(rng, 0.01, 0.03), randint(rng, 5, 12)
    label, w, losses = _run(sub, xs, ys, w=w0, lr=lr, epochs=epochs)
    w, losses = _read(label, w, losses, ZERO)
    expect(len(losses) == epochs, f"{label} returned {len(losses)} losses, expected {epochs}: one per epoch")
    hint = "after the inner loop, append l.item(), the loss of the last sample that was back-propagated"
    if close(losses, _backprop(xs, ys, w0, lr, epochs, zero=False)[1], rtol=1e-3, atol=1e-5):
        hint = ZERO
    elif close(losses, _backprop(xs, ys, w0, lr, epochs, record="after")[1], rtol=1e-3, atol=1e-5):
        hint = ("each loss is computed after the update: record l.item() of the loss you called backward() on, "
                "computed before the update")
    expect_close(np.array(losses), np.array(ref.backprop_train(xs, ys, w=w0, lr=lr, epochs=epochs)[1]),
                 f"the losses returned by {label}", rtol=1e-4, atol=1e-6, hint=hint)

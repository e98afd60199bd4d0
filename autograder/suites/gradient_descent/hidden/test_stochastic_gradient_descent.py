"""stochastic_gradient_descent: one update per sample in data order, the lecture's loss per epoch."""

import numpy as np

from autograder.checks import expect, expect_close, expect_float, expect_sequence, record_curve
from autograder.plugin import exercise
from autograder.suites.gradient_descent import XS, YS, close, expect_floats, randint, random_data, uniform
from autograder.suites.gradient_descent.textbook import FOR_TRAINING

STEP = "for each (x, y) in zip(xs, ys), in order: w = w - lr * 2 * x * (x * w - y)"


def _sgd(xs, ys, w, lr, epochs, *, record="after", order=1):
    """The lecture's loop, or a usual mistake (loss before the update, mean loss, samples reversed)."""
    losses = []
    pairs = list(zip(xs, ys))[::order]
    for _ in range(epochs):
        before = []
        for x, y in pairs:
            before.append((x * w - y) ** 2)
            w = w - lr * 2 * x * (x * w - y)
        x, y = pairs[-1]
        losses.append({"after": (x * w - y) ** 2, "before": before[-1], "mean": sum(before) / len(before)}[record])
    return w, losses


def _full_batch(xs, ys, w, lr, epochs):
    for _ in range(epochs):
        w -= lr * sum(2 * x * (x * w - y) for x, y in zip(xs, ys)) / len(xs)
    return w


def _run(sub, xs, ys, *, curve=None, **kwargs):
    """Call the student's function; ``curve``: the reference's losses, to plot the student's against."""
    sub.substitute(FOR_TRAINING)  # a bug in forward, loss or gradient costs only that exercise
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    label = f"stochastic_gradient_descent(xs, ys{', ' + shown if shown else ''})"
    result = expect_sequence(sub.call("stochastic_gradient_descent", xs, ys, **kwargs), label, length=2,
                             hint="return w, losses")
    if curve is not None:
        record_curve(f"{label} on the lecture's data", result[1], curve)
    w = expect_float(result[0], f"the w returned by {label}",
                     hint="return the final w as a number; nan or inf means the training diverged: " + STEP)
    losses = expect_floats(result[1], f"the losses returned by {label}", hint="append one loss (a number) per epoch")
    return label, w, losses


def _w_hint(got, xs, ys, w, lr, epochs):
    if close(got, _full_batch(xs, ys, w, lr, epochs)):
        return "this is full-batch gradient descent: update w after every sample, not once per epoch; " + STEP
    if close(got, _sgd(xs, ys, w, lr, epochs, order=-1)[0]):
        return "the samples are visited in reverse order: " + STEP
    if lr != 0.01 and close(got, _sgd(xs, ys, w, 0.01, epochs)[0]):
        return "the step ignores the lr argument: " + STEP
    return STEP


@exercise("stochastic_gradient_descent", points=1)
def test_lecture_defaults(sub, ref):
    """with the defaults (w=1.0, lr=0.01, epochs=100) on the lecture's data, ends with w close to 2"""
    expected, expected_losses = ref.stochastic_gradient_descent(XS, YS)
    label, w, losses = _run(sub, XS, YS, curve=expected_losses)
    expect(len(losses) == 100, f"{label} returned {len(losses)} losses, expected 100: one per epoch, and epochs "
           "defaults to 100")
    expect_close(w, expected, f"the w after {label}", rtol=1e-6, atol=1e-9,
                 hint=_w_hint(w, XS, YS, 1.0, 0.01, 100) + " (defaults: w=1.0, lr=0.01, epochs=100)")


@exercise("stochastic_gradient_descent", points=1)
def test_one_update_per_sample(sub, ref, rng):
    """updates w once per sample, in data order, with the given w, lr and epochs"""
    xs, ys = random_data(rng)
    w0, lr, epochs = uniform(rng, -2.0, 0.0), uniform(rng, 0.02, 0.05), randint(rng, 5, 15)
    label, w, losses = _run(sub, xs, ys, w=w0, lr=lr, epochs=epochs)
    expect(len(losses) == epochs, f"{label} returned {len(losses)} losses, expected {epochs}: one per epoch")
    expect_close(w, ref.stochastic_gradient_descent(xs, ys, w=w0, lr=lr, epochs=epochs)[0],
                 f"the w after {label} on xs = {xs}, ys = {ys}", rtol=1e-6, atol=1e-9,
                 hint=_w_hint(w, xs, ys, w0, lr, epochs))


@exercise("stochastic_gradient_descent", points=1)
def test_losses_of_the_last_sample_after_its_update(sub, ref, rng):
    """losses[k] is the loss of epoch k's last sample, computed after its update"""
    xs, ys = random_data(rng)
    w0, lr, epochs = uniform(rng, 3.5, 5.0), uniform(rng, 0.01, 0.03), randint(rng, 5, 12)
    label, _, losses = _run(sub, xs, ys, w=w0, lr=lr, epochs=epochs)
    expect(len(losses) == epochs, f"{label} returned {len(losses)} losses, expected {epochs}: one per epoch")
    hint = "after the inner loop, append l, the loss(x, y, w) computed for the last sample after its update"
    if close(losses, _sgd(xs, ys, w0, lr, epochs, record="before")[1]):
        hint = ("each loss is computed before the update: as in the lecture, compute l = loss(x, y, w) after "
                "w = w - lr * grad")
    elif close(losses, _sgd(xs, ys, w0, lr, epochs, record="mean")[1]):
        hint = "this is the mean loss of the epoch's samples: record only l, the loss of the last sample"
    expect_close(np.array(losses), np.array(ref.stochastic_gradient_descent(xs, ys, w=w0, lr=lr, epochs=epochs)[1]),
                 f"the losses returned by {label}", rtol=1e-6, atol=1e-9, hint=hint)

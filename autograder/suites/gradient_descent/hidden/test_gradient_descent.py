"""gradient_descent: full-batch updates and the costs recorded, with the lecture's cost and gradient."""

import numpy as np

from autograder.checks import expect, expect_close, expect_float, expect_sequence, record_curve
from autograder.plugin import exercise
from autograder.suites.gradient_descent import XS, YS, close, expect_floats, randint, random_data, uniform
from autograder.suites.gradient_descent.textbook import FOR_TRAINING

STEP = "each epoch: record cost(xs, ys, w), then w -= lr * gradient(xs, ys, w)"


def _cost(xs, ys, w):
    return sum((x * w - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


def _gradient(xs, ys, w):
    return sum(2 * x * (x * w - y) for x, y in zip(xs, ys)) / len(xs)


def _descend(xs, ys, w, lr, epochs, *, sign=1.0, after=False):
    """The lecture's loop, or one of the usual mistakes (uphill steps, cost taken after the update)."""
    costs = []
    for _ in range(epochs):
        before = _cost(xs, ys, w)
        w -= sign * lr * _gradient(xs, ys, w)
        costs.append(_cost(xs, ys, w) if after else before)
    return w, costs


def _run(sub, xs, ys, *, curve=None, **kwargs):
    """Call the student's function; ``curve``: the reference's costs, to plot the student's against."""
    sub.substitute(FOR_TRAINING)  # a bug in cost or gradient costs only that exercise
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    label = f"gradient_descent(xs, ys{', ' + shown if shown else ''})"
    result = expect_sequence(sub.call("gradient_descent", xs, ys, **kwargs), label, length=2, hint="return w, costs")
    if curve is not None:
        record_curve(f"{label} on the lecture's data", result[1], curve, ylabel="cost")
    w = expect_float(result[0], f"the w returned by {label}",
                     hint="return the final w as a number; nan or inf means the training diverged: "
                     "subtract lr * gradient(xs, ys, w) from w")
    costs = expect_floats(result[1], f"the costs returned by {label}", hint="append one cost (a number) per epoch")
    return label, w, costs


def _w_hint(got, xs, ys, w, lr, epochs):
    if close(got, _descend(xs, ys, w, lr, epochs, sign=-1.0)[0]):
        return "w moves uphill: subtract the gradient (w -= lr * grad), do not add it"
    if lr != 0.01 and close(got, _descend(xs, ys, w, 0.01, epochs)[0]):
        return "the step ignores the lr argument: use w -= lr * gradient(xs, ys, w)"
    if w != 1.0 and close(got, _descend(xs, ys, 1.0, lr, epochs)[0]):
        return "start from the w argument, not from 1.0"
    if any(close(got, _descend(xs, ys, w, lr, e)[0]) for e in (epochs - 1, epochs + 1)):
        return "run exactly `epochs` updates: for epoch in range(epochs)"
    return STEP


@exercise("gradient_descent", points=1)
def test_lecture_defaults(sub, ref):
    """with the defaults (w=1.0, lr=0.01, epochs=100) on the lecture's data, ends with w close to 2"""
    expected, expected_costs = ref.gradient_descent(XS, YS)
    label, w, costs = _run(sub, XS, YS, curve=expected_costs)
    expect(len(costs) == 100, f"{label} returned {len(costs)} costs, expected 100: one per epoch, and epochs "
           "defaults to 100")
    expect_close(w, expected, f"the w after {label}", rtol=1e-6, atol=1e-9,
                 hint=_w_hint(w, XS, YS, 1.0, 0.01, 100) + " (defaults: w=1.0, lr=0.01, epochs=100)")


@exercise("gradient_descent", points=1)
def test_updates_with_the_arguments(sub, ref, rng):
    """follows w -= lr * gradient(xs, ys, w) for the given w, lr and epochs on random data"""
    xs, ys = random_data(rng)
    w0, lr, epochs = uniform(rng, -2.0, 0.0), uniform(rng, 0.02, 0.04), randint(rng, 15, 40)
    label, w, costs = _run(sub, xs, ys, w=w0, lr=lr, epochs=epochs)
    expect(len(costs) == epochs, f"{label} returned {len(costs)} costs, expected {epochs}: one per epoch, "
           "for epoch in range(epochs)")
    expected = ref.gradient_descent(xs, ys, w=w0, lr=lr, epochs=epochs)[0]
    expect_close(w, expected, f"the w after {label} on xs = {xs}, ys = {ys}", rtol=1e-6, atol=1e-9,
                 hint=_w_hint(w, xs, ys, w0, lr, epochs))


@exercise("gradient_descent", points=1)
def test_costs_before_each_update(sub, ref, rng):
    """costs[k] is the cost before the k-th update, costs[0] that of the starting w"""
    xs, ys = random_data(rng)
    w0, lr, epochs = uniform(rng, 3.5, 5.0), uniform(rng, 0.01, 0.03), randint(rng, 8, 20)
    label, _, costs = _run(sub, xs, ys, w=w0, lr=lr, epochs=epochs)
    expected = ref.gradient_descent(xs, ys, w=w0, lr=lr, epochs=epochs)[1]
    expect(len(costs) == epochs, f"{label} returned {len(costs)} costs, expected {epochs}: one per epoch")
    hint = STEP
    if close(costs, _descend(xs, ys, w0, lr, epochs, after=True)[1]):
        hint = ("each cost is taken after the update: record cost(xs, ys, w) before updating w, so that costs[0] "
                "is the cost of the starting w")
    elif len(set(costs)) == 1:
        hint = "all the costs are equal: compute cost(xs, ys, w) inside the loop, with the current w"
    expect_close(np.array(costs), np.array(expected), f"the costs returned by {label}", rtol=1e-6, atol=1e-9,
                 hint=hint)

"""plot_probability: the figure is inspected (curve data, the 0.5 line, labels), never looked at as pixels.

The model is the lecture's (substituted), so a bug in the student's model costs only the model.
"""

import numpy as np
import torch

from autograder.checks import expect, expect_close, expect_figure
from autograder.plugin import exercise
from autograder.suites.logistic_regression.textbook import FOR_USING_THE_MODEL

CURVE = ("plot the model's probabilities over the hours: x_t = torch.tensor(hours, dtype=torch.float32)"
         ".reshape(-1, 1); ax.plot(hours, model(x_t).detach().reshape(-1))")


def _plot(sub, *args):
    sub.substitute(FOR_USING_THE_MODEL)
    model = sub.new("LogisticRegressionModel")
    state = model.state()["state"]
    label = "plot_probability(model" + (", hours)" if args else ")")
    fig = expect_figure(sub.call("plot_probability", model, *args), label)
    axes = [ax for ax in fig.axes if ax.lines]
    expect(len(axes) == 1, f"{label} should draw on one plot; it has {len(axes)} with lines")
    return axes[0], state, label


def _probabilities(state: dict, hours: np.ndarray) -> np.ndarray:
    x = torch.tensor(hours, dtype=torch.float32).reshape(-1, 1)
    return torch.sigmoid(torch.nn.functional.linear(x, state["linear.weight"], state["linear.bias"])).reshape(-1)


def _curve(ax, hours: np.ndarray, label: str, where: str):
    curves = [ln for ln in ax.lines if ln.x.shape == hours.shape and not np.all(ln.y == 0.5)]
    expect(curves, f"{label} has no curve of {len(hours)} points (its lines have "
           f"{[len(ln.x) for ln in ax.lines]} points): draw the probabilities over {where}")
    line = curves[0]
    expect(np.allclose(line.x, hours, rtol=1e-6, atol=1e-5),
           f"the curve of {label} is not drawn over {where}: use the hours as x, {CURVE}")
    return line


@exercise("plot_probability", points=1)
def test_curve_over_the_default_hours(sub):
    """draws the probability of passing over np.linspace(0, 10, 200) by default"""
    ax, state, label = _plot(sub)
    hours = np.linspace(0, 10, 200)
    line = _curve(ax, hours, label, "np.linspace(0, 10, 200) when hours is None")
    expect_close(line.y, _probabilities(state, hours), f"the curve of {label}", rtol=1e-5, atol=1e-6, hint=CURVE)


@exercise("plot_probability", points=1)
def test_curve_over_given_hours(sub, rng):
    """draws the probability of passing over the hours it is given"""
    hours = np.sort(torch.rand(37, generator=rng, dtype=torch.float64).numpy() * 20)
    ax, state, label = _plot(sub, hours)
    line = _curve(ax, hours, label, "the hours argument (use it instead of a fixed np.linspace)")
    expect_close(line.y, _probabilities(state, hours), f"the curve of {label}", rtol=1e-5, atol=1e-6, hint=CURVE)


@exercise("plot_probability", points=1)
def test_horizontal_line_at_one_half(sub):
    """draws the decision threshold as a horizontal line at 0.5"""
    ax, _, label = _plot(sub)
    flat = [ln for ln in ax.lines if len(ln.y) >= 2 and np.allclose(ln.y, 0.5, rtol=0, atol=1e-9)]
    expect(flat, f"{label} has no horizontal line at probability 0.5: draw the decision threshold, as the lecture "
           "does with ax.plot([0, 10], [0.5, 0.5], c='r') (or ax.axhline(0.5))")
    spans = [float(np.ptp(ln.x)) for ln in flat]
    expect(max(spans) > 0, f"the line at probability 0.5 starts and ends at hours = {flat[0].x[0]:g}: draw it across "
           "the hours, ax.plot([min(hours), max(hours)], [0.5, 0.5], c='r')")
    colors = sorted({ln.color for ln in flat})
    expect("#ff0000" in colors, f"the line at probability 0.5 is {colors[0]}, expected red (c='r')")


@exercise("plot_probability", points=1)
def test_grid(sub):
    """draws a grid"""
    ax, _, label = _plot(sub)
    expect(ax.grid, f"{label} shows no grid lines: call ax.grid()")


@exercise("plot_probability", points=1)
def test_axis_labels(sub):
    """has x label 'Hours' and y label 'Probability of Pass'"""
    ax, _, _ = _plot(sub)
    expect(ax.xlabel == "Hours", f"the x label is {ax.xlabel!r}, expected 'Hours' (ax.set_xlabel('Hours'))")
    expect(ax.ylabel == "Probability of Pass",
           f"the y label is {ax.ylabel!r}, expected 'Probability of Pass' (ax.set_ylabel('Probability of Pass'))")

"""plot_cost: the figure is inspected (the line's data, the axis labels), never looked at as pixels."""

import numpy as np
import torch

from autograder.checks import expect, expect_close, expect_figure
from autograder.plugin import exercise
from autograder.suites.gradient_descent import uniform


def _inputs(rng):
    low = uniform(rng, -1.0, 1.0)
    ws = [round(w, 3) for w in np.linspace(low, low + uniform(rng, 2.0, 4.0), 21).tolist()]
    centre = uniform(rng, low + 0.5, low + 1.5)
    scale = uniform(rng, 1.0, 5.0)
    costs = [round(scale * (w - centre) ** 2 + 0.1 * float(torch.rand(1, generator=rng)), 4) for w in ws]
    return ws, costs


def _the_axes(sub, ws, costs):
    fig = expect_figure(sub.call("plot_cost", ws, costs), "plot_cost(ws, costs)")
    axes = [ax for ax in fig.axes if ax.lines or ax.scatters]
    expect(len(axes) == 1, f"the figure should have one plot with the cost curve; it has {len(axes)} with data")
    return axes[0]


@exercise("plot_cost", points=1)
def test_draws_costs_against_ws(sub, rng):
    """draws one line with ws on the x axis and costs on the y axis"""
    ws, costs = _inputs(rng)
    ax = _the_axes(sub, ws, costs)
    expect(bool(ax.lines), "the costs are drawn as points, not as a line: use ax.plot(ws, costs), not scatter")
    expect(len(ax.lines) == 1, f"plot_cost drew {len(ax.lines)} lines, expected one: a single ax.plot(ws, costs)")
    line = ax.lines[0]
    if line.x.shape == (len(ws),) and np.allclose(line.x, costs) and np.allclose(line.y, ws):
        expect(False, "the line has the costs on the x axis and ws on the y axis: call ax.plot(ws, costs), "
                      "x values first")
    expect(line.x.shape == (len(ws),) and np.allclose(line.x, ws),
           "the line's x values are not ws: call ax.plot(ws, costs) with the arguments of plot_cost")
    expect_close(line.y, np.array(costs), "the line's y values", rtol=1e-9, atol=1e-12,
                 hint="plot the costs argument: ax.plot(ws, costs)")


@exercise("plot_cost", points=1)
def test_axis_labels(sub, rng):
    """labels the x axis 'w' and the y axis 'cost'"""
    ws, costs = _inputs(rng)
    ax = _the_axes(sub, ws, costs)
    if ax.xlabel == "cost" and ax.ylabel == "w":
        expect(False, "the axis labels are swapped: the x axis shows w (ax.set_xlabel('w')) and the y axis the "
                      "cost (ax.set_ylabel('cost'))")
    expect(ax.xlabel == "w", f"the x label is {ax.xlabel!r}, expected 'w' (ax.set_xlabel('w'))")
    expect(ax.ylabel == "cost", f"the y label is {ax.ylabel!r}, expected 'cost' (ax.set_ylabel('cost'))")

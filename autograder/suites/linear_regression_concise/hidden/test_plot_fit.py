"""plot_fit: the figure is inspected (a scatter of the data, a red line of the predictions), never looked at as
pixels. The network is the book's linear_net with known parameters, so only plot_fit is judged."""

import numpy as np
import torch

from autograder.checks import expect, expect_figure
from autograder.plugin import exercise
from autograder.suites.linear_regression_concise.textbook import FOR_PLOT

N = 30
RED = "#ff0000"
LINE = 'ax.plot(features, net(features).detach(), "r-", lw=5)'


def _figure(sub, rng):
    sub.substitute(FOR_PLOT)
    net = sub.new("linear_net", 1)
    w, b = torch.randn(1, 1, generator=rng), torch.randn(1, generator=rng)
    net.call("load_state_dict", {"0.weight": w, "0.bias": b})
    X = torch.linspace(-1, 1, N).reshape(N, 1)
    y = X**3 + torch.randn(N, 1, generator=rng) / 10
    fig = expect_figure(sub.call("plot_fit", net, X, y), "plot_fit(net, features, labels)")
    axes = [ax for ax in fig.axes if ax.lines or ax.scatters]
    expect(len(axes) == 1, f"the figure should have one plot with the data and the fit; it has {len(axes)}")
    data = np.column_stack([X.numpy().reshape(-1), y.numpy().reshape(-1)]).astype(np.float64)
    fit = (X @ w.T + b).numpy().reshape(-1).astype(np.float64)
    return axes[0], X.numpy().reshape(-1).astype(np.float64), data, fit


def _same(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=1e-6)


@exercise("plot_fit", points=1)
def test_scatter_of_the_data(sub, rng):
    """draws the data (features, labels) as a scatter plot"""
    ax, _, data, _ = _figure(sub, rng)
    if any(_same(s, data) for s in ax.scatters):
        return
    if any(_same(np.column_stack([ln.x, ln.y]), data) for ln in ax.lines):
        expect(False, "the data is drawn with plot(); draw it as points with ax.scatter(features, labels)")
    expect(bool(ax.scatters), "the figure has no scatter of the data: add ax.scatter(features, labels)")
    expect(False, "no scatter shows the data points (features[i], labels[i]): ax.scatter(features, labels), with "
           "the features on the x axis")


@exercise("plot_fit", points=1)
def test_red_line_of_the_predictions(sub, rng):
    """draws net(features) against features as a red line"""
    ax, x, data, fit = _figure(sub, rng)
    lines = [ln for ln in ax.lines if _same(ln.x, x)]
    expect(bool(lines), f"no line is drawn over x = features: add {LINE}")
    fits = [ln for ln in lines if _same(ln.y, fit)]
    if not fits:
        if any(_same(ln.y, data[:, 1]) for ln in lines):
            expect(False, f"the line shows the labels; it should show the network's predictions: {LINE}")
        expect(False, f"no line shows the predictions net(features): {LINE}")
    colors = [ln.color for ln in fits]
    expect(RED in colors, f"the line of the predictions is {colors[0]}, expected red ({RED}): {LINE} ('r-' or "
           "color='red')")


@exercise("plot_fit", points=1)
def test_the_line_is_drawn_as_the_docstring_says(sub, rng):
    """the red line of the predictions is solid, of width 5 ("r-", lw=5)"""
    ax, x, _, fit = _figure(sub, rng)
    fits = [ln for ln in ax.lines if _same(ln.x, x) and _same(ln.y, fit) and ln.color == RED]
    expect(bool(fits), f"no red line shows the predictions net(features): {LINE}")
    expect(any(ln.linestyle == "-" for ln in fits),
           f"the red line is drawn {fits[0].linestyle!r}, expected solid ('-'): {LINE}")
    widths = sorted({ln.linewidth for ln in fits})
    expect(any(abs(w - 5) < 1e-9 for w in widths), f"the red line has width {widths[0]:g}, expected lw=5: {LINE}")

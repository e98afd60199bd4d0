"""plot_normals: the figure is inspected (lines, data, labels, legend), never looked at as pixels."""

import numpy as np

from autograder.checks import expect, expect_close, expect_figure
from autograder.plugin import exercise
from autograder.suites.linear_regression.textbook import FOR_PLOT


def _axes_with_lines(fig):
    axes = [ax for ax in fig.axes if ax.lines]
    expect(len(axes) == 1, f"the figure should have one plot with the curves; it has {len(axes)} with lines")
    return axes[0]


@exercise("plot_normals", points=1)
def test_one_line_per_pair(sub, ref):
    """draws one correct density curve per (mu, sigma) over np.arange(-7, 7, 0.01)"""
    params = ((1, 0.5), (-2, 1.5))
    sub.substitute(FOR_PLOT)  # a wrong `normal` costs only the `normal` exercise
    ax = _axes_with_lines(expect_figure(sub.call("plot_normals", params), "plot_normals(params)"))
    expect(len(ax.lines) == len(params),
           f"plot_normals({params}) drew {len(ax.lines)} lines, expected {len(params)}: one ax.plot per pair, "
           "using the params argument rather than a fixed list")
    x = np.arange(-7, 7, 0.01)
    for line, (mu, sigma) in zip(ax.lines, params):
        expect(line.x.shape == x.shape and np.allclose(line.x, x),
               f"the curve for mean {mu}, std {sigma} is not drawn over x = np.arange(-7, 7, 0.01)")
        expect_close(line.y, ref.normal(x, mu, sigma), f"the curve for mean {mu}, std {sigma}", rtol=1e-6,
                     atol=1e-9, hint="plot normal(x, mu, sigma)")
        expect(line.label == f"mean {mu}, std {sigma}",
               f"the curve for mean {mu}, std {sigma} is labelled {line.label!r}; "
               f"use label=f'mean {{mu}}, std {{sigma}}'")


@exercise("plot_normals", points=1)
def test_labels_and_legend(sub):
    """has x label 'x', y label 'p(x)' and a legend naming the three default curves"""
    sub.substitute(FOR_PLOT)
    ax = _axes_with_lines(expect_figure(sub.call("plot_normals"), "plot_normals()"))
    expect(ax.xlabel == "x", f"the x label is {ax.xlabel!r}, expected 'x' (ax.set_xlabel('x'))")
    expect(ax.ylabel == "p(x)", f"the y label is {ax.ylabel!r}, expected 'p(x)' (ax.set_ylabel('p(x)'))")
    expected = ["mean 0, std 1", "mean 0, std 2", "mean 3, std 1"]
    expect(ax.legend is not None, "the plot has no legend: call ax.legend() after plotting")
    expect(ax.legend == expected, f"the legend reads {ax.legend}, expected {expected}")

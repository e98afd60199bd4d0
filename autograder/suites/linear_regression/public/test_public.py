"""Public self-checks for linear_regression: no reference solution needed, so students may run them.

The hidden grading suite checks more: values against the reference on fresh random
inputs, gradients, statistics and convergence.
"""

import math

import numpy as np
import torch

from autograder.checks import (
    expect,
    expect_array,
    expect_close,
    expect_figure,
    expect_float,
    expect_sequence,
    expect_tensor,
    kind,
)
from autograder.plugin import exercise
from autograder.runner.wire import RemoteObject
from autograder.submission import Remote


@exercise("Timer")
def test_timer_measures_with_a_test_clock(sub):
    """stop() returns the seconds since the timer was created, avg/sum/cumsum summarise"""
    sub.fake_clock(start=10.0)
    timer = sub.new("Timer")
    sub.advance_clock(2.0)
    expect(abs(expect_float(timer.call("stop"), "stop()") - 2.0) < 1e-6,
           "stop() should return 2.0 after 2 s: __init__ must call self.start()")
    timer.call("start")
    sub.advance_clock(1.0)
    timer.call("stop")
    expect(abs(expect_float(timer.call("avg"), "avg()") - 1.5) < 1e-6, "avg() of [2, 1] should be 1.5")
    expect(abs(expect_float(timer.call("sum"), "sum()") - 3.0) < 1e-6, "sum() of [2, 1] should be 3")
    cumsum = [float(v) for v in expect_sequence(timer.call("cumsum"), "cumsum()", length=2)]
    expect(cumsum == [2.0, 3.0], f"cumsum() of [2, 1] should be [2.0, 3.0], got {cumsum}")


@exercise("normal")
def test_normal_peak(sub):
    """normal(0, 0, 1) is 1/sqrt(2 pi) and the result is a numpy array"""
    got = expect_array(sub.call("normal", np.array([0.0, 1.0]), 0, 1), "normal(x, 0, 1)", shape=(2,))
    expect_close(got, np.array([1 / math.sqrt(2 * math.pi), math.exp(-0.5) / math.sqrt(2 * math.pi)]),
                 "normal([0, 1], 0, 1)", rtol=1e-6)


@exercise("plot_normals", builds_on=("normal",))
def test_plot_normals_labels(sub):
    """three labelled curves with axis labels and a legend"""
    fig = expect_figure(sub.call("plot_normals"), "plot_normals()")
    ax = next((a for a in fig.axes if a.lines), None)
    expect(ax is not None and len(ax.lines) == 3, "plot_normals() should draw 3 curves")
    expect([ln.label for ln in ax.lines] == ["mean 0, std 1", "mean 0, std 2", "mean 3, std 1"],
           f"labels should be 'mean {{mu}}, std {{sigma}}', got {[ln.label for ln in ax.lines]}")
    expect(ax.xlabel == "x" and ax.ylabel == "p(x)", "axis labels should be 'x' and 'p(x)'")
    expect(ax.legend is not None, "call ax.legend()")


@exercise("add_loop")
def test_add_loop(sub):
    """adds two small tensors"""
    expect_close(sub.call("add_loop", torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])), torch.tensor([4.0, 6.0]),
                 "add_loop([1, 2], [3, 4])")


@exercise("add_vectorized")
def test_add_vectorized(sub):
    """adds two small tensors"""
    expect_close(sub.call("add_vectorized", torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])),
                 torch.tensor([4.0, 6.0]), "add_vectorized([1, 2], [3, 4])")


@exercise("benchmark_addition", builds_on=("Timer", "add_loop", "add_vectorized"))
def test_benchmark_addition(sub):
    """returns two timings, the loop the slower"""
    loop, vec = (expect_float(v, "a timing") for v in expect_sequence(sub.call("benchmark_addition", 1000),
                                                                       "benchmark_addition(1000)", length=2))
    expect(loop > vec >= 0, f"expected loop > vectorized >= 0, got ({loop:g}, {vec:g})")


@exercise("synthetic_data")
def test_synthetic_data_shapes(sub):
    """X is (n, 2), y is (n, 1)"""
    X, y = expect_sequence(sub.call("synthetic_data", torch.tensor([2, -3.4]), 4.2, 1000), "result", length=2)
    expect_tensor(X, "X", shape=(1000, 2))
    y, w = expect_tensor(y, "y"), torch.tensor([2, -3.4])
    # Noise has std 0.01: within 0.1 of X * w + b everywhere establishes the elementwise product.
    if y.numel() == 2000 and torch.allclose(y.reshape(1000, 2).double(), (X * w + 4.2).double(), atol=0.1):
        expect(False, f"y has shape {tuple(y.shape)}, one value per example and feature: X * w multiplies "
               "elementwise; use the matrix product torch.matmul(X, w)")
    expect_tensor(y, "y", shape=(1000, 1), hint="y.reshape((-1, 1))" if tuple(y.shape) == (1000,) else "")
    residual = float((y.reshape(-1) - (X @ torch.tensor([2, -3.4]) + 4.2)).std())
    expect(0.005 < residual < 0.02, f"the noise std is {residual:.3g}, expected about 0.01")


@exercise("data_iter")
def test_data_iter_partition(sub):
    """yields every example once, in batches of 10 and a last batch of 3"""
    index = torch.arange(23, dtype=torch.float32)
    batches = sub.call("data_iter", 10, index.reshape(-1, 1), index.reshape(-1, 1))
    if isinstance(batches, RemoteObject):  # an iterable that is not an iterator (a DataLoader): iterated there
        batches = Remote(sub, batches, "data_iter(10, X, y)").items()
    expect(isinstance(batches, list), f"data_iter should yield minibatches, but it returned {kind(batches)}")
    sizes = [len(X) for X, _ in batches]
    expect(sorted(sizes) == [3, 10, 10] and sizes[-1] == 3, f"batch sizes {sizes}, expected [10, 10, 3]")
    seen = sorted(torch.cat([y for _, y in batches]).reshape(-1).tolist())
    expect(seen == index.tolist(), "every example should appear exactly once")


@exercise("linreg")
def test_linreg_small(sub):
    """X @ w + b on a small example"""
    X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    got = sub.call("linreg", X, torch.tensor([[1.0], [-1.0]]), torch.tensor([0.5]))
    expect_close(got, torch.tensor([[-0.5], [-0.5]]), "linreg on a 2x2 example")


@exercise("squared_loss")
def test_squared_loss_shape(sub):
    """keeps y_hat's shape when y is flat"""
    got = expect_tensor(sub.call("squared_loss", torch.zeros(4, 1), torch.tensor([0.0, 1.0, 2.0, 3.0])),
                        "squared_loss", shape=(4, 1), hint="reshape y to y_hat's shape")
    expect_close(got, torch.tensor([[0.0], [0.5], [2.0], [4.5]]), "squared_loss(0, [0, 1, 2, 3])")


@exercise("sgd")
def test_sgd_small_step(sub):
    """one step on a known gradient, in place, gradient cleared"""
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    w.grad = torch.tensor([4.0, -4.0])
    run = sub.run("sgd", [w], 0.5, 2)
    after = run.args[0][0]
    expect(run.is_same_object(after, w), "sgd should update the tensor itself, in place")
    expect_close(after, torch.tensor([0.0, 3.0]), "w after one step of 0.5 * grad / 2")
    expect(after.grad is None or not after.grad.any(),
           "sgd should clear the gradient: param.grad.zero_() after the update")


@exercise("train", builds_on=("data_iter", "linreg", "squared_loss", "sgd"))
def test_train_on_the_book_data(sub):
    """recovers w = [2, -3.4], b = 4.2 from the book's synthetic data"""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(1000, 2, generator=g)
    y = (X @ torch.tensor([2, -3.4]) + 4.2 + 0.01 * torch.randn(1000, generator=g)).reshape(-1, 1)
    w, b, losses = expect_sequence(sub.call("train", X, y), "train(...)", length=3)
    expect_close(w, torch.tensor([[2.0], [-3.4]]), "w", atol=0.05, rtol=0)
    expect_close(torch.as_tensor(b).reshape(-1), torch.tensor([4.2]), "b", atol=0.05, rtol=0)
    expect(len(losses) == 3, "one loss per epoch")


@exercise("closed_form")
def test_closed_form_exact(sub):
    """solves a noiseless problem exactly"""
    X = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 1.0]])
    y = X @ torch.tensor([[2.0], [-3.4]]) + 4.2
    w, b = expect_sequence(sub.call("closed_form", X, y), "closed_form(...)", length=2)
    expect_close(w, torch.tensor([[2.0], [-3.4]]), "w", atol=1e-3)
    expect_close(b, torch.tensor([4.2]), "b", atol=1e-3)

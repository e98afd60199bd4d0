"""Linear regression from scratch (Dive into Deep Learning, sections 3.1 and 3.2).

Work through the functions in order: each exercise is graded on its own, and `train`
puts the pieces together. Run the self-check with

    python -m autograder check linear_regression
"""

import math
import random
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure


class Timer:
    """Record multiple running times (d2l 3.1.2): start(), stop() -> seconds, avg(), sum(), cumsum().

    `__init__` sets `self.times = []` and starts the timer. Read the clock with
    `time.time()` (as the book does) or `time.perf_counter()`.
    """

    def __init__(self) -> None:
        """Create an empty list `self.times` and start the timer."""
        # TODO: implement Timer.__init__ (see the docstring above).
        raise NotImplementedError("Timer.__init__: not implemented yet")

    def start(self) -> None:
        """Start the timer: remember the current time."""
        # TODO: implement Timer.start (see the docstring above).
        raise NotImplementedError("Timer.start: not implemented yet")

    def stop(self) -> float:
        """Stop the timer: append the seconds since the last start() to `self.times` and return them."""
        # TODO: implement Timer.stop (see the docstring above).
        raise NotImplementedError("Timer.stop: not implemented yet")

    def avg(self) -> float:
        """Average of the recorded times."""
        # TODO: implement Timer.avg (see the docstring above).
        raise NotImplementedError("Timer.avg: not implemented yet")

    def sum(self) -> float:
        """Total of the recorded times."""
        # TODO: implement Timer.sum (see the docstring above).
        raise NotImplementedError("Timer.sum: not implemented yet")

    def cumsum(self) -> list[float]:
        """Running totals of the recorded times, as a list of floats."""
        # TODO: implement Timer.cumsum (see the docstring above).
        raise NotImplementedError("Timer.cumsum: not implemented yet")


def normal(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """Gaussian density p(x) = 1 / sqrt(2 pi sigma^2) * exp(-(x - mu)^2 / (2 sigma^2)), elementwise.

    `x` is a numpy array; return a numpy array of the same shape.
    """
    # TODO: implement normal (see the docstring above).
    raise NotImplementedError("normal: not implemented yet")


def plot_normals(params: tuple[tuple[float, float], ...] = ((0, 1), (0, 2), (3, 1))) -> Figure:
    """Plot `normal(x, mu, sigma)` for each (mu, sigma) in `params` over x = np.arange(-7, 7, 0.01).

    One line per pair, labelled f"mean {mu}, std {sigma}"; x label "x", y label "p(x)", a legend.
    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    # TODO: implement plot_normals (see the docstring above).
    raise NotImplementedError("plot_normals: not implemented yet")


def add_loop(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors, one element at a time in a Python for loop: c[i] = a[i] + b[i]."""
    # TODO: implement add_loop (see the docstring above).
    raise NotImplementedError("add_loop: not implemented yet")


def add_vectorized(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors with a single tensor operation."""
    # TODO: implement add_vectorized (see the docstring above).
    raise NotImplementedError("add_vectorized: not implemented yet")


def benchmark_addition(n: int = 10000) -> tuple[float, float]:
    """Time add_loop and add_vectorized on a = b = torch.ones(n) with a Timer.

    Returns (loop_seconds, vectorized_seconds), each the value of one Timer.stop().
    """
    # TODO: implement benchmark_addition (see the docstring above).
    raise NotImplementedError("benchmark_addition: not implemented yet")


def synthetic_data(w: torch.Tensor, b: float, num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate y = Xw + b + noise (d2l 3.2.1).

    X ~ N(0, 1) has shape (num_examples, len(w)); the noise ~ N(0, 0.01^2), i.e. std 0.01.
    Returns (X, y) with y of shape (num_examples, 1), both float32.
    """
    # TODO: implement synthetic_data (see the docstring above).
    raise NotImplementedError("synthetic_data: not implemented yet")


def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor):
    """Yield minibatches (X_batch, y_batch) of `batch_size` examples in a fresh random order (d2l 3.2.2).

    Every example appears exactly once per call; the last batch is smaller when
    `batch_size` does not divide the number of examples. Rows of X_batch and y_batch match.
    """
    # TODO: implement data_iter (see the docstring above).
    raise NotImplementedError("data_iter: not implemented yet")


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model: X @ w + b, for X (n, d), w (d, 1), b (1,); returns (n, 1)."""
    # TODO: implement linreg (see the docstring above).
    raise NotImplementedError("linreg: not implemented yet")


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Squared loss (y_hat - y)^2 / 2 elementwise, with y reshaped to y_hat's shape; not reduced."""
    # TODO: implement squared_loss (see the docstring above).
    raise NotImplementedError("squared_loss: not implemented yet")


def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch SGD step: for each param, in place, param -= lr * param.grad / batch_size, then clear the grad.

    Do the update without recording it in the autograd graph (`with torch.no_grad():`),
    update the given tensors themselves (not new ones), and zero the gradients
    (`param.grad.zero_()`) or set them to None.
    """
    # TODO: implement sgd (see the docstring above).
    raise NotImplementedError("sgd: not implemented yet")


def train(
    features: torch.Tensor,
    labels: torch.Tensor,
    *,
    lr: float = 0.03,
    num_epochs: int = 3,
    batch_size: int = 10,
) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """Train linear regression from scratch with data_iter, linreg, squared_loss and sgd (d2l 3.2.7).

    Start from w ~ N(0, 0.01) of shape (d, 1) and b = zeros(1), both with requires_grad=True.
    Each epoch: for every minibatch, compute the loss, call `.sum().backward()`, then sgd.
    After each epoch append the mean squared_loss over all the data (a float) to `losses`.
    Returns (w, b, losses).
    """
    # TODO: implement train (see the docstring above).
    raise NotImplementedError("train: not implemented yet")


def closed_form(features: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The analytic least-squares solution (d2l 3.1.1): append a column of ones to X, solve for [w; b].

    features (n, d) and labels (n, 1), as synthetic_data makes them. Returns (w, b) with w of shape (d, 1)
    and b of shape (1,).
    """
    # TODO: implement closed_form (see the docstring above).
    raise NotImplementedError("closed_form: not implemented yet")

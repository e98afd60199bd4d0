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
        self.times = []
        self.start()

    def start(self) -> None:
        """Start the timer: remember the current time."""
        self._started_at = time.time()

    def stop(self) -> float:
        """Stop the timer: append the seconds since the last start() to `self.times` and return them."""
        delta = time.time() - self._started_at
        self.times.append(delta)
        return delta

    def avg(self) -> float:
        """Average of the recorded times."""
        return np.array(self.times).mean().item()

    def sum(self) -> float:
        """Total of the recorded times."""
        return sum(self.times, 0.0)

    def cumsum(self) -> list[float]:
        """Running totals of the recorded times, as a list of floats."""
        total = 0.0
        sums = []
        for value in self.times:
            total = total + value
            sums.append(total)
        return sums


def normal(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """Gaussian density p(x) = 1 / sqrt(2 pi sigma^2) * exp(-(x - mu)^2 / (2 sigma^2)), elementwise.

    `x` is a numpy array; return a numpy array of the same shape.
    """
    const = 1 / np.sqrt(2 * np.pi * sigma**2)
    exponent = -((x - mu) ** 2) / (2 * sigma**2)
    return const * np.exp(exponent)


def plot_normals(params: tuple[tuple[float, float], ...] = ((0, 1), (0, 2), (3, 1))) -> Figure:
    """Plot `normal(x, mu, sigma)` for each (mu, sigma) in `params` over x = np.arange(-7, 7, 0.01).

    One line per pair, labelled f"mean {mu}, std {sigma}"; x label "x", y label "p(x)", a legend.
    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    x = np.arange(-7, 7, 0.01)
    fig, ax = plt.subplots()
    for pair in params:
        mean, std = pair
        ax.plot(x, normal(x, mean, std), label=f"mean {mean}, std {std}")
    ax.set_xlabel("x")
    ax.set_ylabel("p(x)")
    ax.legend(frameon=False)
    ax.grid(True, alpha=0.3)
    return fig


def add_loop(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors, one element at a time in a Python for loop: c[i] = a[i] + b[i]."""
    c = torch.zeros(a.size(0))
    for j, (u, v) in enumerate(zip(a, b)):
        c[j] = u + v
    return c


def add_vectorized(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors with a single tensor operation."""
    return torch.add(input=a, other=b)


def benchmark_addition(n: int = 10000) -> tuple[float, float]:
    """Time add_loop and add_vectorized on a = b = torch.ones(n) with a Timer.

    Returns (loop_seconds, vectorized_seconds), each the value of one Timer.stop().
    """
    a = torch.ones(n)
    b = torch.ones(n)
    tm = Timer()
    add_loop(a, b)
    loop_time = tm.stop()
    tm.start()
    add_vectorized(a, b)
    vec_time = tm.stop()
    return loop_time, vec_time


def synthetic_data(w: torch.Tensor, b: float, num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate y = Xw + b + noise (d2l 3.2.1).

    X ~ N(0, 1) has shape (num_examples, len(w)); the noise ~ N(0, 0.01^2), i.e. std 0.01.
    Returns (X, y) with y of shape (num_examples, 1), both float32.
    """
    num_inputs = len(w)
    X = torch.normal(0.0, 1.0, (num_examples, num_inputs))
    epsilon = torch.normal(0.0, 0.01, (num_examples, 1))
    y = X @ w.reshape(num_inputs, 1) + b + epsilon
    return X, y


def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor):
    """Yield minibatches (X_batch, y_batch) of `batch_size` examples in a fresh random order (d2l 3.2.2).

    Every example appears exactly once per call; the last batch is smaller when
    `batch_size` does not divide the number of examples. Rows of X_batch and y_batch match.
    """
    count = len(labels)
    shuffled = random.sample(range(count), count)
    for first in range(0, count, batch_size):
        last = min(first + batch_size, count)
        picks = torch.tensor(shuffled[first:last])
        yield features[picks], labels[picks]


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model: X @ w + b, for X (n, d), w (d, 1), b (1,); returns (n, 1)."""
    y = torch.matmul(X, w)
    return y + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Squared loss (y_hat - y)^2 / 2 elementwise, with y reshaped to y_hat's shape; not reduced."""
    target = y.reshape(y_hat.shape)
    err = y_hat - target
    return err ** 2 / 2


def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch SGD step: for each param, in place, param -= lr * param.grad / batch_size, then clear the grad.

    Do the update without recording it in the autograd graph (`with torch.no_grad():`),
    update the given tensors themselves (not new ones), and zero the gradients
    (`param.grad.zero_()`) or set them to None.
    """
    with torch.no_grad():
        for weight in params:
            weight -= weight.grad * lr / batch_size
            weight.grad.zero_()


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
    w = torch.normal(0.0, 0.01, (features.shape[1], 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    losses = []
    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels):
            y_hat = linreg(X, w, b)
            l = squared_loss(y_hat, y)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
        with torch.no_grad():
            train_l = squared_loss(linreg(features, w, b), labels)
            losses.append(float(train_l.mean()))
    return w, b, losses


def closed_form(features: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The analytic least-squares solution (d2l 3.1.1): append a column of ones to X, solve for [w; b].

    Returns (w, b) with w of shape (d, 1) and b of shape (1,).
    """
    X = features.to(torch.float64)
    X = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype)], dim=1)
    y = labels.to(torch.float64).reshape(-1, 1)
    XtX_inv = torch.linalg.inv(X.T @ X)
    params = XtX_inv @ X.T @ y
    return params[:-1].float(), params[-1].float()

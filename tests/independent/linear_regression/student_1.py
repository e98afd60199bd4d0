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
        self.t0 = time.perf_counter()

    def stop(self) -> float:
        """Stop the timer: append the seconds since the last start() to `self.times` and return them."""
        elapsed = time.perf_counter() - self.t0
        self.times.append(elapsed)
        return elapsed

    def avg(self) -> float:
        """Average of the recorded times."""
        return self.sum() / len(self.times)

    def sum(self) -> float:
        """Total of the recorded times."""
        total = 0.0
        for t in self.times:
            total += t
        return total

    def cumsum(self) -> list[float]:
        """Running totals of the recorded times, as a list of floats."""
        out, running = [], 0.0
        for t in self.times:
            running += t
            out.append(running)
        return out


def normal(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """Gaussian density p(x) = 1 / sqrt(2 pi sigma^2) * exp(-(x - mu)^2 / (2 sigma^2)), elementwise.

    `x` is a numpy array; return a numpy array of the same shape.
    """
    coef = 1.0 / (sigma * math.sqrt(2.0 * math.pi))
    return coef * np.exp(-((x - mu) ** 2) / (2.0 * sigma * sigma))


def plot_normals(params: tuple[tuple[float, float], ...] = ((0, 1), (0, 2), (3, 1))) -> Figure:
    """Plot `normal(x, mu, sigma)` for each (mu, sigma) in `params` over x = np.arange(-7, 7, 0.01).

    One line per pair, labelled f"mean {mu}, std {sigma}"; x label "x", y label "p(x)", a legend.
    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    xs = np.arange(-7, 7, 0.01)
    fig = plt.figure()
    ax = fig.add_subplot(1, 1, 1)
    for mu, sigma in params:
        ys = normal(xs, mu, sigma)
        ax.plot(xs, ys, label=f"mean {mu}, std {sigma}")
    ax.set(xlabel="x", ylabel="p(x)")
    ax.legend(loc="upper right")
    return fig


def add_loop(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors, one element at a time in a Python for loop: c[i] = a[i] + b[i]."""
    n = a.shape[0]
    result = torch.empty(n, dtype=a.dtype)
    for idx in range(n):
        result[idx] = a[idx] + b[idx]
    return result


def add_vectorized(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors with a single tensor operation."""
    return torch.add(a, b)


def benchmark_addition(n: int = 10000) -> tuple[float, float]:
    """Time add_loop and add_vectorized on a = b = torch.ones(n) with a Timer.

    Returns (loop_seconds, vectorized_seconds), each the value of one Timer.stop().
    """
    x = torch.ones(n)
    y = torch.ones(n)
    t = Timer()
    add_loop(x, y)
    slow = t.stop()
    t.start()
    add_vectorized(x, y)
    fast = t.stop()
    return slow, fast


def synthetic_data(w: torch.Tensor, b: float, num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate y = Xw + b + noise (d2l 3.2.1).

    X ~ N(0, 1) has shape (num_examples, len(w)); the noise ~ N(0, 0.01^2), i.e. std 0.01.
    Returns (X, y) with y of shape (num_examples, 1), both float32.
    """
    d = w.shape[0]
    features = torch.randn(num_examples, d)
    noise = 0.01 * torch.randn(num_examples)
    targets = features @ w + b + noise
    return features, targets.unsqueeze(1)


def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor):
    """Yield minibatches (X_batch, y_batch) of `batch_size` examples in a fresh random order (d2l 3.2.2).

    Every example appears exactly once per call; the last batch is smaller when
    `batch_size` does not divide the number of examples. Rows of X_batch and y_batch match.
    """
    n = features.shape[0]
    order = torch.randperm(n)
    start = 0
    while start < n:
        idx = order[start:start + batch_size]
        yield features[idx], labels[idx]
        start += batch_size


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model: X @ w + b, for X (n, d), w (d, 1), b (1,); returns (n, 1)."""
    return X @ w + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Squared loss (y_hat - y)^2 / 2 elementwise, with y reshaped to y_hat's shape; not reduced."""
    diff = y_hat - y.view(y_hat.shape)
    return 0.5 * diff * diff


def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch SGD step: for each param, in place, param -= lr * param.grad / batch_size, then clear the grad.

    Do the update without recording it in the autograd graph (`with torch.no_grad():`),
    update the given tensors themselves (not new ones), and zero the gradients
    (`param.grad.zero_()`) or set them to None.
    """
    with torch.no_grad():
        for p in params:
            p.sub_(lr * p.grad / batch_size)
            p.grad = None


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
    n_features = features.shape[1]
    w = (0.01 * torch.randn(n_features, 1)).requires_grad_()
    b = torch.zeros(1, requires_grad=True)
    history = []
    for epoch in range(num_epochs):
        for xb, yb in data_iter(batch_size, features, labels):
            l = squared_loss(linreg(xb, w, b), yb).sum()
            l.backward()
            sgd([w, b], lr, batch_size)
        with torch.no_grad():
            epoch_loss = squared_loss(linreg(features, w, b), labels).mean().item()
        history.append(epoch_loss)
    return w, b, history


def closed_form(features: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The analytic least-squares solution (d2l 3.1.1): append a column of ones to X, solve for [w; b].

    Returns (w, b) with w of shape (d, 1) and b of shape (1,).
    """
    ones = torch.ones(features.shape[0], 1, dtype=torch.float64)
    A = torch.hstack([features.double(), ones])
    y = labels.double().view(-1, 1)
    sol = torch.linalg.pinv(A) @ y
    return sol[:-1].float(), sol[-1:].flatten().float()

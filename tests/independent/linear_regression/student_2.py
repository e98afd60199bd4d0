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
        self.times: list[float] = list()
        self.start()

    def start(self) -> None:
        """Start the timer: remember the current time."""
        self.begin = time.time()

    def stop(self) -> float:
        """Stop the timer: append the seconds since the last start() to `self.times` and return them."""
        self.times.append(time.time() - self.begin)
        return self.times[-1]

    def avg(self) -> float:
        """Average of the recorded times."""
        return float(np.mean(self.times))

    def sum(self) -> float:
        """Total of the recorded times."""
        return float(np.sum(self.times))

    def cumsum(self) -> list[float]:
        """Running totals of the recorded times, as a list of floats."""
        return [float(v) for v in np.cumsum(self.times)]


def normal(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """Gaussian density p(x) = 1 / sqrt(2 pi sigma^2) * exp(-(x - mu)^2 / (2 sigma^2)), elementwise.

    `x` is a numpy array; return a numpy array of the same shape.
    """
    z = (x - mu) / sigma
    return np.exp(-0.5 * z**2) / (np.sqrt(2 * np.pi) * sigma)


def plot_normals(params: tuple[tuple[float, float], ...] = ((0, 1), (0, 2), (3, 1))) -> Figure:
    """Plot `normal(x, mu, sigma)` for each (mu, sigma) in `params` over x = np.arange(-7, 7, 0.01).

    One line per pair, labelled f"mean {mu}, std {sigma}"; x label "x", y label "p(x)", a legend.
    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    grid = np.arange(-7, 7, 0.01)
    figure, axes = plt.subplots()
    for (m, s) in params:
        axes.plot(grid, normal(grid, m, s), label="mean {}, std {}".format(m, s))
    axes.set_xlabel("x")
    axes.set_ylabel("p(x)")
    axes.legend()
    return figure


def add_loop(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors, one element at a time in a Python for loop: c[i] = a[i] + b[i]."""
    values = []
    for i in range(len(a)):
        values.append(a[i] + b[i])
    return torch.stack(values) if values else torch.zeros(0)


def add_vectorized(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors with a single tensor operation."""
    return a + b


def benchmark_addition(n: int = 10000) -> tuple[float, float]:
    """Time add_loop and add_vectorized on a = b = torch.ones(n) with a Timer.

    Returns (loop_seconds, vectorized_seconds), each the value of one Timer.stop().
    """
    ones = torch.ones(n)
    timer = Timer()
    _ = add_loop(ones, ones)
    t_loop = timer.stop()
    timer.start()
    _ = add_vectorized(ones, ones)
    t_vec = timer.stop()
    return (t_loop, t_vec)


def synthetic_data(w: torch.Tensor, b: float, num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate y = Xw + b + noise (d2l 3.2.1).

    X ~ N(0, 1) has shape (num_examples, len(w)); the noise ~ N(0, 0.01^2), i.e. std 0.01.
    Returns (X, y) with y of shape (num_examples, 1), both float32.
    """
    X = torch.normal(mean=0.0, std=1.0, size=(num_examples, len(w)))
    y = torch.mv(X, w.reshape(-1)) + b
    y = y + torch.normal(mean=0.0, std=0.01, size=y.shape)
    return X, y.reshape(num_examples, 1)


def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor):
    """Yield minibatches (X_batch, y_batch) of `batch_size` examples in a fresh random order (d2l 3.2.2).

    Every example appears exactly once per call; the last batch is smaller when
    `batch_size` does not divide the number of examples. Rows of X_batch and y_batch match.
    """
    idx = list(range(len(features)))
    random.shuffle(idx)
    for k in range(0, len(idx), batch_size):
        chosen = torch.tensor(idx[k:k + batch_size])
        yield features.index_select(0, chosen), labels.index_select(0, chosen)


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model: X @ w + b, for X (n, d), w (d, 1), b (1,); returns (n, 1)."""
    return torch.mm(X, w) + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Squared loss (y_hat - y)^2 / 2 elementwise, with y reshaped to y_hat's shape; not reduced."""
    return (y_hat - y.reshape(y_hat.shape)).pow(2) / 2


def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch SGD step: for each param, in place, param -= lr * param.grad / batch_size, then clear the grad.

    Do the update without recording it in the autograd graph (`with torch.no_grad():`),
    update the given tensors themselves (not new ones), and zero the gradients
    (`param.grad.zero_()`) or set them to None.
    """
    for param in params:
        with torch.no_grad():
            param.data -= lr * param.grad / batch_size
        param.grad.zero_()


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
    w = torch.normal(0, 0.01, size=(features.shape[1], 1))
    w.requires_grad_(True)
    b = torch.zeros(1)
    b.requires_grad_(True)
    losses = []
    epoch = 0
    while epoch < num_epochs:
        for X_batch, y_batch in data_iter(batch_size, features, labels):
            batch_loss = squared_loss(linreg(X_batch, w, b), y_batch)
            batch_loss.sum().backward()
            sgd((w, b), lr, batch_size)
        full = squared_loss(linreg(features, w, b), labels)
        losses.append(float(full.detach().mean()))
        epoch += 1
    return w, b, losses


def closed_form(features: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The analytic least-squares solution (d2l 3.1.1): append a column of ones to X, solve for [w; b].

    Returns (w, b) with w of shape (d, 1) and b of shape (1,).
    """
    Xb = torch.cat((features, torch.ones((features.shape[0], 1))), 1).to(torch.float64)
    yy = labels.to(torch.float64).reshape(-1, 1)
    theta = torch.linalg.solve(Xb.T @ Xb, Xb.T @ yy)
    w = theta[: features.shape[1]].to(torch.float32)
    b = theta[features.shape[1]:].reshape(1).to(torch.float32)
    return w, b

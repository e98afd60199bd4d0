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
        ### BEGIN SOLUTION
        self.times: list[float] = []
        self.start()
        ### END SOLUTION

    def start(self) -> None:
        """Start the timer: remember the current time."""
        ### BEGIN SOLUTION
        self.tik = time.time()
        ### END SOLUTION

    def stop(self) -> float:
        """Stop the timer: append the seconds since the last start() to `self.times` and return them."""
        ### BEGIN SOLUTION
        self.times.append(time.time() - self.tik)
        return self.times[-1]
        ### END SOLUTION

    def avg(self) -> float:
        """Average of the recorded times."""
        ### BEGIN SOLUTION
        return sum(self.times) / len(self.times)
        ### END SOLUTION

    def sum(self) -> float:
        """Total of the recorded times."""
        ### BEGIN SOLUTION
        return sum(self.times)
        ### END SOLUTION

    def cumsum(self) -> list[float]:
        """Running totals of the recorded times, as a list of floats."""
        ### BEGIN SOLUTION
        return np.array(self.times).cumsum().tolist()
        ### END SOLUTION


def normal(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """Gaussian density p(x) = 1 / sqrt(2 pi sigma^2) * exp(-(x - mu)^2 / (2 sigma^2)), elementwise.

    `x` is a numpy array; return a numpy array of the same shape.
    """
    ### BEGIN SOLUTION
    p = 1 / math.sqrt(2 * math.pi * sigma**2)
    return p * np.exp(-0.5 / sigma**2 * (x - mu) ** 2)
    ### END SOLUTION


def plot_normals(params: tuple[tuple[float, float], ...] = ((0, 1), (0, 2), (3, 1))) -> Figure:
    """Plot `normal(x, mu, sigma)` for each (mu, sigma) in `params` over x = np.arange(-7, 7, 0.01).

    One line per pair, labelled f"mean {mu}, std {sigma}"; x label "x", y label "p(x)", a legend.
    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    ### BEGIN SOLUTION
    x = np.arange(-7, 7, 0.01)
    fig, ax = plt.subplots(figsize=(4.5, 2.5))
    for mu, sigma in params:
        ax.plot(x, normal(x, mu, sigma), label=f"mean {mu}, std {sigma}")
    ax.set_xlabel("x")
    ax.set_ylabel("p(x)")
    ax.legend()
    return fig
    ### END SOLUTION


def add_loop(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors, one element at a time in a Python for loop: c[i] = a[i] + b[i]."""
    ### BEGIN SOLUTION
    c = torch.zeros(len(a), dtype=torch.result_type(a, b))
    for i in range(len(a)):
        c[i] = a[i] + b[i]
    return c
    ### END SOLUTION


def add_vectorized(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors with a single tensor operation."""
    ### BEGIN SOLUTION
    return a + b
    ### END SOLUTION


def benchmark_addition(n: int = 10000) -> tuple[float, float]:
    """Time add_loop and add_vectorized on a = b = torch.ones(n) with a Timer.

    Returns (loop_seconds, vectorized_seconds), each the value of one Timer.stop().
    """
    ### BEGIN SOLUTION
    a, b = torch.ones(n), torch.ones(n)
    timer = Timer()
    add_loop(a, b)
    loop_seconds = timer.stop()
    timer.start()
    add_vectorized(a, b)
    vectorized_seconds = timer.stop()
    return loop_seconds, vectorized_seconds
    ### END SOLUTION


def synthetic_data(w: torch.Tensor, b: float, num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate y = Xw + b + noise (d2l 3.2.1).

    X ~ N(0, 1) has shape (num_examples, len(w)); the noise ~ N(0, 0.01^2), i.e. std 0.01.
    Returns (X, y) with y of shape (num_examples, 1), both float32.
    """
    ### BEGIN SOLUTION
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))
    ### END SOLUTION


def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor):
    """Yield minibatches (X_batch, y_batch) of `batch_size` examples in a fresh random order (d2l 3.2.2).

    Every example appears exactly once per call; the last batch is smaller when
    `batch_size` does not divide the number of examples. Rows of X_batch and y_batch match.
    """
    ### BEGIN SOLUTION
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i : min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]
    ### END SOLUTION


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model: X @ w + b, for X (n, d), w (d, 1), b (1,); returns (n, 1)."""
    ### BEGIN SOLUTION
    return torch.matmul(X, w) + b
    ### END SOLUTION


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Squared loss (y_hat - y)^2 / 2 elementwise, with y reshaped to y_hat's shape; not reduced."""
    ### BEGIN SOLUTION
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
    ### END SOLUTION


def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch SGD step: for each param, in place, param -= lr * param.grad / batch_size, then clear the grad.

    Do the update without recording it in the autograd graph (`with torch.no_grad():`),
    update the given tensors themselves (not new ones), and zero the gradients
    (`param.grad.zero_()`) or set them to None.
    """
    ### BEGIN SOLUTION
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    w = torch.normal(0, 0.01, size=(features.shape[1], 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    losses = []
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels):
            loss = squared_loss(linreg(X, w, b), y)
            loss.sum().backward()
            sgd([w, b], lr, batch_size)
        with torch.no_grad():
            losses.append(float(squared_loss(linreg(features, w, b), labels).mean()))
    return w, b, losses
    ### END SOLUTION


def closed_form(features: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The analytic least-squares solution (d2l 3.1.1): append a column of ones to X, solve for [w; b].

    features (n, d) and labels (n, 1), as synthetic_data makes them. Returns (w, b) with w of shape (d, 1)
    and b of shape (1,).
    """
    ### BEGIN SOLUTION
    X = torch.cat([features, torch.ones(len(features), 1)], dim=1).double()
    theta = torch.linalg.lstsq(X, labels.reshape(-1, 1).double()).solution
    return theta[:-1].float(), theta[-1].float()
    ### END SOLUTION

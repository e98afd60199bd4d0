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
        self.tik = None
        self.start()

    def start(self) -> None:
        """Start the timer: remember the current time."""
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """Stop the timer: append the seconds since the last start() to `self.times` and return them."""
        now = time.perf_counter()
        seconds = now - self.tik
        self.times += [seconds]
        return seconds

    def avg(self) -> float:
        """Average of the recorded times."""
        if not self.times:
            return 0.0
        return sum(self.times) / float(len(self.times))

    def sum(self) -> float:
        """Total of the recorded times."""
        return math.fsum(self.times)

    def cumsum(self) -> list[float]:
        """Running totals of the recorded times, as a list of floats."""
        import itertools
        return list(itertools.accumulate(self.times))


def normal(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """Gaussian density p(x) = 1 / sqrt(2 pi sigma^2) * exp(-(x - mu)^2 / (2 sigma^2)), elementwise.

    `x` is a numpy array; return a numpy array of the same shape.
    """
    variance = sigma ** 2
    return np.exp(-np.square(x - mu) / (2 * variance)) / np.sqrt(2 * math.pi * variance)


def plot_normals(params: tuple[tuple[float, float], ...] = ((0, 1), (0, 2), (3, 1))) -> Figure:
    """Plot `normal(x, mu, sigma)` for each (mu, sigma) in `params` over x = np.arange(-7, 7, 0.01).

    One line per pair, labelled f"mean {mu}, std {sigma}"; x label "x", y label "p(x)", a legend.
    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    x = np.arange(-7, 7, 0.01)
    fig, ax = plt.subplots(figsize=(6, 3))
    lines = [(normal(x, m, s), f"mean {m}, std {s}") for m, s in params]
    for y, name in lines:
        ax.plot(x, y, label=name)
    ax.set_xlabel("x"); ax.set_ylabel("p(x)")
    ax.legend()
    fig.tight_layout()
    return fig


def add_loop(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors, one element at a time in a Python for loop: c[i] = a[i] + b[i]."""
    out = torch.zeros_like(a, dtype=torch.promote_types(a.dtype, b.dtype))
    i = 0
    while i < len(a):
        out[i] = a[i] + b[i]
        i += 1
    return out


def add_vectorized(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a + b of two 1-D tensors with a single tensor operation."""
    c = a.clone()
    c += b
    return c


def benchmark_addition(n: int = 10000) -> tuple[float, float]:
    """Time add_loop and add_vectorized on a = b = torch.ones(n) with a Timer.

    Returns (loop_seconds, vectorized_seconds), each the value of one Timer.stop().
    """
    vec_a, vec_b = torch.ones(n), torch.ones(n)
    clock = Timer()
    results = []
    for fn in (add_loop, add_vectorized):
        clock.start()
        fn(vec_a, vec_b)
        results.append(clock.stop())
    return results[0], results[1]


def synthetic_data(w: torch.Tensor, b: float, num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate y = Xw + b + noise (d2l 3.2.1).

    X ~ N(0, 1) has shape (num_examples, len(w)); the noise ~ N(0, 0.01^2), i.e. std 0.01.
    Returns (X, y) with y of shape (num_examples, 1), both float32.
    """
    X = torch.empty(num_examples, w.numel()).normal_(0, 1)
    clean = torch.matmul(X, w.flatten()) + b
    noisy = clean + torch.empty(num_examples).normal_(0, 0.01)
    return X, noisy[:, None]


def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor):
    """Yield minibatches (X_batch, y_batch) of `batch_size` examples in a fresh random order (d2l 3.2.2).

    Every example appears exactly once per call; the last batch is smaller when
    `batch_size` does not divide the number of examples. Rows of X_batch and y_batch match.
    """
    perm = np.random.permutation(len(features))
    batches = [perm[i:i + batch_size] for i in range(0, len(perm), batch_size)]
    for batch in batches:
        sel = torch.as_tensor(batch, dtype=torch.long)
        yield features[sel], labels[sel]


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model: X @ w + b, for X (n, d), w (d, 1), b (1,); returns (n, 1)."""
    return torch.addmm(b, X, w)


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Squared loss (y_hat - y)^2 / 2 elementwise, with y reshaped to y_hat's shape; not reduced."""
    y = y.reshape(y_hat.shape)
    return torch.square(y_hat - y) * 0.5


def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch SGD step: for each param, in place, param -= lr * param.grad / batch_size, then clear the grad.

    Do the update without recording it in the autograd graph (`with torch.no_grad():`),
    update the given tensors themselves (not new ones), and zero the gradients
    (`param.grad.zero_()`) or set them to None.
    """
    with torch.no_grad():
        for t in params:
            step = t.grad * (lr / batch_size)
            t -= step
            t.grad.zero_()


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
    _, d = features.shape
    w = torch.randn(d, 1) * 0.01
    w.requires_grad = True
    b = torch.zeros(1, requires_grad=True)
    losses = []
    for _ in range(num_epochs):
        for bx, by in data_iter(batch_size, features, labels):
            squared_loss(linreg(bx, w, b), by).sum().backward()
            sgd([w, b], lr, batch_size)
        with torch.no_grad():
            mse = squared_loss(linreg(features, w, b), labels)
            losses.append(mse.mean().item())
    return w, b, losses


def closed_form(features: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The analytic least-squares solution (d2l 3.1.1): append a column of ones to X, solve for [w; b].

    Returns (w, b) with w of shape (d, 1) and b of shape (1,).
    """
    n = len(features)
    design = torch.column_stack([features, torch.ones(n)]).double()
    result = torch.linalg.lstsq(design, labels.double().reshape(n, 1))
    coef = result.solution.float()
    return coef[:-1], coef[-1]

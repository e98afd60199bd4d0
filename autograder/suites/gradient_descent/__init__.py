"""Grading suite of the gradient_descent assignment (PyTorch lecture series: linear model,
gradient descent, back propagation). Shared judge-side helpers: the lecture's data, random
data sets and reading lists of numbers."""

from __future__ import annotations

import numpy as np
import torch

from autograder.checks import expect_float, expect_sequence

XS = [1.0, 2.0, 3.0]
YS = [2.0, 4.0, 6.0]


def uniform(rng: torch.Generator, low: float, high: float, digits: int = 3) -> float:
    """One number drawn uniformly from [low, high], rounded so messages stay readable."""
    return round(low + (high - low) * float(torch.rand(1, generator=rng, dtype=torch.float64)), digits)


def randint(rng: torch.Generator, low: int, high: int) -> int:
    """One integer from low to high, both included."""
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def random_data(rng: torch.Generator, n: int | None = None) -> tuple[list[float], list[float]]:
    """xs in [0.5, 3], ys = w* x + noise (so the smallest cost is not 0), as lists of floats."""
    n = randint(rng, 4, 7) if n is None else n
    xs = [uniform(rng, 0.5, 3.0) for _ in range(n)]
    true_w = uniform(rng, 1.0, 3.0)
    ys = [round(true_w * x + 0.5 * float(torch.randn(1, generator=rng, dtype=torch.float64)), 3) for x in xs]
    return xs, ys


def best_w(xs: list[float], ys: list[float]) -> float:
    """The w of the smallest cost, sum(x y) / sum(x^2)."""
    return sum(x * y for x, y in zip(xs, ys)) / sum(x * x for x in xs)


def away_from_best(rng: torch.Generator, xs: list[float], ys: list[float]) -> float:
    """A w between 0.5 and 2 away from the best one, so cost and gradient are far from 0."""
    side = 1 if float(torch.rand(1, generator=rng)) < 0.5 else -1
    return round(best_w(xs, ys) + side * uniform(rng, 0.5, 2.0), 3)


def expect_floats(value, what: str, *, length: int | None = None, hint: str = "") -> list[float]:
    """A list (or tuple, 1-D array or tensor) of numbers, read as Python floats."""
    if isinstance(value, np.ndarray | torch.Tensor) and value.ndim == 1:
        value = value.tolist()
    items = expect_sequence(value, what, length=length, hint=hint)
    return [expect_float(v, f"{what}[{i}]", hint=hint) for i, v in enumerate(items)]


def close(a, b, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Whether two numbers or equally long lists of numbers agree (used to recognise a mistake)."""
    if a is None or b is None:
        return False
    a, b = np.atleast_1d(np.asarray(a, dtype=np.float64)), np.atleast_1d(np.asarray(b, dtype=np.float64))
    if a.shape != b.shape or not np.isfinite(a).all() or not np.isfinite(b).all():
        return False
    return bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b)))

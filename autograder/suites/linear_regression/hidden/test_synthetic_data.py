"""synthetic_data: shapes, and statistics with tolerances many standard errors wide (never flaky)."""

import torch

from autograder.checks import expect, expect_sequence, expect_tensor
from autograder.plugin import exercise


def _true_params(rng, d):
    w = torch.randn(d, generator=rng) * 2
    b = round(float(torch.rand(1, generator=rng)) * 8 - 4, 3)
    return w, b


def _call(sub, w, b, n):
    X, y = expect_sequence(sub.call("synthetic_data", w, b, n), f"synthetic_data(w, b, {n})", length=2,
                           hint="return X, y")
    X = expect_tensor(X, "X", shape=(n, len(w)), hint="X = torch.normal(0, 1, (num_examples, len(w)))")
    y = expect_tensor(y, "y", hint="y = X @ w + b + noise, reshaped to (num_examples, 1)")
    # Each hint below names a cause only where the shape establishes it.
    d = len(w)
    if tuple(y.shape) == (n,):
        expect(False, f"y has shape ({n},), expected ({n}, 1): return y.reshape((-1, 1))")
    # Noise has std 0.01: within 0.1 of X * w + b everywhere establishes the elementwise product.
    if d > 1 and y.numel() == n * d and torch.allclose(y.reshape(n, d).double(), (X * w + b).double(), atol=0.1):
        expect(False, f"y has shape {tuple(y.shape)}, one value per example and feature: X * w multiplies "
               f"elementwise; the model is the matrix product torch.matmul(X, w) (or X @ w), of shape ({n},)")
    expect_tensor(y, "y", shape=(n, 1), hint="one label per example: y = X @ w + b + noise, as a column")
    return X, y


@exercise("synthetic_data", points=1)
def test_shapes_and_dtype(sub, rng):
    """returns X of shape (n, len(w)) and y of shape (n, 1), both float32"""
    w, b = _true_params(rng, 3)
    X, y = _call(sub, w, b, 500)
    expect_tensor(X, "X", dtype=torch.float32, hint="torch.normal gives float32; do not convert to float64")
    expect_tensor(y, "y", dtype=torch.float32, hint="keep y float32 like X")
    # A facet: shapes and dtype count only for data that holds something (zeros have them too).
    expect(float(X.std()) > 0.5 and torch.allclose(y.double(), (X @ w + b).reshape(-1, 1).double(), atol=0.1),
           "X is not random features or y is not X @ w + b plus small noise, so their shapes cannot count yet: "
           "X = torch.normal(0, 1, (num_examples, len(w))), y = torch.matmul(X, w) + b + noise")


@exercise("synthetic_data", points=1)
def test_features_are_standard_normal(sub, rng):
    """X is drawn from N(0, 1)"""
    w, b = _true_params(rng, 2)
    X, _ = _call(sub, w, b, 20000)
    mean, std = X.mean(0), X.std(0)
    # standard errors: 0.007 for the mean, 0.005 for the std; the bounds are 7 and 10 of them
    expect(bool((mean.abs() < 0.05).all()) and bool(((std - 1).abs() < 0.05).all()),
           f"the columns of X have mean {[round(v, 3) for v in mean.tolist()]} and std "
           f"{[round(v, 3) for v in std.tolist()]}; X should be standard normal: torch.normal(0, 1, (n, len(w))) "
           "(torch.rand is uniform, not normal)")


@exercise("synthetic_data", points=1)
def test_labels_follow_the_model_with_small_noise(sub, rng):
    """y = Xw + b plus noise of standard deviation 0.01"""
    w, b = _true_params(rng, 2)
    X, y = _call(sub, w, b, 20000)
    residual = (y.double() - (X.double() @ w.double().reshape(-1, 1) + b)).reshape(-1)
    std, mean = float(residual.std()), float(residual.mean())
    expect(std < 0.5,
           f"y is far from X @ w + b (the residual has std {std:.3g}): compute y = torch.matmul(X, w) + b "
           "from the X you return, then add the noise")
    expect(abs(mean) < 0.002, f"the noise has mean {mean:.3g}, expected 0: draw it from torch.normal(0, 0.01, ...)")
    hint = "add noise torch.normal(0, 0.01, y.shape): the second argument is the standard deviation"
    if std < 1e-6:
        expect(False, f"y is exactly X @ w + b: the noise is missing. {hint}")
    if std < 0.002:
        expect(False, f"the noise has standard deviation {std:.3g}, expected 0.01: 0.01 is the standard deviation, "
                      f"not the variance. {hint}")
    # standard error of the sample std is 0.01 / sqrt(2n) = 5e-5; the bound is 40 of them
    expect(abs(std - 0.01) < 0.002, f"the noise has standard deviation {std:.3g}, expected 0.01. {hint}")

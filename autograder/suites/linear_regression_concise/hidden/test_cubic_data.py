"""cubic_data: X on the grid torch.linspace(-1, 1, size) as a column, y = X**3 plus N(0, 0.1^2) noise."""

import torch

from autograder.checks import expect, expect_close, expect_sequence, expect_tensor
from autograder.plugin import exercise

RECIPE = "X = torch.linspace(-1, 1, size).reshape(size, 1); y = X**3 + torch.randn(size, 1) / 10"


def _data(sub, size):
    pair = expect_sequence(sub.call("cubic_data", size), f"cubic_data({size})", length=2, hint="return X, y")
    X = expect_tensor(pair[0], "X", hint=RECIPE)
    y = expect_tensor(pair[1], "y", hint=RECIPE)
    expect(tuple(X.shape) == (size, 1), f"cubic_data({size}) gives X of shape {tuple(X.shape)}, expected "
           f"({size}, 1): reshape the grid into a column, torch.linspace(-1, 1, size).reshape(size, 1)")
    if tuple(y.shape) == (size, size):
        expect(False, f"cubic_data({size}) gives y of shape {tuple(y.shape)}, expected ({size}, 1): noise of shape "
               f"({size},) broadcasts against X**3 of shape ({size}, 1); draw it as torch.randn(size, 1)")
    expect(tuple(y.shape) == (size, 1), f"cubic_data({size}) gives y of shape {tuple(y.shape)}, expected "
           f"({size}, 1): {RECIPE}")
    return X, y


@exercise("cubic_data", points=1)
def test_grid_of_inputs(sub):
    """X is torch.linspace(-1, 1, size) as a (size, 1) column, and y has the same shape"""
    size = 37
    X, _ = _data(sub, size)
    expect_close(X, torch.linspace(-1, 1, size).reshape(size, 1), f"X of cubic_data({size})", rtol=0, atol=1e-6,
                 hint="X = torch.linspace(-1, 1, size).reshape(size, 1): evenly spaced from -1 to 1, both included")


@exercise("cubic_data", points=1)
def test_cubic_plus_gaussian_noise(sub):
    """y - X**3 is noise with mean 0 and standard deviation 0.1"""
    # 40000 draws: the sample std of N(0, 0.1^2) is within 14 standard errors of 0.1 inside (0.095, 0.105),
    # and randn / 11 (std 0.091) is 25 outside.
    size = 40000
    X, y = _data(sub, size)
    noise = (y.double() - X.double() ** 3).reshape(-1)
    mean, std = float(noise.mean()), float(noise.std())
    trend = float(torch.corrcoef(torch.stack([noise, X.double().reshape(-1)]))[0, 1])
    if 0.03 < mean < 0.07 and 0.02 < std < 0.04:
        expect(False, f"y - X**3 has mean {mean:.3f} and standard deviation {std:.3f}: that is uniform noise in "
               "[0, 0.1); use torch.randn (normal), not torch.rand (uniform)")
    expect(abs(mean) < 0.1 and std < 0.2 and abs(trend) < 0.2,
           f"y - X**3 has mean {mean:.3f} and standard deviation {std:.3f}: y is not the cubic plus small noise. "
           f"{RECIPE}")
    expect(std > 0, "y is exactly X**3: add the noise torch.randn(size, 1) / 10")
    expect(0.095 < std < 0.105, f"the noise y - X**3 has standard deviation {std:.4f}, expected 0.1: "
           "divide torch.randn(size, 1) by 10")
    expect(abs(mean) < 0.012, f"the noise y - X**3 has mean {mean:.4f}, expected 0: {RECIPE}")

"""normal: the Gaussian density, against the reference on random inputs."""

import numpy as np
import torch

from autograder.checks import expect_array, expect_close
from autograder.plugin import exercise


@exercise("normal", points=1)
def test_density_values(sub, ref, rng):
    """matches the Gaussian density elementwise on random x, mu and sigma"""
    x = (torch.rand(4, 25, generator=rng, dtype=torch.float64).numpy() - 0.5) * 14
    mu = round(float(torch.rand(1, generator=rng)) * 4 - 2, 3)
    sigma = round(0.5 + float(torch.rand(1, generator=rng)) * 2, 3)
    if abs(sigma - 1) < 0.2:  # at sigma = 1, sigma and sigma**2 coincide and would hide a mistake
        sigma += 0.5
    got = expect_array(sub.call("normal", x, mu, sigma), f"normal(x, {mu}, {sigma})", shape=x.shape,
                       hint="use numpy (np.exp) so the result is an array of x's shape")
    expected = ref.normal(x, mu, sigma)
    ratio = np.median(got / np.maximum(expected, 1e-300))
    hint = "p(x) = 1 / sqrt(2 pi sigma^2) * exp(-(x - mu)^2 / (2 sigma^2))"
    if any(abs(ratio - r) < 1e-3 for r in (sigma, 1 / sigma, sigma**0.5, sigma**-0.5)):
        hint += "; the normalising constant uses sigma squared inside the square root"
    expect_close(got, expected, f"normal(x, {mu}, {sigma})", rtol=1e-6, atol=1e-12, hint=hint)

"""scale: the grading suite's checks, compared with the reference on fresh random inputs."""

import torch

from autograder.checks import expect_close, expect_tensor
from autograder.plugin import exercise


@exercise("scale", points=1)
def test_scale_matches_the_reference(sub, ref, rng):
    """scale(x, factor) is factor * x on random inputs"""
    x = torch.randn(5, 3, generator=rng)
    factor = float(torch.rand(1, generator=rng)) * 4 - 2
    got = expect_tensor(sub.call("scale", x, factor), f"scale(x, {factor:.3g})", shape=(5, 3))
    expect_close(got, ref.scale(x, factor), f"scale(x, {factor:.3g})")

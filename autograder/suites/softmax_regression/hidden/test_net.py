"""net: a batch of images flattened, times W plus b, through softmax."""

import torch

from autograder.checks import expect_close, expect_tensor
from autograder.plugin import exercise


@exercise("net", points=1, builds_on=("softmax",))
def test_images_are_flattened(sub, ref, rng):
    """net(X, W, b) of a batch of (1, 4, 4) images is softmax(X.reshape(-1, 16) @ W + b)"""
    X = torch.rand(5, 1, 4, 4, generator=rng)
    W = torch.randn(16, 3, generator=rng)
    b = torch.randn(3, generator=rng)
    got = expect_tensor(sub.call("net", X, W, b), "net(X, W, b) for 5 images of 4x4 and 3 classes", shape=(5, 3))
    expect_close(got, ref.net(X, W, b), "net(X, W, b)", rtol=1e-4)

"""cross_entropy: minus the log-probability of each example's true class."""

import torch

from autograder.checks import expect_close, expect_gradients, expect_tensor
from autograder.plugin import exercise


@exercise("cross_entropy", points=1)
def test_one_loss_per_example(sub, ref, rng):
    """cross_entropy(y_hat, y) is -log y_hat[i, y[i]], one loss per example"""
    y_hat = torch.softmax(torch.randn(7, 4, generator=rng), dim=1)
    y = torch.randint(0, 4, (7,), generator=rng)
    got = expect_tensor(sub.call("cross_entropy", y_hat, y), "cross_entropy(y_hat, y) for 7 examples", shape=(7,))
    expect_close(got, ref.cross_entropy(y_hat, y), "cross_entropy(y_hat, y)")


@exercise("cross_entropy", points=1)
def test_gradients_reach_y_hat(sub, ref, rng):
    """the losses carry gradients back to y_hat: -1 / y_hat[i, y[i]] at each true class, 0 elsewhere"""
    y_hat = torch.softmax(torch.randn(6, 3, generator=rng, dtype=torch.float64), dim=1).requires_grad_()
    y = torch.randint(0, 3, (6,), generator=rng)
    run = sub.run("cross_entropy", y_hat, y, backward=True)
    expect_tensor(run.value, "cross_entropy(y_hat, y)", shape=(6,))
    expect_gradients(run, ref.cross_entropy, (y_hat, y), ("y_hat", "y"), "cross_entropy(y_hat, y)")

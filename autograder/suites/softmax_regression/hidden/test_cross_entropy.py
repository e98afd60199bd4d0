"""cross_entropy: minus the log-probability of each example's true class."""

import torch

from autograder.checks import expect_close, expect_tensor
from autograder.plugin import exercise


@exercise("cross_entropy", points=1)
def test_one_loss_per_example(sub, ref, rng):
    """cross_entropy(y_hat, y) is -log y_hat[i, y[i]], one loss per example"""
    y_hat = torch.softmax(torch.randn(7, 4, generator=rng), dim=1)
    y = torch.randint(0, 4, (7,), generator=rng)
    got = expect_tensor(sub.call("cross_entropy", y_hat, y), "cross_entropy(y_hat, y) for 7 examples", shape=(7,))
    expect_close(got, ref.cross_entropy(y_hat, y), "cross_entropy(y_hat, y)")


@exercise("cross_entropy", points=1)
def test_the_books_example(sub):
    """the book's example: y_hat = [[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]], y = [0, 2] gives [-log 0.1, -log 0.5]"""
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    got = expect_tensor(sub.call("cross_entropy", y_hat, torch.tensor([0, 2])), "cross_entropy(y_hat, [0, 2])",
                        shape=(2,))
    expect_close(got, -torch.log(torch.tensor([0.1, 0.5])), "cross_entropy(y_hat, [0, 2])")

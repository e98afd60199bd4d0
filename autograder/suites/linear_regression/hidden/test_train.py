"""train: convergence on fresh random data, with the textbook helpers substituted."""

import torch

from autograder.checks import (
    expect,
    expect_close,
    expect_decreasing,
    expect_float,
    expect_losses,
    expect_sequence,
    expect_tensor,
    record_curve,
    reference_curve,
)
from autograder.plugin import exercise
from autograder.suites.linear_regression.textbook import FOR_TRAIN

N = 1000


def _problem(rng):
    true_w = (torch.randn(2, generator=rng) * 2).reshape(2)
    true_b = float(torch.rand(1, generator=rng)) * 8 - 4
    X = torch.randn(N, 2, generator=rng)
    y = (X @ true_w + true_b + 0.01 * torch.randn(N, generator=rng)).reshape(-1, 1)
    return true_w, true_b, X, y


def _train(sub, rng, ref=None, **kwargs):
    # One bug in sgd or data_iter should cost only that exercise: train runs on the book's versions.
    sub.substitute(FOR_TRAIN)
    true_w, true_b, X, y = _problem(rng)
    result = expect_sequence(sub.call("train", X, y, **kwargs), "train(features, labels)", length=3,
                             hint="return w, b, losses")
    if ref is not None:  # the feedback plots the losses against the reference's on the same data
        expected = reference_curve(lambda: ref.train(X, y, **kwargs)[2], X, y, kwargs)
        shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        record_curve(f"train(features, labels, {shown})", result[2], expected)
    w = expect_tensor(result[0], "w", shape=(2, 1), hint="w starts as torch.normal(0, 0.01, size=(d, 1))")
    b = expect_tensor(result[1], "b", hint="b starts as torch.zeros(1)")
    expect(b.numel() == 1, f"b has shape {tuple(b.shape)}, expected (1,)")
    losses = expect_sequence(result[2], "losses", hint="append one float per epoch")
    raw, losses = losses, [expect_float(v, f"losses[{i}]") for i, v in enumerate(losses)]
    return true_w, true_b, X, y, w.detach(), b.detach().reshape(1), _Losses(losses, raw)


class _Losses(list):
    """The losses as numbers, and as returned (``raw``): the docstring promises Python floats."""

    def __init__(self, values: list[float], raw: list):
        super().__init__(values)
        self.raw = raw


@exercise("train", points=1)
def test_converges_to_the_true_parameters(sub, rng):
    """recovers w and b within 0.05 after 3 epochs at lr 0.03"""
    true_w, true_b, _, _, w, b, _ = _train(sub, rng)
    hint = ("each minibatch: l = squared_loss(linreg(X, w, b), y); l.sum().backward(); sgd([w, b], lr, batch_size); "
            "w and b need requires_grad=True")
    expect_close(w.reshape(-1), true_w, "the trained w", atol=0.05, rtol=0, hint=hint)
    expect_close(b, torch.tensor([true_b]), "the trained b", atol=0.05, rtol=0, hint=hint)


@exercise("train", points=1)
def test_one_decreasing_loss_per_epoch(sub, ref, rng):
    """records one loss per epoch, as Python floats, decreasing to the noise floor"""
    *_, losses = _train(sub, rng, ref, num_epochs=4)
    losses = expect_losses(losses.raw, "train(..., num_epochs=4)", 4,
                           hint="append float(...) of the epoch's mean loss")
    expect_decreasing(losses, below=1e-3, floor="about 5e-5 (the noise floor)")


@exercise("train", points=1)
def test_losses_are_the_mean_loss_over_all_data(sub, rng):
    """each recorded loss is the mean squared_loss over all the data"""
    _, _, X, y, w, b, losses = _train(sub, rng, num_epochs=1, lr=0.003)
    expect(len(losses) == 1, f"train(..., num_epochs=1) recorded {len(losses)} losses")
    expected = float((((X.double() @ w.double() + b.double()) - y.double()) ** 2 / 2).mean())
    hint = ("after each epoch, compute squared_loss(linreg(features, w, b), labels).mean() on all the data "
            "(not the last minibatch; mean, not sum)")
    expect_close(torch.tensor(losses[-1]), torch.tensor(expected), "the recorded loss for the final w and b",
                 rtol=1e-4, atol=1e-9, hint=hint)


@exercise("train", points=1)
def test_starts_from_the_prescribed_initialisation(sub, rng):
    """starts from w ~ N(0, 0.01) of shape (d, 1) and b = zeros(1), which train(..., num_epochs=0) returns"""
    sub.substitute(FOR_TRAIN)
    X, y = torch.randn(50, 400, generator=rng), torch.randn(50, 1, generator=rng)
    w, b, losses = expect_sequence(sub.call("train", X, y, num_epochs=0), "train(features, labels, num_epochs=0)",
                                   length=3, hint="return w, b, losses")
    w = expect_tensor(w, "w before any epoch", shape=(400, 1))
    b = expect_tensor(b, "b before any epoch")
    expect(b.numel() == 1 and not b.detach().any(), f"b before any epoch is {b.tolist()}, expected torch.zeros(1)")
    # 400 draws: the mean is within 6 standard errors of 0 and the std within 8 of 0.01 for every seed.
    mean, std = float(w.detach().mean()), float(w.detach().std())
    expect(abs(mean) < 0.003 and 0.007 < std < 0.013,
           f"w before any epoch has mean {mean:.3g} and std {std:.3g}, expected w ~ N(0, 0.01): "
           "torch.normal(0, 0.01, size=(d, 1))")
    expect(len(expect_sequence(losses, "losses")) == 0, f"train(..., num_epochs=0) recorded {len(losses)} losses")

"""predict: 0./1. float labels from the model's probabilities, with the threshold argument.

The model is the lecture's (substituted), so a bug in the student's model costs only the model.
Inputs are chosen from the model's weights so that every probability is well away from the
thresholds used (no ties) and both labels occur.
"""

import torch

from autograder.checks import expect, expect_close, expect_tensor
from autograder.plugin import exercise
from autograder.suites.logistic_regression.textbook import FOR_USING_THE_MODEL

THRESHOLD_LOGITS = (1.3863, 1.0986)  # |logit| of the thresholds 0.8 and 0.25 (0.5 is at 0)
RULE = "the label is 1. where model(x) >= threshold and 0. elsewhere: (model(x) >= threshold).float()"


def _setup(sub, logits: torch.Tensor):
    """The lecture's model with one input, and hours x whose logits w x + b are the given ones."""
    sub.substitute(FOR_USING_THE_MODEL)
    model = sub.new("LogisticRegressionModel")
    state = model.state()["state"]
    w, b = state["linear.weight"].reshape(()), state["linear.bias"].reshape(())
    x = ((logits - b) / w).reshape(-1, 1)
    probs = torch.sigmoid(torch.nn.functional.linear(x, state["linear.weight"], state["linear.bias"]))
    return model, x, probs


def _logits(rng, n: int, low: float, high: float) -> torch.Tensor:
    """n logits in +-[low, high], both signs present, in random order, none near a threshold's logit."""
    mags = low + (high - low) * torch.rand(n, generator=rng)
    for edge in THRESHOLD_LOGITS:  # keep 0.05 away from log(t / (1 - t)) of every threshold used
        mags = torch.where((mags - edge).abs() < 0.05, mags + 0.1, mags)
    signs = torch.where(torch.rand(n, generator=rng) < 0.5, -1.0, 1.0)
    signs[0], signs[1] = -1.0, 1.0
    return (mags * signs)[torch.randperm(n, generator=rng)]


def _labels(sub, model, x, threshold=None) -> torch.Tensor:
    args = (model, x) if threshold is None else (model, x, threshold)
    what = "predict(model, x)" if threshold is None else f"predict(model, x, threshold={threshold})"
    got = expect_tensor(sub.call("predict", *args), what, hint=RULE)
    expect(tuple(got.shape) == tuple(x.shape[:1]) + (1,),
           f"{what} has shape {tuple(got.shape)}, expected ({len(x)}, 1), the shape of model(x): do not flatten it")
    return got, what


@exercise("predict", points=1)
def test_labels_at_the_default_threshold(sub, rng):
    """labels 1. for probabilities of at least 0.5 and 0. below"""
    model, x, probs = _setup(sub, _logits(rng, 16, 0.3, 5.0))
    got, what = _labels(sub, model, x)
    expect_close(got.double(), (probs >= 0.5).double(), what, rtol=0, atol=1e-6,
                 hint=f"{RULE}; the default threshold is 0.5")


@exercise("predict", points=1)
def test_uses_the_threshold_argument(sub, rng):
    """uses the threshold it is given"""
    # logits of +-0.4 to +-3 are probabilities of 0.05 to 0.4 and 0.6 to 0.95: 0.8 and 0.25 split them differently
    model, x, probs = _setup(sub, _logits(rng, 20, 0.4, 3.0))
    for threshold in (0.8, 0.25):
        expected = (probs >= threshold).double()
        if torch.equal(expected, (probs >= 0.5).double()):
            continue  # this draw does not tell the thresholds apart
        got, what = _labels(sub, model, x, threshold)
        expect_close(got.double(), expected, what, rtol=0, atol=1e-6,
                     hint=f"compare the probabilities with the threshold argument, not a fixed 0.5 "
                          f"(torch.round is a fixed 0.5 too): {RULE}")


@exercise("predict", points=1)
def test_returns_float_labels(sub, rng):
    """returns a float tensor of 0. and 1., not booleans or integers"""
    model, x, probs = _setup(sub, _logits(rng, 8, 0.3, 5.0))
    got, what = _labels(sub, model, x)
    # A facet: the labels' type counts only where the labels are right (all zeros are float too).
    expected = (probs >= 0.5).double()
    expect(torch.equal(got.detach().double(), expected), f"{what} gives the labels {got.reshape(-1).tolist()}, "
           f"expected {expected.reshape(-1).tolist()}, so their type cannot count yet: {RULE}")
    expect(got.is_floating_point(), f"{what} has dtype {str(got.dtype).replace('torch.', '')}: return float labels "
           "0. and 1., e.g. (model(x) >= threshold).float()")
    values = set(got.reshape(-1).tolist())
    expect(values <= {0.0, 1.0}, f"{what} holds the values {sorted(values)[:4]}, expected only 0. and 1.: {RULE}")


@exercise("predict", points=1)
def test_a_probability_at_the_threshold_is_labelled_1(sub, rng):
    """a probability equal to the threshold is labelled 1. (model(x) >= threshold)"""
    # x = -b / w puts the logit at 0 up to rounding; the labels are compared with the model's own probabilities,
    # computed here as the substituted model computes them, so a tie stays a tie.
    model, x, probs = _setup(sub, torch.zeros(4))
    for threshold in sorted({float(p) for p in probs.reshape(-1)}):
        got, what = _labels(sub, model, x, threshold)
        expected = (probs >= threshold).double()
        # The cause is named only where the labels are those of a strict comparison.
        strict = torch.equal(got.double(), (probs > threshold).double())
        expect_close(got.double(), expected, what, rtol=0, atol=1e-6,
                     hint=f"a probability equal to the threshold gets the label 1. (>=, not >): {RULE}" if strict
                     else RULE)

"""evaluate_accuracy: the fraction correct over a whole data set, with a module in eval mode and no gradients.

The book's accuracy and Accumulator stand in for the student's (builds_on), so one bug costs one exercise."""

import torch

from autograder import book
from autograder.checks import expect, expect_float
from autograder.plugin import exercise
from autograder.suites.softmax_regression.hidden import setups
from autograder.suites.softmax_regression.hidden.images import batches, parameters

SIZES = [5, 5, 3]
RIGHT = 6  # of the 13 examples: 5 / 5, 1 / 5 and 0 / 3 per minibatch, so the mean of the minibatches' is not it


def _labelled(rng, predict):
    """Minibatches whose first RIGHT labels are what ``predict`` says and the others are not."""
    data = batches(rng, SIZES)
    X = torch.cat([X for X, _ in data])
    predicted = predict(X).argmax(dim=1)
    y = torch.where(torch.arange(len(X)) < RIGHT, predicted, (predicted + 1) % 3)
    return [(X[i:i + n], y[i:i + n]) for i, n in zip((0, 5, 10), SIZES)]


def _evaluate(sub, net, data, call):
    got = expect_float(sub.call("evaluate_accuracy", net, data), call)
    expect(got == RIGHT / sum(SIZES), f"{call} is {got:.6g}; {RIGHT} of the {sum(SIZES)} examples are right, so "
           f"{RIGHT / sum(SIZES):.6g}: sum the correct predictions and the examples over all minibatches, then divide")
    return got


def _probe(sub, rng, call):
    weight, bias = parameters(rng, 16, 3)
    data = _labelled(rng, setups.Probe(weight.T.contiguous(), bias))
    sub.substitute(book.sources(setups, "Probe"))
    probe = sub.new("Probe", weight.T.contiguous(), bias)  # in training mode, as a module is after training
    _evaluate(sub, probe, data, call)
    seen = probe.get("seen")
    expect(isinstance(seen, list) and len(seen) == len(SIZES), f"{call} called the network {len(seen)} times, "
           f"expected once per minibatch ({len(SIZES)})")
    return seen


@exercise("evaluate_accuracy", points=1, builds_on=("accuracy", "Accumulator"))
def test_fraction_correct_over_every_minibatch(sub, rng):
    """with the book's from-scratch net (a function, not a module), the fraction of all examples predicted right"""
    W, b = parameters(rng, 16, 3)
    data = _labelled(rng, setups.ScratchSetup(W, b, 0.1).net)
    sub.substitute(book.sources(setups, "ScratchSetup"))
    setup = sub.new("ScratchSetup", W, b, 0.1)
    _evaluate(sub, sub.hold(setup.get("net"), "net"), data, "evaluate_accuracy(net, data_iter) for a function net")


@exercise("evaluate_accuracy", points=1, builds_on=("accuracy", "Accumulator"))
def test_a_module_is_put_in_eval_mode(sub, rng):
    """a module is put in eval mode before its first prediction"""
    call = "evaluate_accuracy(module, data_iter)"
    seen = _probe(sub, rng, call)
    expect(not any(training for training, _ in seen), f"{call} ran the module in training mode: call net.eval() "
           "first (when net is an nn.Module)")


@exercise("evaluate_accuracy", points=1, builds_on=("accuracy", "Accumulator"))
def test_predictions_record_no_gradients(sub, rng):
    """predictions are made under torch.no_grad()"""
    call = "evaluate_accuracy(module, data_iter)"
    seen = _probe(sub, rng, call)
    expect(not any(grad for _, grad in seen), f"{call} predicted with gradient recording on: wrap the loop in "
           "`with torch.no_grad():`")

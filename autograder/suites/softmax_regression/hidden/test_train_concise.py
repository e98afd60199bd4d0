"""train_concise: concise_net trained with per-example cross-entropy and SGD at lr, through train_ch3.

The book's train_ch3 stands in for the student's (builds_on), and concise_net is the book's network with every
parameter at zero (setups.concise_net), so the judge trains the same network from the same start."""

import torch
from torch import nn

from autograder import book
from autograder.checks import expect_close, expect_sequence, record_curve
from autograder.plugin import exercise
from autograder.suites.softmax_regression.hidden import setups
from autograder.suites.softmax_regression.hidden.images import batches
from autograder.suites.softmax_regression.hidden.training import expect_history

HINT = ("net = concise_net(); loss = nn.CrossEntropyLoss(reduction='none'); trainer = torch.optim.SGD("
        "net.parameters(), lr=lr); history = train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)")


def _train(sub, ref, rng, **kwargs):
    train = batches(rng, [10, 10, 10], side=28, classes=10)
    test = batches(rng, [10], side=28, classes=10, random_labels=True)
    sub.substitute(book.sources(setups, "concise_net"))
    call = "train_concise(train_iter, test_iter" + "".join(f", {k}={v}" for k, v in kwargs.items()) + ")"
    value = expect_sequence(sub.call("train_concise", train, test, **kwargs), call, length=2,
                            hint="return (net, history)")
    model = setups.concise_net()
    expected = ref.train_ch3(model, train, test, nn.CrossEntropyLoss(reduction="none"), kwargs.get("num_epochs", 10),
                             torch.optim.SGD(model.parameters(), lr=kwargs.get("lr", 0.1)))
    history = value[1] if isinstance(value[1], list | tuple) else []
    record_curve(call, [e[0] if isinstance(e, list | tuple) and e else None for e in history],
                 [e[0] for e in expected])
    expect_history(value[1], expected, call, hint=HINT)
    after = sub.hold(value[0], f"the network from {call}").state()["state"]
    for name, want in model.state_dict().items():
        expect_close(after.get(name), want, f"{name} of the network from {call}", rtol=1e-4, atol=1e-6, hint=HINT)


@exercise("train_concise", points=1, builds_on=("train_ch3", "concise_net"))
def test_trains_with_the_given_epochs_and_learning_rate(sub, ref, rng):
    """num_epochs=3, lr=0.05: three epochs of per-example cross-entropy and SGD at 0.05; returns (net, history)"""
    _train(sub, ref, rng, num_epochs=3, lr=0.05)


@exercise("train_concise", points=1, builds_on=("train_ch3", "concise_net"))
def test_defaults_are_ten_epochs_at_lr_0_1(sub, ref, rng):
    """by default, 10 epochs at lr=0.1"""
    _train(sub, ref, rng)

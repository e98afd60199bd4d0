"""train_ch3: num_epochs of the epoch and the evaluation, one (train loss, train accuracy, test accuracy) each.

The book's train_epoch_ch3 and evaluate_accuracy stand in for the student's (builds_on); the test set's labels are
random, so its accuracy differs from the training set's."""

from autograder import book
from autograder.checks import record_curve
from autograder.plugin import exercise
from autograder.suites.softmax_regression.hidden import setups
from autograder.suites.softmax_regression.hidden.images import batches, parameters
from autograder.suites.softmax_regression.hidden.training import expect_history

LR, EPOCHS = 0.5, 3
HINT = ("per epoch: train_metrics = train_epoch_ch3(net, train_iter, loss, updater); test_acc = "
        "evaluate_accuracy(net, test_iter); append (*train_metrics, test_acc)")


def _data(rng):
    return batches(rng, [6, 6]), batches(rng, [5], random_labels=True), *parameters(rng, 16, 3)


def _record(call, value, expected):
    """The training losses for the feedback's plot, before the history is checked."""
    epochs = value if isinstance(value, list | tuple) else []
    losses = [e[0] if isinstance(e, list | tuple) and e else None for e in epochs]
    record_curve(call, losses, [epoch[0] for epoch in expected])


@exercise("train_ch3", points=1, builds_on=("train_epoch_ch3", "evaluate_accuracy"))
def test_history_with_an_optimizer(sub, ref, rng):
    """with nn.CrossEntropyLoss(reduction='none') and torch.optim.SGD, one (loss, accuracy, test accuracy) per
    epoch"""
    train, test, W, b = _data(rng)
    sub.substitute(book.sources(setups, "ConciseSetup"))
    setup = sub.new("ConciseSetup", W.T.contiguous(), b, LR)
    call = f"train_ch3(net, train_iter, test_iter, loss, {EPOCHS}, trainer)"
    value = sub.call("train_ch3", sub.hold(setup.get("net"), "net"), train, test, sub.hold(setup.get("loss"), "loss"),
                     EPOCHS, sub.hold(setup.get("trainer"), "trainer"))
    judge = setups.ConciseSetup(W.T.contiguous(), b, LR)
    expected = ref.train_ch3(judge.net, train, test, judge.loss, EPOCHS, judge.trainer)
    _record(call, value, expected)
    expect_history(value, expected, call, hint=HINT)


@exercise("train_ch3", points=1, builds_on=("train_epoch_ch3", "evaluate_accuracy"))
def test_history_with_the_books_updater(sub, ref, rng):
    """with the book's cross_entropy and updater, one (loss, accuracy, test accuracy) per epoch"""
    train, test, W, b = _data(rng)
    sub.substitute(book.sources(setups, "ScratchSetup"))
    setup = sub.new("ScratchSetup", W, b, LR)
    call = f"train_ch3(net, train_iter, test_iter, cross_entropy, {EPOCHS - 1}, updater)"
    value = sub.call("train_ch3", sub.hold(setup.get("net"), "net"), train, test, sub.hold(setup.get("loss"), "loss"),
                     EPOCHS - 1, sub.hold(setup.get("updater"), "updater"))
    judge = setups.ScratchSetup(W, b, LR)
    expected = ref.train_ch3(judge.net, train, test, judge.loss, EPOCHS - 1, judge.updater)
    _record(call, value, expected)
    expect_history(value, expected, call, hint=HINT)

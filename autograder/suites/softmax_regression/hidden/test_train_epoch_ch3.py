"""train_epoch_ch3: one epoch with either updater, the parameters stepped as the book's loop steps them.

Each check gives the runner a setup that starts from parameters the check chose (setups.py) and runs the same
setup in the judge with the reference, so every step can be compared. The book's accuracy and Accumulator stand in
for the student's (builds_on)."""


from autograder import book
from autograder.checks import expect, expect_close
from autograder.plugin import exercise
from autograder.suites.softmax_regression.hidden import setups
from autograder.suites.softmax_regression.hidden.images import batches, parameters
from autograder.suites.softmax_regression.hidden.training import EPOCH, expect_metrics

LR, SIZES = 0.5, [6, 6, 4]


@exercise("train_epoch_ch3", points=1, builds_on=("accuracy", "Accumulator"))
def test_the_books_updater_steps_on_the_summed_loss(sub, ref, rng):
    """with the book's updater(batch_size): backward() on the summed losses, then updater(X.shape[0]), per batch"""
    data = batches(rng, SIZES)
    W, b = parameters(rng, 16, 3)
    sub.substitute(book.sources(setups, "ScratchSetup"))
    setup = sub.new("ScratchSetup", W, b, LR)
    call = "train_epoch_ch3(net, train_iter, cross_entropy, updater) with the book's updater"
    value = sub.call("train_epoch_ch3", sub.hold(setup.get("net"), "net"), data,
                     sub.hold(setup.get("loss"), "loss"), sub.hold(setup.get("updater"), "updater"))
    judge = setups.ScratchSetup(W, b, LR)
    expected = ref.train_epoch_ch3(judge.net, data, judge.loss, judge.updater)
    hint = "for each minibatch: l = loss(net(X), y); l.sum().backward(); updater(X.shape[0])"
    for name in ("W", "b"):
        expect_close(setup.get(name), getattr(judge, name).detach(), f"{name} after {call}", rtol=1e-4, atol=1e-6,
                     hint=hint)
    expect_metrics(value, expected, EPOCH, call,
                   hint="sum float(l.sum()) and the correct predictions over the epoch, divide both by the examples")


@exercise("train_epoch_ch3", points=1, builds_on=("accuracy", "Accumulator"))
def test_an_optimizer_steps_on_the_mean_loss_in_training_mode(sub, ref, rng):
    """with a torch optimizer: zero_grad(), backward() on the mean loss, step(), per batch, the module in training
    mode"""
    data = batches(rng, SIZES)
    W, b = parameters(rng, 16, 3)
    sub.substitute(book.sources(setups, "ConciseSetup"))
    setup = sub.new("ConciseSetup", W.T.contiguous(), b, LR)
    net = sub.hold(setup.get("net"), "net")
    net.call("eval")  # as evaluate_accuracy leaves it: the epoch must put it back
    call = "train_epoch_ch3(net, train_iter, nn.CrossEntropyLoss(reduction='none'), torch.optim.SGD(...))"
    value = sub.call("train_epoch_ch3", net, data, sub.hold(setup.get("loss"), "loss"),
                     sub.hold(setup.get("trainer"), "trainer"))
    judge = setups.ConciseSetup(W.T.contiguous(), b, LR)
    judge.net.eval()
    expected = ref.train_epoch_ch3(judge.net, data, judge.loss, judge.trainer)
    after = net.state()
    hint = "for each minibatch: updater.zero_grad(); l.mean().backward(); updater.step()"
    for name, want in judge.state().items():
        expect_close(after["state"].get(name), want, f"net's {name} after {call}", rtol=1e-4, atol=1e-6, hint=hint)
    expect_metrics(value, expected, EPOCH, call,
                   hint="sum float(l.sum()) and the correct predictions over the epoch, divide both by the examples")
    expect(after["training"] is True, f"after {call} the module is in eval mode: call net.train() first (when net "
           "is an nn.Module)")

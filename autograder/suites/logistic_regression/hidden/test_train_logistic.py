"""train_logistic: the lecture's training loop, epoch by epoch, on the lecture's model (substituted).

The student's loop is run on the lecture's LogisticRegressionModel (and sigmoid and BCE), so a
bug in the model costs only the model. The judge replays the loop from the same initial
weights and compares the recorded losses and the trained weights.
"""

import torch

from autograder.checks import expect, expect_close, expect_float, expect_losses, expect_sequence, record_curve
from autograder.plugin import exercise
from autograder.suites.logistic_regression.textbook import FOR_USING_THE_MODEL

LOOP = ("each epoch: y_pred = model(x_data); loss = criterion(y_pred, y_data) with criterion = "
        "nn.BCELoss(reduction='sum'); losses.append(loss.item()); optimizer.zero_grad(); loss.backward(); "
        "optimizer.step(), with optimizer = torch.optim.SGD(model.parameters(), lr=lr)")
LECTURE_X = torch.tensor([[1.0], [2.0], [3.0]])
LECTURE_Y = torch.tensor([[0.0], [0.0], [1.0]])


def _replay(ref, init: dict, x, y, *, lr: float, epochs: int, reduction: str = "sum", zero_grad: bool = True,
            step: bool = True, bias: bool = True) -> tuple[list[float], dict]:
    """The lecture's loop, judge side, from the student's initial weights (variants name likely mistakes)."""
    model = ref.LogisticRegressionModel(x.shape[1])
    model.load_state_dict(init)
    if (reduction, zero_grad, step, bias) == ("sum", True, True, True):
        losses = ref.train_logistic(model, x, y, lr=lr, epochs=epochs)
    else:
        criterion = torch.nn.BCELoss(reduction=reduction)
        optimizer = torch.optim.SGD(model.parameters() if bias else [model.linear.weight], lr=lr)
        losses = []
        for _ in range(epochs):
            loss = criterion(model(x), y)
            losses.append(loss.item())
            if zero_grad:
                optimizer.zero_grad()
            loss.backward()
            if step:
                optimizer.step()
    return losses, {k: v.detach().clone() for k, v in model.state_dict().items()}


def _call(sub, x, y, **kwargs):
    """The student's loop on the lecture's model: (initial weights, what it returned, the model, the call)."""
    sub.substitute(FOR_USING_THE_MODEL)
    model = sub.new("LogisticRegressionModel", x.shape[1])
    init = model.state()["state"]
    label = "train_logistic(model, x_data, y_data" + "".join(f", {k}={v}" for k, v in kwargs.items()) + ")"
    return init, sub.call("train_logistic", model, x, y, **kwargs), model, label


def _floats(returned, label):
    losses = expect_sequence(returned, label, hint="return the list of the losses, one float per epoch")
    return [expect_float(v, f"losses[{i}]", hint="record loss.item() each epoch") for i, v in enumerate(losses)]


def _train(sub, x, y, **kwargs):
    init, returned, model, label = _call(sub, x, y, **kwargs)
    return init, _floats(returned, label), model.state()["state"], label


def _data(rng, n=10, d=2):
    x = torch.randn(n, d, generator=rng) * 2
    w = torch.randn(d, generator=rng)
    y = ((x @ w + 0.7 * torch.randn(n, generator=rng)) > 0).float().reshape(-1, 1)
    y[0], y[1] = 0.0, 1.0
    return x, y


def _close(a: list[float], b: list[float], rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    return len(a) == len(b) and torch.allclose(torch.tensor(a, dtype=torch.float64),
                                               torch.tensor(b, dtype=torch.float64), rtol=rtol, atol=atol)


def _losses_hint(ref, init, x, y, losses, lr, epochs) -> str:
    """Recognise the usual mistakes by replaying them."""
    if len(losses) > 1 and len(set(losses)) == 1:
        return "the loss never changes: call optimizer.step() after loss.backward() in every epoch"
    variants = [
        (dict(reduction="mean"), "the losses are the mean BCE: the lecture sums it, nn.BCELoss(reduction='sum') "
                                 "(size_average=False in older PyTorch)"),
        (dict(zero_grad=False), "the gradients pile up from epoch to epoch: call optimizer.zero_grad() before "
                                "loss.backward() in every epoch"),
        (dict(step=False), "the weights never move: call optimizer.step() after loss.backward()"),
        (dict(bias=False), "the bias is not trained: give all of model.parameters() to the optimizer"),
        (dict(lr=0.01), f"the loop trained with lr=0.01 when lr={lr} was passed: give the lr argument to "
                        "torch.optim.SGD(model.parameters(), lr=lr)"),
    ]
    for changes, hint in variants:
        args = dict(lr=lr, epochs=epochs) | changes
        if args["lr"] == lr and "lr" in changes:
            continue
        if _close(losses, _replay(ref, init, x, y, **args)[0]):
            return hint
    if len(losses) == epochs:
        expected = _replay(ref, init, x, y, lr=lr, epochs=epochs + 1)[0]
        if _close(losses, expected[1:]):
            return ("each recorded loss is the one after the update: record loss.item() of the loss you call "
                    f"backward() on, before optimizer.step(). {LOOP}")
        if abs(losses[0] - expected[0]) <= 1e-4 * abs(expected[0]) + 1e-5:
            return f"the first loss is right but the later ones are not: {LOOP}"
    return f"record the loss of each epoch before the update: {LOOP}"


@exercise("train_logistic", points=1)
def test_losses_follow_the_lecture_loop(sub, ref, rng):
    """records the summed BCE of every epoch, as Python floats, as the lecture's loop does"""
    x, y = _data(rng)
    lr, epochs = 0.05, 40
    init, returned, _, label = _call(sub, x, y, lr=lr, epochs=epochs)
    losses = expect_losses(returned, label, epochs, hint="record loss.item() each epoch")
    expected, _ = _replay(ref, init, x, y, lr=lr, epochs=epochs)
    if not _close(losses, expected):
        expect_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(expected, dtype=torch.float64),
                     f"the loss list of {label}", rtol=1e-4, atol=1e-5,
                     hint=_losses_hint(ref, init, x, y, losses, lr, epochs))


@exercise("train_logistic", points=1)
def test_trains_the_given_model(sub, ref, rng):
    """updates the weight and bias of the model it is given, in place"""
    x, y = _data(rng, n=12, d=3)
    lr, epochs = 0.03, 30
    init, _, final, label = _train(sub, x, y, lr=lr, epochs=epochs)
    _, expected = _replay(ref, init, x, y, lr=lr, epochs=epochs)
    for name in ("linear.weight", "linear.bias"):
        if torch.equal(final[name], init[name]):
            where = ("the bias did not change: optimize all of model.parameters()" if name == "linear.bias" else
                     "the model passed in was not trained: optimize its parameters, "
                     "torch.optim.SGD(model.parameters(), lr=lr), and do not create a new model inside the function")
            expect(False, f"{label} left model.{name} unchanged: {where}")
    for name in ("linear.weight", "linear.bias"):
        expect_close(final[name], expected[name], f"model.{name} after {label}", rtol=1e-4, atol=1e-5, hint=LOOP)


@exercise("train_logistic", points=1)
def test_lecture_data_with_default_arguments(sub, ref):
    """with the defaults (lr=0.01, 1000 epochs) on the lecture's data, fits the weights the lecture gets"""
    init, returned, model, label = _call(sub, LECTURE_X, LECTURE_Y)
    expected_losses, expected = _replay(ref, init, LECTURE_X, LECTURE_Y, lr=0.01, epochs=1000)
    record_curve(f"{label} on the lecture's data", returned, expected_losses)
    losses, final = _floats(returned, label), model.state()["state"]
    expect(len(losses) == 1000, f"{label} returned {len(losses)} losses: the default is epochs=1000, one loss each")
    hint = "keep the defaults lr=0.01 and epochs=1000 from the signature; " + LOOP
    expect(losses[-1] < losses[0], f"the loss went from {losses[0]:.4g} to {losses[-1]:.4g} in 1000 epochs: it should "
           f"decrease to about {expected_losses[-1]:.3g}. {hint}")
    for name in ("linear.weight", "linear.bias"):
        expect_close(final[name], expected[name], f"model.{name} after {label}", rtol=1e-4, atol=1e-4, hint=hint)
    expect_close(torch.tensor(losses[-1]), torch.tensor(expected_losses[-1]), "the last loss", rtol=1e-4, atol=1e-5,
                 hint=hint)

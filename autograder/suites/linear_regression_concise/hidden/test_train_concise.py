"""train_concise: with the book's load_array and linear_net substituted, it must train the given network in place:
exact SGD steps on the MSE, convergence, and one loss per epoch on all the data."""

import torch

from autograder.checks import (
    expect,
    expect_close,
    expect_decreasing,
    expect_float,
    expect_losses,
    expect_sequence,
    record_curve,
    reference_curve,
)
from autograder.plugin import exercise
from autograder.suites.linear_regression_concise.textbook import FOR_TRAIN

LOOP = ("for X, y in data_iter: l = loss(net(X), y); trainer.zero_grad(); l.backward(); trainer.step(), "
        "with loss = nn.MSELoss() and trainer = torch.optim.SGD(net.parameters(), lr=lr)")


def _problem(rng, n, d=2):
    true_w = torch.randn(d, generator=rng) * 2
    true_b = float(torch.rand(1, generator=rng)) * 8 - 4
    X = torch.randn(n, d, generator=rng)
    y = (X @ true_w + true_b + 0.01 * torch.randn(n, generator=rng)).reshape(-1, 1)
    return true_w, true_b, X, y


def _train(sub, X, y, **kwargs):
    # One bug in load_array or linear_net should cost only that exercise: use the book's versions here.
    sub.substitute(FOR_TRAIN)
    net = sub.new("linear_net", X.shape[1])
    start = net.state()["state"]
    losses = sub.call("train_concise", net, X, y, **kwargs)
    return start, net.state()["state"], losses


def _floats(losses, call):
    losses = expect_sequence(losses, call, hint="return the list of losses, one float per epoch")
    return [expect_float(v, f"losses[{i}]", hint="append float(loss) for each epoch") for i, v in enumerate(losses)]


def _gd(w, b, X, y, lr, steps, *, accumulate=False, scale=1.0):
    """Full-batch gradient descent on the MSE, in float64 (optionally with the mistakes named in the hints)."""
    w, b, X, y = w.double(), b.double(), X.double(), y.double()
    gw_sum, gb_sum = torch.zeros_like(w), torch.zeros_like(b)
    for _ in range(steps):
        r = X @ w.T + b - y
        gw, gb = scale * 2 * r.T @ X / len(X), scale * 2 * r.sum(0) / len(X)
        if accumulate:
            gw_sum, gb_sum = gw_sum + gw, gb_sum + gb
            gw, gb = gw_sum, gb_sum
        w, b = w - lr * gw, b - lr * gb
    return w, b


def _matches(w, b, expected):
    return bool(torch.allclose(w.double(), expected[0], rtol=1e-4, atol=1e-6)
                and torch.allclose(b.double(), expected[1], rtol=1e-4, atol=1e-6))


@exercise("train_concise", points=1)
def test_exact_sgd_steps_on_the_mse(sub, rng):
    """with one minibatch per epoch, takes exactly num_epochs gradient steps of size lr on the MSE, in place"""
    n, lr, epochs = 50, 0.1, 2
    _, _, X, y = _problem(rng, n, d=3)
    call = f"train_concise(net, features, labels, lr={lr}, num_epochs={epochs}, batch_size={n})"
    start, after, _ = _train(sub, X, y, lr=lr, num_epochs=epochs, batch_size=n)
    w0, b0 = start["0.weight"], start["0.bias"]
    w, b = after["0.weight"], after["0.bias"]
    expected = _gd(w0, b0, X, y, lr, epochs)
    if _matches(w, b, expected):
        return
    hint = f"each minibatch: {LOOP}"
    if torch.equal(w, w0) and torch.equal(b, b0):
        hint = ("the network's parameters did not change: call trainer.step() after l.backward(), and train the "
                "network you were given (torch.optim.SGD(net.parameters(), lr=lr)), not a copy or a new one")
    elif _matches(w, b, _gd(w0, b0, X, y, lr, epochs, accumulate=True)):
        hint = ("the second step used the sum of both epochs' gradients: call trainer.zero_grad() before "
                "l.backward() in every iteration, or the gradients accumulate")
    elif _matches(w, b, _gd(w0, b0, X, y, 0.03, epochs)):
        hint = "the steps are those of lr=0.03: pass the lr argument to torch.optim.SGD(net.parameters(), lr=lr)"
    elif _matches(w, b, _gd(w0, b0, X, y, lr, epochs, scale=n)):
        hint = ("the steps are batch_size times too large: the loss is nn.MSELoss(), the mean over the minibatch, "
                "not the sum")
    elif _matches(w, b, _gd(w0, b0, X, y, lr, epochs, scale=0.5)):
        hint = "the steps are half as large as expected: the loss is nn.MSELoss(), without a factor 1/2"
    elif _matches(w, b, _gd(w0, b0, X, y, lr, 1)) or _matches(w, b, _gd(w0, b0, X, y, lr, 3)):
        hint = f"the number of steps is wrong: run num_epochs epochs over load_array(...) and {LOOP}"
    expect_close(torch.cat([w.reshape(-1), b.reshape(-1)]), torch.cat([e.reshape(-1) for e in expected]),
                 f"net[0].weight and net[0].bias after {call}", rtol=1e-4, atol=1e-6, hint=hint)


@exercise("train_concise", points=1)
def test_converges_to_the_true_parameters(sub, rng):
    """with the defaults (lr 0.03, 3 epochs, batch size 10), recovers w and b of 1000 noisy examples within 0.02"""
    true_w, true_b, X, y = _problem(rng, 1000)
    _, after, _ = _train(sub, X, y)
    hint = f"each minibatch: {LOOP}; use the default arguments lr=0.03, num_epochs=3, batch_size=10"
    expect_close(after["0.weight"].reshape(-1), true_w, "the trained net[0].weight", atol=0.02, rtol=0, hint=hint)
    expect_close(after["0.bias"].reshape(-1), torch.tensor([true_b]), "the trained net[0].bias", atol=0.02, rtol=0,
                 hint=hint)


@exercise("train_concise", points=1)
def test_one_decreasing_loss_per_epoch(sub, ref, rng):
    """records one loss per epoch, as Python floats, decreasing to the noise floor"""
    *_, X, y = _problem(rng, 500)
    call = "train_concise(net, features, labels, num_epochs=4)"
    start, _, losses = _train(sub, X, y, num_epochs=4)

    def reference():  # from the same starting weights, for the feedback's plot
        net = ref.linear_net(X.shape[1])
        net.load_state_dict(start)
        return ref.train_concise(net, X, y, num_epochs=4)

    record_curve(call, losses, reference_curve(reference, start, X, y))
    losses = expect_losses(losses, call, 4, hint="append float(loss) for each epoch")
    expect_decreasing(losses, below=1e-3, floor="about 1e-4 (the noise floor)")


@exercise("train_concise", points=1)
def test_losses_are_the_mse_over_all_the_data(sub, rng):
    """each recorded loss is the MSE of the network over all the data"""
    *_, X, y = _problem(rng, 200)
    call = "train_concise(net, features, labels, lr=0.003, num_epochs=1)"
    _, after, losses = _train(sub, X, y, lr=0.003, num_epochs=1)
    losses = _floats(losses, call)
    expect(len(losses) == 1, f"train_concise(..., num_epochs=1) returned {len(losses)} losses")
    w, b = after["0.weight"].double(), after["0.bias"].double()
    expected = float(((X.double() @ w.T + b - y.double()) ** 2).mean())
    hint = ("after each epoch, append float(loss(net(features), labels)) with loss = nn.MSELoss(): the mean over "
            "all the data, not the last minibatch's loss")
    expect_close(torch.tensor(losses[-1]), torch.tensor(expected), "the recorded loss for the trained network",
                 rtol=1e-4, atol=1e-8, hint=hint)

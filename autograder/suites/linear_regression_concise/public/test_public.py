"""Public checks a student may run (`python -m autograder check linear_regression_concise`): shapes, known
values and properties, no reference solution. The hidden grading suite checks more."""

import numpy as np
import torch

from autograder.checks import expect, expect_close, expect_figure, expect_float, expect_sequence, expect_tensor
from autograder.plugin import exercise
from autograder.suites.linear_regression_concise import unless_shipped_bug


@exercise("load_array", points=1)
def test_load_array_batches_in_order_when_not_training(sub):
    """load_array((X, y), 4, is_train=False) gives [X, y] minibatches of 4, 4 and 2 rows, in order"""
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10.0).reshape(10, 1)
    loader = sub.new("load_array", (X, y), 4, is_train=False)
    expect(loader.type_name == "DataLoader", f"load_array returned a {loader.type_name}, expected a DataLoader")
    batches = expect_sequence(list(loader.items()), "the minibatches")
    sizes = [len(expect_sequence(b, "a minibatch", length=2)[0]) for b in batches]
    expect(sizes == [4, 4, 2], f"the minibatches have {sizes} rows, expected [4, 4, 2] (keep the last, smaller one)")
    expect_close(torch.cat([b[0] for b in batches]), X, "the features in minibatch order", rtol=0, atol=0,
                 hint="with is_train=False, do not shuffle: shuffle=is_train")
    expect_close(torch.cat([b[1] for b in batches]), y, "the labels in minibatch order", rtol=0, atol=0)


@exercise("linear_net", points=1)
def test_linear_net_shape_and_bias(sub):
    """linear_net(4) maps (n, 4) to (n, 1) and starts with bias 0"""
    net = sub.new("linear_net", 4)
    state = net.state()["state"]
    expect(sorted(state) == ["0.bias", "0.weight"], f"the parameters are {sorted(state)}: one nn.Linear in an "
           "nn.Sequential gives 0.weight and 0.bias")
    expect_tensor(net(torch.ones(3, 4)), "linear_net(4)(X)", shape=(3, 1))
    expect(float(state["0.bias"].abs().sum()) == 0, "the bias should start at 0: net[0].bias.data.fill_(0)")


@exercise("train_concise", points=1, builds_on=("load_array", "linear_net"))
def test_train_concise_decreasing_losses(sub):
    """returns num_epochs float losses that decrease on y = 2 x1 - 3.4 x2 + 4.2 (the book's data)"""
    g = torch.Generator().manual_seed(0)
    X = torch.normal(0, 1, (300, 2), generator=g)
    y = (X @ torch.tensor([2, -3.4]) + 4.2).reshape(-1, 1)
    losses = expect_sequence(sub.call("train_concise", sub.new("linear_net", 2), X, y, num_epochs=3),
                             "train_concise(net, X, y, num_epochs=3)", length=3, hint="one float loss per epoch")
    losses = [expect_float(v, f"losses[{i}]") for i, v in enumerate(losses)]
    expect(losses[-1] < losses[0] and losses[-1] < 1e-2,
           f"the losses {[round(v, 5) for v in losses]} should decrease to nearly 0: in every minibatch "
           "trainer.zero_grad(); l.backward(); trainer.step()")


@exercise("Net", points=1)
def test_net_forward_is_its_linear_layer(sub):
    """Net(2, 3)(X) equals X @ predict.weight.T + predict.bias"""
    net = sub.new("Net", 2, 3)
    state = net.state()["state"]
    expect(sorted(state) == ["predict.bias", "predict.weight"], f"Net's parameters are {sorted(state)}: keep "
           "self.predict = nn.Linear(n_input, n_output)")
    X = torch.tensor([[1.0, 2.0], [-1.0, 0.5]])
    with unless_shipped_bug():
        out = net(X)
    expect_close(expect_tensor(out, "Net(2, 3)(X)", shape=(2, 3)), X @ state["predict.weight"].T +
                 state["predict.bias"], "Net(2, 3)(X)", rtol=1e-5, atol=1e-6, hint="return self.predict(input)")


@exercise("cubic_data", points=1)
def test_cubic_data_shapes_and_grid(sub):
    """cubic_data(5) gives X = [-1, -0.5, 0, 0.5, 1] as a column and y of the same shape"""
    pair = expect_sequence(sub.call("cubic_data", 5), "cubic_data(5)", length=2, hint="return X, y")
    X = expect_tensor(pair[0], "X", shape=(5, 1), hint="torch.linspace(-1, 1, size).reshape(size, 1)")
    expect_tensor(pair[1], "y", shape=(5, 1), hint="y = X**3 + torch.randn(size, 1) / 10")
    expect_close(X, torch.tensor([[-1.0], [-0.5], [0.0], [0.5], [1.0]]), "X", rtol=0, atol=1e-6)


@exercise("mlp", points=1)
def test_mlp_layers(sub):
    """mlp() is Linear(1, 8), ReLU, Linear(8, 8), Tanh, Linear(8, 1)"""
    expected = ["Linear", "ReLU", "Linear", "Tanh", "Linear"]
    net = sub.new("mlp")
    children = net.state()["children"]
    expect(children == expected, f"mlp() has the layers {children}, expected {expected}")
    expect_tensor(net(torch.zeros(4, 1)), "mlp()(X)", shape=(4, 1))


@exercise("plot_fit", points=1, builds_on=("linear_net",))
def test_plot_fit_has_a_scatter_and_a_red_line(sub):
    """plot_fit draws a scatter of the data and one red line"""
    X = torch.linspace(-1, 1, 10).reshape(10, 1)
    fig = expect_figure(sub.call("plot_fit", sub.new("linear_net", 1), X, X**3), "plot_fit(net, X, y)")
    ax = fig.axes[0]
    expect(any(s.shape == (10, 2) and np.allclose(s[:, 0], X.numpy().reshape(-1)) for s in ax.scatters),
           "the figure has no scatter of the 10 data points: ax.scatter(features, labels)")
    expect(any(ln.color == "#ff0000" for ln in ax.lines), "the figure has no red line: ax.plot(features, "
           "net(features).detach(), 'r-', lw=5)")

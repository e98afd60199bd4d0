"""Self-check: the lecture's known values, shapes and properties (no reference solution needed).

Run with `python -m autograder check gradient_descent [PATH]`. Passing these does not
guarantee full marks: the grading suite also uses random data, other arguments and
gradients.
"""

import numpy as np
import torch

from autograder.checks import expect, expect_close, expect_figure, expect_float, expect_sequence, expect_tensor
from autograder.plugin import exercise
from autograder.suites.gradient_descent import XS, YS, expect_floats


@exercise("forward", points=1)
def test_forward(sub):
    """forward(4.0, 2.0) is 8.0, the lecture's prediction for x = 4 after training"""
    got = expect_float(sub.call("forward", 4.0, 2.0), "forward(4.0, 2.0)")
    expect(got == 8.0, f"forward(4.0, 2.0) returned {got:g}, expected x * w = 8")


@exercise("loss", points=1, builds_on=("forward",))
def test_loss(sub):
    """loss(3.0, 6.0, 1.0) is (3 - 6) ** 2 = 9, and 0 at w = 2"""
    got = expect_float(sub.call("loss", 3.0, 6.0, 1.0), "loss(3.0, 6.0, 1.0)")
    expect(got == 9.0, f"loss(3.0, 6.0, 1.0) returned {got:g}, expected (3 * 1 - 6) ** 2 = 9")
    got = expect_float(sub.call("loss", 3.0, 6.0, 2.0), "loss(3.0, 6.0, 2.0)")
    expect(got == 0.0, f"loss(3.0, 6.0, 2.0) returned {got:g}, expected 0")


@exercise("cost", points=1, builds_on=("forward", "loss"))
def test_cost(sub):
    """cost(x_data, y_data, 1.0) is (1 + 4 + 9) / 3 = 14 / 3, and 0 at w = 2"""
    got = expect_float(sub.call("cost", XS, YS, 1.0), "cost(x_data, y_data, 1.0)")
    expect_close(got, 14 / 3, "cost(x_data, y_data, 1.0)", hint="the mean of the three losses 1, 4 and 9")
    got = expect_float(sub.call("cost", XS, YS, 2.0), "cost(x_data, y_data, 2.0)")
    expect_close(got, 0.0, "cost(x_data, y_data, 2.0)")


@exercise("grid_search", points=1, builds_on=("forward", "loss", "cost"))
def test_grid_search(sub):
    """on np.arange(0.0, 4.1, 0.1), finds w = 2 and returns 41 costs"""
    ws = np.arange(0.0, 4.1, 0.1)
    result = expect_sequence(sub.call("grid_search", XS, YS, ws), "grid_search(x_data, y_data, ws)", length=2,
                             hint="return best_w, costs")
    best = expect_float(result[0], "best_w")
    costs = expect_floats(result[1], "costs", length=41)
    expect(abs(best - 2.0) < 1e-9, f"best_w is {best:g}, expected 2.0")
    expect_close(costs[0], 14 / 3 * 4, "costs[0] (w = 0.0)")


@exercise("plot_cost", points=1)
def test_plot_cost(sub):
    """draws one line and labels the axes 'w' and 'cost'"""
    ws, costs = [0.0, 1.0, 2.0, 3.0, 4.0], [18.67, 4.67, 0.0, 4.67, 18.67]
    fig = expect_figure(sub.call("plot_cost", ws, costs), "plot_cost(ws, costs)")
    ax = fig.axes[0]
    expect(len(ax.lines) == 1, f"the plot has {len(ax.lines)} lines, expected one")
    expect(list(ax.lines[0].x) == ws and list(ax.lines[0].y) == costs, "the line should be costs against ws")
    expect((ax.xlabel, ax.ylabel) == ("w", "cost"), f"the axis labels are {ax.xlabel!r} and {ax.ylabel!r}, "
           "expected 'w' and 'cost'")


@exercise("gradient", points=1, builds_on=("forward",))
def test_gradient(sub):
    """gradient(x_data, y_data, 1.0) is the mean of -2, -8 and -18, i.e. -28 / 3; 0 at w = 2"""
    got = expect_float(sub.call("gradient", XS, YS, 1.0), "gradient(x_data, y_data, 1.0)")
    expect_close(got, -28 / 3, "gradient(x_data, y_data, 1.0)", hint="the mean of 2 * x * (x * w - y)")
    got = expect_float(sub.call("gradient", XS, YS, 2.0), "gradient(x_data, y_data, 2.0)")
    expect_close(got, 0.0, "gradient(x_data, y_data, 2.0)")


def _train(sub, name):
    result = expect_sequence(sub.call(name, XS, YS), f"{name}(x_data, y_data)", length=2)
    w = expect_float(result[0], "w")
    values = expect_floats(result[1], "the recorded values", length=100, hint="one per epoch (epochs=100)")
    return w, values


@exercise("gradient_descent", points=1, builds_on=("forward", "loss", "cost", "gradient"))
def test_gradient_descent(sub):
    """with the defaults, costs[0] is 14 / 3, the costs decrease and w ends close to 2"""
    w, costs = _train(sub, "gradient_descent")
    expect_close(costs[0], 14 / 3, "costs[0]", hint="the cost of the starting w = 1.0, before the first update")
    expect(all(b < a for a, b in zip(costs, costs[1:])), "the costs should decrease at every epoch")
    expect(abs(w - 2) < 1e-3, f"w ends at {w:.6g}, expected within 0.001 of 2")


@exercise("stochastic_gradient_descent", points=1, builds_on=("forward", "loss", "cost", "gradient"))
def test_stochastic_gradient_descent(sub):
    """with the defaults, w ends close to 2 and the losses shrink"""
    w, losses = _train(sub, "stochastic_gradient_descent")
    expect(abs(w - 2) < 1e-3, f"w ends at {w:.6g}, expected within 0.001 of 2")
    expect(losses[-1] < losses[0], "the last loss should be smaller than the first")


@exercise("ema", points=1)
def test_ema(sub):
    """ema([0, 10, 10]) is [0, 1, 1.9]; ema([4, 0], beta=0.5) is [4, 2]"""
    got = expect_floats(sub.call("ema", [0.0, 10.0, 10.0]), "ema([0.0, 10.0, 10.0])", length=3)
    expect_close(torch.tensor(got), torch.tensor([0.0, 1.0, 1.9]), "ema([0.0, 10.0, 10.0])",
                 hint="v[0] = values[0], v[t] = 0.9 * v[t-1] + 0.1 * values[t]")
    got = expect_floats(sub.call("ema", [4.0, 0.0], 0.5), "ema([4.0, 0.0], 0.5)", length=2)
    expect_close(torch.tensor(got), torch.tensor([4.0, 2.0]), "ema([4.0, 0.0], 0.5)")


@exercise("backprop_train", points=1, builds_on=("forward", "loss"))
def test_backprop_train(sub):
    """with the defaults, returns a float w close to 2 and 100 float losses"""
    result = expect_sequence(sub.call("backprop_train", XS, YS), "backprop_train(x_data, y_data)", length=2)
    expect(isinstance(result[0], float), "return w as a Python float: w.item()")
    w = expect_float(result[0], "w")
    expect_floats(result[1], "losses", length=100, hint="append l.item() once per epoch")
    expect(abs(w - 2) < 1e-3, f"w ends at {w:.6g}, expected within 0.001 of 2")


@exercise("LinearModel", points=1)
def test_linear_model(sub):
    """holds self.linear = nn.Linear(1, 1) and maps (3, 1) inputs to (3, 1) outputs"""
    model = sub.new("LinearModel")
    state = model.state()["state"]
    expect(sorted(state) == ["linear.bias", "linear.weight"], f"the parameters are {sorted(state)}, expected "
           "linear.weight and linear.bias: self.linear = nn.Linear(1, 1)")
    expect_tensor(model(torch.tensor(XS).reshape(-1, 1)), "model(x_data)", shape=(3, 1))


@exercise("train_linear_model", points=1, builds_on=("LinearModel",))
def test_train_linear_model(sub):
    """with the defaults on the lecture's data, returns 1000 decreasing losses and learns w close to 2, b close to 0"""
    model = sub.new("LinearModel")
    x, y = torch.tensor(XS).reshape(-1, 1), torch.tensor(YS).reshape(-1, 1)
    losses = expect_floats(sub.call("train_linear_model", model, x, y), "the losses", length=1000)
    expect(losses[-1] < losses[0], "the losses should decrease")
    state = model.state()["state"]
    w, b = float(state["linear.weight"]), float(state["linear.bias"])
    expect(abs(w - 2) < 0.05 and abs(b) < 0.1, f"after training, w = {w:.4g} and b = {b:.4g}; expected w close "
           "to 2 and b close to 0")

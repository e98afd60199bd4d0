"""Public checks a student may run (`python -m autograder check logistic_regression`): known values,
shapes and properties, no reference solution. The hidden grading suite checks more."""

import math

import numpy as np
import torch

from autograder.checks import expect, expect_close, expect_figure, expect_float, expect_sequence, expect_tensor
from autograder.plugin import exercise

HOURS = torch.tensor([[1.0], [2.0], [3.0]])
PASSED = torch.tensor([[0.0], [0.0], [1.0]])


@exercise("sigmoid", points=1)
def test_sigmoid_known_values(sub):
    """sigmoid(0) = 0.5, sigmoid(-z) = 1 - sigmoid(z), and the shape is kept"""
    z = torch.tensor([[0.0, 1.0, -1.0], [2.0, -3.0, 4.0]])
    got = expect_tensor(sub.call("sigmoid", z), "sigmoid(z)", shape=(2, 3))
    expected = torch.tensor([[0.5, 1 / (1 + math.exp(-1)), 1 / (1 + math.exp(1))],
                             [1 / (1 + math.exp(-2)), 1 / (1 + math.exp(3)), 1 / (1 + math.exp(-4))]])
    expect_close(got, expected, "sigmoid(z)", rtol=1e-5, atol=1e-7, hint="sigmoid(z) = 1 / (1 + torch.exp(-z))")


@exercise("sigmoid", points=1)
def test_sigmoid_large_inputs(sub):
    """sigmoid(-1000) = 0 and sigmoid(1000) = 1, with no nan"""
    got = expect_tensor(sub.call("sigmoid", torch.tensor([-1000.0, 1000.0])), "sigmoid([-1000., 1000.])", shape=(2,))
    expect_close(got, torch.tensor([0.0, 1.0]), "sigmoid([-1000., 1000.])", rtol=0, atol=1e-7,
                 hint="exp overflows to inf for large arguments, and inf / inf is nan: use 1 / (1 + torch.exp(-z))")


@exercise("binary_cross_entropy", points=1)
def test_bce_known_values(sub):
    """a prediction of 0.5 costs log 2; a confident right one costs 0, a confident wrong one 100"""
    half = sub.call("binary_cross_entropy", torch.full((4, 1), 0.5), torch.tensor([[0.0], [1.0], [1.0], [0.0]]))
    expect_close(expect_tensor(half, "binary_cross_entropy(0.5s, y)").reshape(()), torch.tensor(math.log(2)),
                 "binary_cross_entropy of predictions 0.5", rtol=1e-5, atol=1e-6,
                 hint="BCE = -mean(y * log(y_hat) + (1 - y) * log(1 - y_hat))")
    right = sub.call("binary_cross_entropy", torch.tensor([[0.0], [1.0]]), torch.tensor([0.0, 1.0]))
    expect_close(expect_tensor(right, "binary_cross_entropy([[0.], [1.]], [0., 1.])").reshape(()), torch.tensor(0.0),
                 "binary_cross_entropy of perfect predictions", rtol=0, atol=1e-6,
                 hint="clamp each log at -100 (0 * -inf is nan), and reshape y to y_hat's shape")
    wrong = sub.call("binary_cross_entropy", torch.tensor([[0.0], [1.0]]), torch.tensor([1.0, 0.0]))
    expect_close(expect_tensor(wrong, "binary_cross_entropy([[0.], [1.]], [1., 0.])").reshape(()),
                 torch.tensor(100.0), "binary_cross_entropy of completely wrong predictions", rtol=1e-5, atol=1e-4,
                 hint="clamp each log at -100 like nn.BCELoss: torch.clamp(torch.log(y_hat), min=-100)")


@exercise("LogisticRegressionModel", points=1, builds_on=("sigmoid",))
def test_model_outputs_probabilities(sub):
    """has a Linear(num_inputs, 1) named `linear` and outputs (n, 1) probabilities"""
    model = sub.new("LogisticRegressionModel", 2)
    state = model.state()["state"]
    expect(sorted(state) == ["linear.bias", "linear.weight"],
           f"the model's parameters are {sorted(state)}: create self.linear = nn.Linear(num_inputs, 1)")
    expect(tuple(state["linear.weight"].shape) == (1, 2), "LogisticRegressionModel(2).linear.weight should be (1, 2)")
    x = torch.tensor([[100.0, 0.0], [-100.0, 0.0], [0.0, 100.0], [0.0, -100.0], [0.5, -0.5]])
    out = expect_tensor(model(x), "model(x)", shape=(5, 1))
    expect(bool(((out >= 0) & (out <= 1)).all()), "model(x) should be probabilities in [0, 1]: apply the sigmoid")


@exercise("train_logistic", points=1, builds_on=("LogisticRegressionModel", "sigmoid", "binary_cross_entropy"))
def test_train_on_the_lecture_data(sub):
    """returns one float loss per epoch, and the loss decreases"""
    model = sub.new("LogisticRegressionModel")
    losses = expect_sequence(sub.call("train_logistic", model, HOURS, PASSED, lr=0.05, epochs=200),
                             "train_logistic(model, x, y, lr=0.05, epochs=200)", length=200,
                             hint="record one loss (loss.item()) per epoch")
    losses = [expect_float(v, f"losses[{i}]") for i, v in enumerate(losses)]
    expect(losses[-1] < losses[0], f"the loss went from {losses[0]:.4g} to {losses[-1]:.4g}: it should decrease "
           "(optimizer.zero_grad(); loss.backward(); optimizer.step() in every epoch)")


@exercise("predict", points=1, builds_on=("LogisticRegressionModel", "sigmoid"))
def test_predict_matches_the_probabilities(sub):
    """labels are 1. where model(x) >= threshold and 0. elsewhere, as floats"""
    model = sub.new("LogisticRegressionModel")
    x = torch.linspace(-20, 20, 41).reshape(-1, 1)
    probs = expect_tensor(model(x), "the lecture model's output")
    for threshold in (0.5, 0.3):
        got = expect_tensor(sub.call("predict", model, x, threshold), f"predict(model, x, {threshold})", shape=(41, 1))
        expect(got.is_floating_point(), "predict should return float labels 0. and 1.: use .float()")
        expect(torch.equal(got.float(), (probs.detach() >= threshold).float()),
               f"predict(model, x, {threshold}) does not match (model(x) >= {threshold}).float()")


@exercise("plot_probability", points=1, builds_on=("LogisticRegressionModel", "sigmoid"))
def test_plot_lines_and_labels(sub):
    """draws 200 points over 0..10, a line at 0.5, and labels the axes"""
    model = sub.new("LogisticRegressionModel")
    fig = expect_figure(sub.call("plot_probability", model), "plot_probability(model)")
    ax = next((a for a in fig.axes if a.lines), fig.axes[0])
    expect(any(len(ln.x) == 200 and np.allclose(ln.x, np.linspace(0, 10, 200)) for ln in ax.lines),
           "no curve of 200 points over np.linspace(0, 10, 200)")
    expect(any(len(ln.y) >= 2 and np.allclose(ln.y, 0.5) for ln in ax.lines), "no horizontal line at 0.5")
    expect(ax.xlabel == "Hours" and ax.ylabel == "Probability of Pass",
           f"the labels are {ax.xlabel!r} and {ax.ylabel!r}, expected 'Hours' and 'Probability of Pass'")

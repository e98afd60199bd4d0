"""LogisticRegressionModel: a Linear(num_inputs, 1) named `linear`, forward = sigmoid(linear(x)), differentiable.

The lecture's sigmoid is substituted for the student's, in case forward calls it, so a bug
in `sigmoid` costs only that exercise.
"""

import torch

from autograder.checks import expect, expect_close, expect_gradients, expect_tensor
from autograder.plugin import exercise
from autograder.suites.logistic_regression.textbook import FOR_MODEL

LINEAR = "in __init__, call super().__init__() and then create self.linear = nn.Linear(num_inputs, 1)"
FORWARD = "forward returns the probability torch.sigmoid(self.linear(x))"


def _model(sub, num_inputs: int):
    sub.substitute(FOR_MODEL)
    model = sub.new("LogisticRegressionModel", num_inputs)
    state = model.state()["state"]
    weight, bias = state.get("linear.weight"), state.get("linear.bias")
    expect(weight is not None and bias is not None,
           f"LogisticRegressionModel({num_inputs}) has parameters {sorted(state)}, expected linear.weight and "
           f"linear.bias: {LINEAR}")
    return model, state


@exercise("LogisticRegressionModel", points=1)
def test_structure(sub):
    """holds one nn.Linear(num_inputs, 1) named `linear`"""
    for num_inputs in (1, 3):
        model, state = _model(sub, num_inputs)
        children = model.state()["children"]
        expect(children.count("Linear") == 1, f"LogisticRegressionModel({num_inputs}) holds the submodules "
               f"{children}, expected exactly one Linear: {LINEAR}")
        expect(sorted(state) == ["linear.bias", "linear.weight"],
               f"LogisticRegressionModel({num_inputs}) has the parameters {sorted(state)}, expected only "
               f"linear.weight and linear.bias: {LINEAR}")
        expect(tuple(state["linear.weight"].shape) == (1, num_inputs),
               f"LogisticRegressionModel({num_inputs}).linear.weight has shape {tuple(state['linear.weight'].shape)}, "
               f"expected (1, {num_inputs}): use the num_inputs argument, nn.Linear(num_inputs, 1)")
        expect(tuple(state["linear.bias"].shape) == (1,),
               f"LogisticRegressionModel({num_inputs}).linear.bias has shape {tuple(state['linear.bias'].shape)}, "
               "expected (1,): one output, nn.Linear(num_inputs, 1)")
    default = sub.new("LogisticRegressionModel").state()["state"].get("linear.weight")
    expect(default is not None and tuple(default.shape) == (1, 1),
           "LogisticRegressionModel() should have one input by default (the hours): def __init__(self, num_inputs=1)")
    _require_the_forward(model, state)


def _require_the_forward(model, state) -> None:
    """A facet (the layers it holds) earns its point only where the model it describes computes what it should."""
    x = torch.linspace(-2, 2, 6 * 3).reshape(6, 3)
    expected = torch.sigmoid(x @ state["linear.weight"].T + state["linear.bias"])
    got = model(x)
    expect(isinstance(got, torch.Tensor) and tuple(got.shape) == (6, 1)
           and torch.allclose(got.detach().double(), expected.double(), rtol=1e-5, atol=1e-6),
           f"model(x) is not sigmoid(self.linear(x)), so the layers it holds cannot count yet: {FORWARD}")


@exercise("LogisticRegressionModel", points=1)
def test_forward_gives_probabilities(sub, rng):
    """forward(x) is sigmoid(x @ W^T + b), of shape (n, 1)"""
    model, state = _model(sub, 3)
    x = torch.randn(11, 3, generator=rng) * 3
    got = expect_tensor(model(x), "model(x)", shape=(11, 1), hint=FORWARD)
    logits = x @ state["linear.weight"].T + state["linear.bias"]
    expected = torch.sigmoid(logits)
    hint = FORWARD
    g = got.detach()
    if g.min() < 0 or g.max() > 1:
        hint = f"model(x) is not a probability (values outside [0, 1]): apply the sigmoid, {FORWARD}"
    elif torch.allclose(g, torch.sigmoid(expected), rtol=1e-4, atol=1e-6):
        hint = f"the sigmoid is applied twice: {FORWARD}, once"
    expect_close(got, expected, "model(x)", rtol=1e-5, atol=1e-6, hint=hint)


@exercise("LogisticRegressionModel", points=1)
def test_forward_is_differentiable(sub, rng):
    """gradients flow from the output back to the input"""
    model, state = _model(sub, 2)
    x = (torch.randn(7, 2, generator=rng, dtype=torch.float32) * 2).requires_grad_()
    run = model.run(None, x, backward=True)
    expect_tensor(run.value, "model(x)", shape=(7, 1), hint=FORWARD)
    expect_gradients(run, lambda x: torch.sigmoid(x @ state["linear.weight"].T + state["linear.bias"]), (x,),
                     ("x",), "model(x)", rtol=1e-4, atol=1e-6, hint=FORWARD)

"""LinearModel: an nn.Module holding self.linear = nn.Linear(1, 1), whose forward applies it."""

import torch

from autograder.checks import expect, expect_close, expect_tensor
from autograder.plugin import exercise

LAYER = "in __init__, call super().__init__() and then create self.linear = nn.Linear(1, 1)"


def _state(sub):
    model = sub.new("LinearModel")
    expect(model.type_name == "LinearModel", f"LinearModel() made a {model.type_name}")
    info = model.state()
    return model, info["state"], info["children"]


@exercise("LinearModel", points=1)
def test_holds_one_linear_layer(sub):
    """holds one nn.Linear(1, 1) named `linear`: a (1, 1) weight and a (1,) bias"""
    model, state, children = _state(sub)
    expect(children == ["Linear"], f"LinearModel's submodules are {children}, expected one Linear: {LAYER}")
    expect("linear.weight" in state, f"LinearModel's parameters are named {sorted(state)}: name the layer "
           f"self.linear; {LAYER}")
    expect("linear.bias" in state, "self.linear has no bias: use nn.Linear(1, 1), without bias=False (the "
           "model is y = w x + b)")
    expect(tuple(state["linear.weight"].shape) == (1, 1),
           f"self.linear.weight has shape {tuple(state['linear.weight'].shape)}, expected (1, 1): one input "
           "feature and one output, nn.Linear(1, 1)")
    # A facet: the layer it holds counts only where the model computes with it.
    x = torch.linspace(-2, 2, 5).reshape(5, 1)
    got = model(x)
    expected = x @ state["linear.weight"].T + state["linear.bias"]
    expect(isinstance(got, torch.Tensor) and tuple(got.shape) == (5, 1)
           and torch.allclose(got.detach().double(), expected.double(), rtol=1e-5, atol=1e-6),
           "model(x) is not self.linear(x), so the layer it holds cannot count yet: forward returns self.linear(x)")


@exercise("LinearModel", points=1)
def test_forward_applies_the_layer(sub, rng):
    """forward(x) returns self.linear(x), of shape (n, 1) for x of shape (n, 1)"""
    model, state, _ = _state(sub)
    x = torch.randn(5, 1, generator=rng)
    out = expect_tensor(model(x), "model(x) for x of shape (5, 1)", shape=(5, 1),
                        hint="forward returns self.linear(x), one prediction per row of x")
    expect(out.grad_fn_name is not None, "model(x) is not connected to autograd: return self.linear(x) without "
           ".detach(), .item() or torch.tensor(...)")
    weight = state.get("linear.weight", torch.ones(1, 1))
    bias = state.get("linear.bias", torch.zeros(1))
    expected = x @ weight.reshape(1, 1).T + bias.reshape(-1)
    expect_close(out, expected, "model(x)", rtol=1e-5, atol=1e-6,
                 hint="forward must return self.linear(x), using the layer created in __init__ "
                      "(not a new nn.Linear made in forward)")

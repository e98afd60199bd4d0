"""Net (fix the bug): forward applies self.predict to its input; values and gradients through the layer."""

import torch

from autograder.checks import expect, expect_close, expect_tensor
from autograder.plugin import exercise
from autograder.suites.linear_regression_concise import unless_shipped_bug

FIX = "forward should return self.predict(input)"


def _net(sub, n_input, n_output):
    net = sub.new("Net", n_input, n_output)
    info = net.state()
    state = info["state"]
    expect(sorted(state) == ["predict.bias", "predict.weight"] and info["children"] == ["Linear"],
           f"Net({n_input}, {n_output}) holds the parameters {sorted(state)}, expected predict.weight and "
           "predict.bias: keep `self.predict = nn.Linear(n_input, n_output)` in __init__")
    expect_tensor(state["predict.weight"], "net.predict.weight", shape=(n_output, n_input),
                  hint="self.predict = nn.Linear(n_input, n_output)")
    return net, state["predict.weight"], state["predict.bias"]


@exercise("Net", points=1)
def test_forward_applies_the_linear_layer(sub, rng):
    """Net(3, 2)(X) is X @ W.T + b of shape (n, 2), with W and b of its `predict` layer"""
    net, W, b = _net(sub, 3, 2)
    X = torch.randn(5, 3, generator=rng)
    with unless_shipped_bug():
        out = net(X)
    out = expect_tensor(out, "Net(3, 2)(X)", shape=(5, 2), hint=FIX)
    expect_close(out, X @ W.T + b, "Net(3, 2)(X)", rtol=1e-5, atol=1e-6, hint=f"{FIX}, with nothing added")


@exercise("Net", points=1)
def test_gradients_flow_through_the_layer(sub, rng):
    """the gradients of sum(Net(4, 1)(X)) reach X and the layer's weight and bias"""
    net, W, _ = _net(sub, 4, 1)
    X = torch.randn(6, 4, generator=rng, dtype=torch.float32).requires_grad_()
    with unless_shipped_bug():
        run = net.run(None, X, backward=True)
    out = expect_tensor(run.value, "Net(4, 1)(X)", shape=(6, 1), hint=FIX)
    expect(out.grad_fn_name is not None, "the output of Net is not connected to autograd: return the layer's "
           "output itself (no .detach(), .data or torch.tensor(...))")
    after = run.args[0]
    expect(after.grad is not None, f"no gradient reached the input X: {FIX}")
    expect_close(after.grad, torch.ones(6, 1) @ W, "the gradient of sum(Net(4, 1)(X)) with respect to X",
                 rtol=1e-5, atol=1e-6, hint=FIX)
    layer = sub.hold(net.get("predict"), "net.predict")
    weight, bias = layer.get("weight"), layer.get("bias")
    expect(weight.grad is not None and bias.grad is not None,
           f"no gradient reached self.predict's weight and bias: {FIX}")
    expect_close(weight.grad, X.detach().sum(0, keepdim=True), "the gradient with respect to predict.weight",
                 rtol=1e-5, atol=1e-5, hint=FIX)
    expect_close(bias.grad, torch.tensor([6.0]), "the gradient with respect to predict.bias", rtol=1e-6, atol=1e-6,
                 hint=FIX)

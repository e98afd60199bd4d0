"""linear_net: one nn.Linear(num_inputs, 1) in an nn.Sequential, weight ~ N(0, 0.01^2), bias 0."""

import torch

from autograder.checks import expect, expect_close, expect_tensor
from autograder.plugin import exercise

BUILD = "net = nn.Sequential(nn.Linear(num_inputs, 1))"


def _state(sub, num_inputs):
    net = sub.new("linear_net", num_inputs)
    expect(net.type_name == "Sequential", f"linear_net({num_inputs}) returned a {net.type_name}, expected an "
           f"nn.Sequential: {BUILD}")
    info = net.state()
    expect(info["children"] == ["Linear"], f"linear_net({num_inputs}) holds the layers {info['children']}, "
           f"expected a single Linear: {BUILD}")
    state = info["state"]
    expect(sorted(state) == ["0.bias", "0.weight"], f"the network's parameters are {sorted(state)}, expected "
           f"0.weight and 0.bias: {BUILD}")
    expect_tensor(state["0.weight"], "net[0].weight", shape=(1, num_inputs),
                  hint=f"nn.Linear(num_inputs, 1) has a (1, num_inputs) weight: {BUILD}")
    expect_tensor(state["0.bias"], "net[0].bias", shape=(1,), hint=BUILD)
    return net, state


@exercise("linear_net", points=1)
def test_one_linear_layer(sub, rng):
    """is an nn.Sequential of one Linear(num_inputs, 1) that maps (n, num_inputs) to X @ w.T + b"""
    net, state = _state(sub, 3)
    X = torch.randn(6, 3, generator=rng)
    out = expect_tensor(net(X), "linear_net(3)(X)", shape=(6, 1))
    expect_close(out, X @ state["0.weight"].T + state["0.bias"], "linear_net(3)(X)", rtol=1e-5, atol=1e-6,
                 hint=f"the network should be just the linear layer: {BUILD}")


@exercise("linear_net", points=1)
def test_initialisation(sub):
    """draws the weights from N(0, 0.01^2) and sets the bias to 0"""
    n = 1000
    _, state = _state(sub, n)
    w = state["0.weight"].double().reshape(-1)
    bias = float(state["0.bias"].reshape(-1)[0])
    expect(bias == 0, f"the bias is {bias:.4g}, expected 0: net[0].bias.data.fill_(0) (nn.Linear starts it at a "
           "random value)")
    std, mean = float(w.std()), float(w.mean())
    if abs(std - 1 / (3 * n) ** 0.5) < 0.002:
        expect(False, f"the {n} weights have standard deviation {std:.4f}, which is nn.Linear's own uniform "
               "initialisation: draw them with net[0].weight.data.normal_(0, 0.01)")
    if std < 0.001:
        expect(False, f"the {n} weights have standard deviation {std:.2g}, expected 0.01: normal_(0, 0.01) takes "
               "the standard deviation, not the variance 0.01**2" if std > 0 else
               "the weights are all equal: draw them with net[0].weight.data.normal_(0, 0.01)")
    expect(0.0085 < std < 0.0115, f"the {n} weights have standard deviation {std:.4f}, expected 0.01: "
           "net[0].weight.data.normal_(0, 0.01)")
    expect(abs(mean) < 0.002, f"the {n} weights have mean {mean:.4f}, expected 0: normal_(0, 0.01) has mean 0")

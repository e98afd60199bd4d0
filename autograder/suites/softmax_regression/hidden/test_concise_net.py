"""concise_net: nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), its weights drawn from N(0, 0.01^2)."""

import torch

from autograder.checks import expect, expect_close, expect_tensor
from autograder.plugin import exercise

INIT = "nn.init.normal_(m.weight, std=0.01) for each nn.Linear m, through net.apply(init_weights)"


def _state(sub):
    net = sub.new("concise_net")
    expect(net.type_name == "Sequential", f"concise_net() returned a {net.type_name}, expected an nn.Sequential")
    state = net.state()
    expect(state["children"] == ["Flatten", "Linear"], f"concise_net() holds the layers {state['children']}, "
           "expected nn.Flatten() then nn.Linear(784, 10)")
    shapes = {k: tuple(v.shape) for k, v in state["state"].items()}
    expect(shapes == {"1.weight": (10, 784), "1.bias": (10,)}, f"concise_net()'s parameters are {shapes}, expected "
           "1.weight (10, 784) and 1.bias (10,): nn.Linear(784, 10)")
    return net, state["state"]


@exercise("concise_net", points=1)
def test_flattens_then_maps_784_pixels_to_10_scores(sub, rng):
    """nn.Flatten() then nn.Linear(784, 10): a batch of (1, 28, 28) images gives (n, 10) scores"""
    net, state = _state(sub)
    X = torch.rand(3, 1, 28, 28, generator=rng)
    got = expect_tensor(net(X), "concise_net()(X) for 3 images", shape=(3, 10))
    expect_close(got, X.reshape(3, -1) @ state["1.weight"].T + state["1.bias"], "concise_net()(X)", rtol=1e-4,
                 atol=1e-5)


@exercise("concise_net", points=1)
def test_weights_drawn_from_a_normal_with_std_0_01(sub):
    """the Linear layer's weights look like draws from N(0, 0.01^2): mean near 0, std near 0.01, bell-shaped"""
    _, state = _state(sub)
    w = state["1.weight"].double().reshape(-1)
    mean, std = float(w.mean()), float(w.std())
    expect(abs(mean) < 0.001 and 0.009 < std < 0.011,
           f"concise_net()'s weights have mean {mean:.3g} and std {std:.3g}, expected about 0 and 0.01: {INIT}")
    within = float(((w - mean).abs() < std).double().mean())
    expect(0.65 < within < 0.72, f"{within:.0%} of concise_net()'s weights are within one std of their mean; a "
           f"normal has 68%: draw them with {INIT}")

"""forward: x * w on numbers and tensors, connected to autograd."""

import torch

from autograder.checks import expect, expect_close, expect_float, expect_gradients, expect_tensor
from autograder.plugin import exercise
from autograder.suites.gradient_descent import uniform


@exercise("forward", points=1)
def test_values(sub, rng):
    """returns x * w for numbers and, elementwise, for a tensor x"""
    for _ in range(3):
        x, w = uniform(rng, -5, 5), uniform(rng, -5, 5)
        got = expect_float(sub.call("forward", x, w), f"forward({x}, {w})", hint="return x * w")
        expect(abs(got - x * w) <= 1e-9 * (1 + abs(x * w)),
               f"forward({x}, {w}) returned {got:.6g}, expected x * w = {x * w:.6g}: the model is y_hat = x * w")
    x = torch.randn(5, generator=rng, dtype=torch.float64)
    w = uniform(rng, -3, 3)
    got = expect_tensor(sub.call("forward", x, w), f"forward(x, {w}) for a tensor x of shape (5,)", shape=(5,),
                        hint="return x * w, which works elementwise on tensors (no float(), no loop over items)")
    expect_close(got, x * w, f"forward(x, {w})", rtol=1e-9, atol=1e-12, hint="return x * w")


@exercise("forward", points=1)
def test_gradient(sub, rng):
    """is differentiable: the gradient of sum(x * w) with respect to a tensor w is sum(x)"""
    x = torch.randn(6, generator=rng, dtype=torch.float64)
    w = torch.randn(1, generator=rng, dtype=torch.float64).requires_grad_()
    run = sub.run("forward", x, w, backward=True)
    expect_tensor(run.value, "forward(x, w) for tensors x (6,) and w (1,)", shape=(6,), hint="return x * w")
    expect_gradients(run, lambda x, w: x * w, (x, w), "xw", "forward(x, w)", rtol=1e-9, atol=1e-12,
                     hint="forward must return x * w")

"""sigmoid: values against the reference, no overflow for |z| up to 1000, autograd gradients."""

import torch

from autograder.checks import expect, expect_close, expect_gradients, expect_tensor
from autograder.plugin import exercise

FORMULA = "sigmoid(z) = 1 / (1 + torch.exp(-z))"
OVERFLOW = ("for large |z| torch.exp overflows to inf, and inf / inf (or inf - inf) is nan: write it as "
            "1 / (1 + torch.exp(-z)), where an overflow only gives the harmless 1 / inf = 0, or split on the sign "
            "of z, or use torch.sigmoid")


def _values_hint(got: torch.Tensor, z: torch.Tensor, expected: torch.Tensor) -> str:
    g, z, e = got.detach().double(), z.double(), expected.double()
    if g.shape != e.shape or not torch.isfinite(g).all():
        return FORMULA
    if torch.allclose(g, 1 - e, rtol=1e-4, atol=1e-6):
        return f"you computed sigmoid(-z), a sign error: {FORMULA}, with the minus sign inside exp"
    if torch.allclose(g, 1 + torch.exp(-z), rtol=1e-4, atol=1e-6):
        return f"`1 / 1 + torch.exp(-z)` divides 1 by 1 first: add parentheses, {FORMULA}"
    return FORMULA


@exercise("sigmoid", points=1)
def test_values(sub, ref, rng):
    """returns 1 / (1 + exp(-z)) elementwise, of z's shape"""
    z = torch.randn(4, 6, generator=rng) * 5
    got = expect_tensor(sub.call("sigmoid", z), "sigmoid(z)", shape=(4, 6),
                        hint="apply the formula elementwise with tensor operations; keep z's shape")
    expected = ref.sigmoid(z)
    expect_close(got, expected, "sigmoid(z)", rtol=1e-5, atol=1e-7, hint=_values_hint(got, z, expected))


@exercise("sigmoid", points=1)
def test_no_overflow_for_large_inputs(sub, ref, rng):
    """stays finite and correct for |z| up to 1000, in float32 and float64"""
    fixed = torch.tensor([-1000.0, -710.0, -100.0, -89.0, -30.0, 0.0, 30.0, 89.0, 100.0, 710.0, 1000.0])
    z = torch.cat([fixed, (torch.rand(9, generator=rng) * 2 - 1) * 1000])
    for dtype in (torch.float32, torch.float64):
        zz = z.to(dtype)
        got = expect_tensor(sub.call("sigmoid", zz), f"sigmoid(z) for {str(dtype).replace('torch.', '')} z",
                            shape=tuple(zz.shape))
        finite = torch.isfinite(got.detach())
        if not finite.all():
            bad = zz[~finite.reshape(zz.shape)][:3].tolist()
            expect(False, f"sigmoid(z) is nan or inf for z = {', '.join(f'{v:g}' for v in bad)} "
                          f"({str(dtype).replace('torch.', '')}): {OVERFLOW}")
        expect_close(got, ref.sigmoid(zz), f"sigmoid(z) for large |z| ({str(dtype).replace('torch.', '')})",
                     rtol=1e-5, atol=1e-7, hint=f"sigmoid(-1000) is 0. and sigmoid(1000) is 1.: {FORMULA}")


@exercise("sigmoid", points=1)
def test_gradient(sub, ref, rng):
    """the gradient is sigmoid(z) * (1 - sigmoid(z)), computed by autograd"""
    z = (torch.randn(12, generator=rng, dtype=torch.float64) * 4).requires_grad_()
    run = sub.run("sigmoid", z, backward=True)
    expect_tensor(run.value, "sigmoid(z)", shape=(12,))
    expect_gradients(run, ref.sigmoid, (z,), ("z",), "sigmoid(z)", rtol=1e-7,
                     hint="d sigmoid / dz = sigmoid(z) * (1 - sigmoid(z)): check the formula")

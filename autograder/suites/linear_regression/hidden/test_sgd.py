"""sgd: the very tensors passed in are updated in place, by lr * grad / batch_size, grads cleared."""

import torch

from autograder.checks import expect, expect_close, expect_sequence, expect_tensor
from autograder.plugin import exercise

IN_PLACE = ("sgd replaced the tensor instead of updating it in place: use `param -= lr * param.grad / batch_size` "
            "inside `with torch.no_grad():` (`param = param - ...` only rebinds the loop variable)")
# An unchanged parameter has several causes, and this check cannot tell which: it lists them.
UNCHANGED = ("update each tensor in place, `param -= lr * param.grad / batch_size` inside `with torch.no_grad():`; "
             "rebinding the loop variable (`param = param - ...`), zeroing the gradient before the update, or an "
             "integer division `//` would each leave it unchanged")


def _away_from_zero(shape: tuple[int, ...], rng: torch.Generator) -> torch.Tensor:
    # A gradient near 0 makes the correct step smaller than float32 resolution at the parameter's
    # value, and a correct sgd would then read as "did not change" (seen once in about 10^6 draws).
    sign = torch.randint(0, 2, shape, generator=rng) * 2 - 1
    return sign * (0.5 + 1.5 * torch.rand(shape, generator=rng))


def _params(rng):
    w = torch.randn(3, 1, generator=rng).requires_grad_()
    b = torch.randn(1, generator=rng).requires_grad_()
    w.grad = _away_from_zero((3, 1), rng)
    b.grad = _away_from_zero((1,), rng)
    return w, b


def _step(sub, rng, lr=0.1, batch_size=4):
    w, b = _params(rng)
    expected = [(p - lr * p.grad / batch_size).detach() for p in (w, b)]
    run = sub.run("sgd", [w, b], lr, batch_size)
    after = expect_sequence(run.args[0], "the params list after sgd", length=2,
                            hint="do not add or remove items of params")
    return run, (w, b), after, expected, lr, batch_size


def _require_the_step(sent, after, expected) -> None:
    """A facet (in place, cleared, leaf) earns its point only where the update it qualifies is right."""
    for name, s, a, e in zip(("w", "b"), sent, after, expected):
        a = expect_tensor(a, f"{name} after sgd", shape=tuple(s.shape))
        expect(not torch.equal(a.detach(), s.detach()), f"{name} did not change: {UNCHANGED}")
        expect(torch.allclose(a.detach().double(), e.double(), rtol=1e-5, atol=1e-6),
               f"{name} after sgd is not {name} - lr * {name}.grad / batch_size, so this property of the update "
               "cannot count yet: fix the step first (param -= lr * param.grad / batch_size)")


@exercise("sgd", points=1)
def test_updates_the_same_tensors_in_place(sub, rng):
    """updates the given tensors themselves, in place"""
    run, sent, after, expected, *_ = _step(sub, rng)
    for name, s, a in zip(("w", "b"), sent, after):
        a = expect_tensor(a, f"{name} after sgd")
        expect(run.is_same_object(a, s), f"params[{'wb'.index(name)}] is a different tensor after sgd: {IN_PLACE}")
    _require_the_step(sent, after, expected)


@exercise("sgd", points=1)
def test_step_size(sub, rng):
    """moves each parameter by -lr * grad / batch_size"""
    run, sent, after, expected, lr, batch_size = _step(sub, rng)
    for name, s, a, e in zip(("w", "b"), sent, after, expected):
        a = expect_tensor(a, f"{name} after sgd", shape=tuple(s.shape))
        if torch.equal(a.detach(), s.detach()):
            expect(False, f"{name} did not change: {UNCHANGED}")
        delta = (a.detach() - s.detach()).double()
        step = (-lr * s.grad / batch_size).double()
        hint = "param -= lr * param.grad / batch_size"
        if torch.allclose(delta, step * batch_size, rtol=1e-4, atol=1e-7):
            hint = "the step is batch_size times too large: divide by batch_size (the loss was summed over the batch)"
        elif torch.allclose(delta, -step, rtol=1e-4, atol=1e-7):
            hint = "the step goes uphill: subtract the gradient (param -= ...), do not add it"
        elif torch.allclose(delta, step / lr, rtol=1e-4, atol=1e-7):
            hint = "multiply the step by the learning rate lr"
        expect_close(a, e, f"{name} after sgd(params, lr={lr}, batch_size={batch_size})", rtol=1e-5, atol=1e-6,
                     hint=hint)


@exercise("sgd", points=1)
def test_clears_the_gradients(sub, rng):
    """clears each gradient (zeroed or set to None) after the update"""
    _, sent, after, expected, *_ = _step(sub, rng)
    _require_the_step(sent, after, expected)
    for name, a in zip(("w", "b"), after):
        a = expect_tensor(a, f"{name} after sgd")
        expect(a.grad is None or not bool(a.grad.any()),
               f"{name}.grad still holds the old gradient after sgd: call param.grad.zero_() after the update, "
               "otherwise the next backward() adds to it")


@exercise("sgd", points=1)
def test_update_is_not_recorded_by_autograd(sub, rng):
    """leaves the parameters as leaf tensors that still require grad"""
    _, sent, after, expected, *_ = _step(sub, rng)
    _require_the_step(sent, after, expected)
    for name, a in zip(("w", "b"), after):
        a = expect_tensor(a, f"{name} after sgd")
        expect(a.requires_grad, f"{name} no longer requires grad after sgd: update the values, do not detach "
               "or re-create the parameter")
        expect(a.grad_fn_name is None, f"{name} became the result of an operation ({a.grad_fn_name}) instead of a "
               "leaf: do the update inside `with torch.no_grad():`")

"""Comparisons between a student's value and the expected one, each failing with a message
written for the student (in the spirit of PrairieLearn's grader helpers).

Every helper first checks the *kind* of value (a tensor, an array, a float), so a wrong
type never reaches a comparison and never turns into a traceback.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import numpy as np
import torch

from autograder.results import MAX_CURVE_POINTS, MAX_CURVES_PER_TEST, Curve, sample_indices
from autograder.runner.wire import FigureInfo, Iterated, RemoteObject


class CheckFailed(AssertionError):
    """A check did not hold; the message is the student's feedback.

    ``fact`` is the message without the check's hint: what differs. Where the catalogue's diagnosis establishes the
    cause, the feedback shows the fact and that cause, not a hint the check could only guess.
    """

    def __init__(self, message: str, fact: str = ""):
        super().__init__(message)
        self.fact = fact or message


def fail(message: str, *, hint: str = "") -> NoReturn:
    """Fail with ``message`` (what differs), followed by ``hint`` (what to do) when there is one."""
    fact = f"{message}."
    raise CheckFailed(f"{fact} {hint}".strip(), fact)


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def kind(value: Any) -> str:
    """How a value reads in a message: ``tensor of shape (10, 1) float32``."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {str(value.dtype).replace('torch.', '')}"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    if isinstance(value, RemoteObject):
        return f"a {value.type_name}"
    if isinstance(value, Iterated):
        return f"a {value.type_name or 'iterator'} yielding {len(value)} items"
    if isinstance(value, FigureInfo):
        return "a matplotlib figure"
    if value is None:
        return "None"
    if isinstance(value, list | tuple):
        return f"a {type(value).__name__} of {len(value)} items"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def shape_str(shape: Sequence[int]) -> str:
    return str(tuple(shape))


def expect_tensor(value: Any, what: str, *, shape: Sequence[int] | None = None,
                  dtype: torch.dtype | None = None, hint: str = "") -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        extra = " (convert with torch.from_numpy / torch.tensor)" if isinstance(value, np.ndarray) else ""
        fail(f"{what} should be a torch tensor, but it is {kind(value)}{extra}", hint=hint)
    if shape is not None and tuple(value.shape) != tuple(shape):
        fail(f"{what} has shape {shape_str(value.shape)}, expected {shape_str(shape)}", hint=hint)
    if dtype is not None and value.dtype != dtype:
        fail(f"{what} has dtype {value.dtype}, expected {dtype}", hint=hint)
    return value


def expect_array(value: Any, what: str, *, shape: Sequence[int] | None = None, hint: str = "") -> np.ndarray:
    if not isinstance(value, np.ndarray):
        fail(f"{what} should be a numpy array, but it is {kind(value)}", hint=hint)
    if shape is not None and tuple(value.shape) != tuple(shape):
        fail(f"{what} has shape {shape_str(value.shape)}, expected {shape_str(shape)}", hint=hint)
    return value


def expect_float(value: Any, what: str, *, hint: str = "") -> float:
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = float(value.reshape(()).item())
    if isinstance(value, np.ndarray) and value.size == 1:
        value = float(value.reshape(()))
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(f"{what} should be a number, but it is {kind(value)}", hint=hint)
    value = float(value)
    if not math.isfinite(value):
        fail(f"{what} is {value}", hint=hint)
    return value


def expect_python_float(value: Any, what: str, *, hint: str = "") -> float:
    """A Python float, as a docstring that says "a float" means (not a tensor, not an array, not an int)."""
    if isinstance(value, bool) or not isinstance(value, float):
        fail(f"{what} is {kind(value)}, expected a Python float", hint=hint)
    return float(value)


def expect_python_floats(values: Sequence[Any], what: str, *, hint: str = "") -> list[float]:
    """Every item a Python float, as a docstring that says "floats" means (not a tensor, not an array)."""
    return [expect_python_float(v, f"{what}[{i}]", hint=hint) for i, v in enumerate(values)]


def expect_sequence(value: Any, what: str, *, length: int | None = None, hint: str = "") -> list:
    if not isinstance(value, list | tuple):
        fail(f"{what} should be a list or tuple, but it is {kind(value)}", hint=hint)
    if length is not None and len(value) != length:
        fail(f"{what} has {len(value)} items, expected {length}", hint=hint)
    return list(value)


def expect_losses(value: Any, what: str, epochs: int, *, python_floats: bool = True, hint: str = "") -> list[float]:
    """One loss per epoch: a list or tuple of ``epochs`` numbers, each a Python float where ``python_floats``."""
    items = expect_sequence(value, what, hint=hint)
    if python_floats:
        expect_python_floats(items, "losses", hint=hint)
    losses = [expect_float(v, f"losses[{i}]", hint=hint) for i, v in enumerate(items)]
    expect(len(losses) == epochs, f"{what} returned {len(losses)} losses: append one per epoch, after the epoch's "
           "minibatches, and use the epochs argument")
    return losses


def expect_decreasing(losses: Sequence[float], *, below: float | None = None, floor: str = "") -> None:
    """The losses end lower than they start, and below ``below`` (``floor``: where they should end, in words)."""
    expect(len(losses) > 1 and losses[-1] < losses[0], f"the losses {[round(v, 6) for v in losses]} do not decrease")
    if below is not None:
        expect(losses[-1] < below, f"the final loss is {losses[-1]:.3g}; it should reach {floor or f'below {below:g}'}")


def _summary(x: torch.Tensor, limit: int = 4) -> str:
    flat = x.detach().reshape(-1).to(torch.float64)
    shown = ", ".join(f"{v:.4g}" for v in flat[:limit].tolist())
    more = ", ..." if flat.numel() > limit else ""
    return f"[{shown}{more}]"


def expect_close(actual: Any, expected: Any, what: str, *, rtol: float = 1e-5, atol: float = 1e-6,
                 hint: str = "") -> None:
    """Same shape and values within ``atol + rtol * |expected|``, elementwise."""
    exp = torch.as_tensor(np.asarray(expected) if not isinstance(expected, torch.Tensor) else expected)
    if isinstance(actual, np.ndarray):
        act = torch.from_numpy(np.asarray(actual, dtype=np.float64))
    elif isinstance(actual, int | float) and not isinstance(actual, bool):
        act = torch.tensor(float(actual), dtype=torch.float64)
    else:
        act = expect_tensor(actual, what, hint=hint)
    if tuple(act.shape) != tuple(exp.shape):
        fail(f"{what} has shape {shape_str(act.shape)}, expected {shape_str(exp.shape)}", hint=hint)
    a = act.detach().to(torch.float64)
    e = exp.detach().to(torch.float64)
    if a.numel() == 0:
        return
    if not torch.isfinite(a).all():
        fail(f"{what} contains nan or inf: {_summary(a)}", hint=hint)
    err = (a - e).abs()
    bad = err > atol + rtol * e.abs()
    if bad.any():
        i = int(torch.argmax((err - (atol + rtol * e.abs())).reshape(-1)))
        idx = tuple(int(v) for v in np.unravel_index(i, tuple(a.shape))) if a.dim() else ()
        fail(f"{what} is wrong: got {_summary(a)}, expected {_summary(e)}; "
             f"{int(bad.sum())} of {a.numel()} values differ (e.g. at index {idx}: "
             f"{a.reshape(-1)[i]:.6g} instead of {e.reshape(-1)[i]:.6g})", hint=hint)


def expect_gradients(run: Any, expected: Callable[..., torch.Tensor], inputs: Sequence[torch.Tensor],
                     names: Sequence[str], what: str, *, rtol: float = 1e-8, atol: float = 1e-10,
                     hint: str = "") -> None:
    """The gradient check (MiniTorch's ``grad_check``, against the reference instead of finite differences).

    ``run`` is ``sub.run(name, *inputs, backward=True)``: the student's result, summed and backpropagated in the
    runner, with the inputs as they came back. Each input that requires grad must have received the gradient of
    ``expected(*inputs).sum()``. Send the inputs in float64, so the comparison is tight.
    """
    result = expect_tensor(run.value, what, hint=hint)
    wanted = [name for name, t in zip(names, inputs) if t.requires_grad]
    if getattr(result, "grad_fn_name", None) is None:
        fail(f"{what} is not connected to autograd: compute it from {' and '.join(wanted)} with torch operations "
             "(no .detach(), .item(), float(), math or numpy functions, or torch.tensor(...))")
    leaves = [t.detach().clone().requires_grad_(t.requires_grad) for t in inputs]
    expected(*leaves).sum().backward()
    for name, leaf, after in zip(names, leaves, run.args):
        if not leaf.requires_grad:
            continue
        grad = getattr(after, "grad", None)
        if grad is None:
            fail(f"no gradient reached {name}: {what} must be computed from {name}")
        expect_close(grad, leaf.grad, f"the gradient of sum({what}) with respect to {name}", rtol=rtol, atol=atol,
                     hint=hint)


def expect_figure(value: Any, what: str, *, hint: str = "") -> FigureInfo:
    if not isinstance(value, FigureInfo):
        fail(f"{what} should return the matplotlib Figure (e.g. `fig, ax = plt.subplots()` ... "
             f"`return fig`), but it returned {kind(value)}", hint=hint)
    if not value.axes:
        fail(f"{what} returned a figure with no axes: draw on `fig, ax = plt.subplots()`", hint=hint)
    return value


# ---------------------------------------------------------------------------------------------- loss curves

_recording: list[Curve] | None = None  # the curves of the check running now (the plugin opens and reads it)


@contextmanager
def recording_curves() -> Iterator[list[Curve]]:
    """Collect what ``record_curve`` records while one check runs."""
    global _recording
    previous, _recording = _recording, []
    try:
        yield _recording
    finally:
        _recording = previous


def _plain_number(value: Any) -> float | int | None:
    """A real number from the wire (Python number, numpy scalar, one-element tensor or array), else None.
    Strings and everything else are not numbers here, whatever they contain."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.is_complex():
            return None
        value = value.detach().reshape(()).item()
    elif isinstance(value, np.ndarray | np.generic):
        if value.size != 1 or not np.issubdtype(value.dtype, np.number) or np.iscomplexobj(value):
            return None
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _series(values: Any) -> tuple[list, int] | None:
    """Up to MAX_CURVE_POINTS evenly spread items of a list, tuple or 1-D tensor/array, and how many there were."""
    if isinstance(values, torch.Tensor | np.ndarray):
        if values.ndim != 1:
            return None
        flat = values.detach() if isinstance(values, torch.Tensor) else values
        items = [flat[i] for i in sample_indices(len(flat), MAX_CURVE_POINTS)]
        return items, len(flat)
    if isinstance(values, list | tuple):
        return [values[i] for i in sample_indices(len(values), MAX_CURVE_POINTS)], len(values)
    return None


def record_curve(name: str, student: Any, reference: Any, *, ylabel: str = "loss") -> None:
    """Attach a loss curve to the running check, for the student's feedback: ``student`` as the student's
    function returned it (untrusted: only real numbers are kept, nan and inf are not drawn), ``reference`` the
    reference solution's on the same problem. Call it as soon as the student's values are back, before any
    check on them, so a failing convergence gets its plot. Nothing is recorded unless the student returned a
    non-empty sequence with at least one number, or outside the judge."""
    if _recording is None or len(_recording) >= MAX_CURVES_PER_TEST:
        return
    got, expected = _series(student), _series(reference)
    if got is None or expected is None or not got[0]:
        return
    student_values = [_plain_number(v) for v in got[0]]
    if all(v is None for v in student_values):
        return
    _recording.append(Curve.from_values(name, student_values, [_plain_number(v) for v in expected[0]],
                                        student_length=got[1], reference_length=expected[1], ylabel=ylabel))


_reference_curves: OrderedDict[str, list] = OrderedDict()
REFERENCE_CURVES_KEPT = 64


def reference_curve(compute: Callable[[], Any], *inputs: Any) -> list:
    """``compute()``, the reference's losses on one problem, run under ``seeded()`` once per distinct ``inputs``.

    Every student of a batch is checked on the same inputs, so the reference's curve is the same for all of them:
    a judge trains the reference once per check instead of once per student (~25 ms each). ``inputs`` must be
    everything the computation reads besides the reference itself (tensors, numbers, state dicts); the call site
    is part of the key. Returns a fresh list of floats each time, so no check can alter the kept one.
    """
    key = hashlib.sha256()
    code = compute.__code__
    key.update(f"{code.co_filename}:{code.co_firstlineno}".encode())
    try:
        _fingerprint(key, inputs)
    except TypeError:  # an input (from a student's code) of a kind with no exact fingerprint: no reuse
        with seeded():
            return _floats(compute())
    digest = key.hexdigest()
    if digest in _reference_curves:
        _reference_curves.move_to_end(digest)
    else:
        with seeded():
            _reference_curves[digest] = _floats(compute())
        if len(_reference_curves) > REFERENCE_CURVES_KEPT:
            _reference_curves.popitem(last=False)
    return list(_reference_curves[digest])


def _floats(values: Any) -> list[float]:
    return [float(v) for v in (values.tolist() if isinstance(values, torch.Tensor | np.ndarray) else values)]


def _fingerprint(key: Any, value: Any) -> None:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().contiguous()
        key.update(f"T{value.dtype}{tuple(value.shape)}".encode())
        key.update(value.numpy().tobytes())  # a dtype numpy lacks (bfloat16, float8) raises TypeError: no reuse
    elif isinstance(value, dict):
        key.update(b"D%d" % len(value))
        for k, v in value.items():  # in order: a state dict's order is part of what it means
            _fingerprint(key, k)
            _fingerprint(key, v)
    elif isinstance(value, list | tuple):
        key.update(b"L%d" % len(value))
        for v in value:
            _fingerprint(key, v)
    elif value is None or isinstance(value, bool | int | float | str):
        key.update(f"{type(value).__name__}:{value!r};".encode())
    else:
        raise TypeError(f"reference_curve cannot key on a {type(value).__name__}")


@contextmanager
def seeded(seed: int = 0) -> Iterator[None]:
    """Run reference code with torch's, numpy's and Python's global generators seeded, then put them back: the
    reference's curve is the same in every run, and the judge's own random state is left as it was."""
    state, np_state = random.getstate(), np.random.get_state()
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            random.seed(seed)
            np.random.seed(seed)
            yield
    finally:
        random.setstate(state)
        np.random.set_state(np_state)

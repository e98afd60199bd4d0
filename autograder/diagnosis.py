"""Naming the cause of a failed check, from the mistake catalogue (``autograder/suites/<name>/mistakes.py``).

When a check fails, the judge runs the same check again on each catalogued mistake of its exercise: the
reference solution with that mistake in it, in a runner of its own, on the same inputs (the same input
seed, the same runner seed, the same textbook substitutions). Every value the check read from the
student's module is compared with what it read from the mistake's. Where all of them agree, the student's
code did on these inputs exactly what the mistake does, and the message names that mistake's cause. Where
no mistake agrees, the message says what differs and nothing more: a cause is only ever shown where it has
been established.

Every student of a batch is checked on the same inputs, so a mistake's run of a check is made once per
batch and kept (``Diagnosis.replays``), like the reference curves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np
import torch

from autograder.mistakes import Variant
from autograder.runner.wire import Iterated, RemoteObject

RTOL = 1e-4  # two implementations of one mistake differ by float rounding, never by more
ATOL = 1e-6

Observed = list  # what one check read from a module, in order (Submission.observed)


def agree(a: Any, b: Any) -> bool:
    """Whether two values read from two modules are the same, up to float rounding.

    Tensors also agree in what the checks can see of them besides their values: whether they require grad,
    are the result of an operation, carry a gradient, and are the very tensor the check passed in.
    """
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and _tensors_agree(a, b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype.kind == b.dtype.kind and _values_agree(torch.from_numpy(np.array(a, dtype=np.float64)),
                                                                  torch.from_numpy(np.array(b, dtype=np.float64))))
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None or isinstance(a, str):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)
    if isinstance(a, RemoteObject) and isinstance(b, RemoteObject):
        return a.type_name == b.type_name  # handles number objects per runner; reprs hold addresses
    if type(a) is not type(b):
        return False
    if isinstance(a, Iterated) and a.type_name != b.type_name:
        return False
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(agree(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(agree(a[k], b[k]) for k in a)
    if is_dataclass(a):
        return all(agree(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    return False


def _tensors_agree(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype or a.requires_grad != b.requires_grad:
        return False
    for attribute in ("ref", "grad_fn_name"):
        if getattr(a, attribute, None) != getattr(b, attribute, None):
            return False
    if (a.grad is None) != (b.grad is None) or (a.grad is not None and not agree(a.grad, b.grad)):
        return False
    if a.dtype == torch.bool or not (a.is_floating_point() or a.is_complex()):
        return torch.equal(a, b)
    return _values_agree(a.detach().to(torch.float64), b.detach().to(torch.float64))


def _values_agree(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and bool(torch.isclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True).all())


def same_run(student: Observed, mistake: Observed) -> bool:
    return len(student) == len(mistake) and all(agree(s, m) for s, m in zip(student, mistake))


Replay = Callable[[Variant], "Observed | None"]  # what the check read from a mistake's code; None: it passed


class Diagnosis:
    """The causes of one batch's failed checks, from the catalogued mistakes of each check's exercise."""

    def __init__(self, mistakes: Sequence[Variant], replays: dict[tuple[str, str], Observed | None] | None = None):
        self.by_exercise: dict[str, list[Variant]] = {}
        for m in mistakes:
            self.by_exercise.setdefault(m.exercise or "", []).append(m)
        # Given: every replay is known (a handout's, recorded at release), and none is ever run.
        self.fixed = replays is not None
        self.replays: dict[tuple[str, str], Observed | None] = dict(replays or {})

    def causes(self, check: str, exercise: str, observed: Observed, replay: Replay) -> list[str]:
        """The causes of the mistakes whose run of ``check`` read exactly what the student's did (none: unknown)."""
        found: list[str] = []
        for m in self.by_exercise.get(exercise, []):
            key = (check, m.name)
            if key not in self.replays and not self.fixed:
                self.replays[key] = replay(m)
            theirs = self.replays.get(key)
            if theirs is not None and same_run(observed, theirs) and m.cause not in found:
                found.append(m.cause)
        return found


def with_causes(message: str, causes: Sequence[str]) -> str:
    """The check's message (what differs), then the established cause(s)."""
    if not causes:
        return message
    if len(causes) == 1:
        return f"{message}\nCause: {causes[0]}"
    # The inputs cannot tell these mistakes apart: each gives exactly this result.
    return f"{message}\nCause, one of: " + "; or ".join(causes)

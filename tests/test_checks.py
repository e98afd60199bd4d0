"""The judge-side helpers that suites share: reference curves computed once per distinct problem, and the same
inputs for every student of a batch."""

from __future__ import annotations

import torch

from autograder import checks
from autograder.assignments import Assignment
from autograder.grade import grade
from autograder.sandbox import Limits


def _counting(values):
    calls = []

    def compute():
        calls.append(1)
        return values() if callable(values) else values

    return compute, calls


def test_a_reference_curve_is_computed_once_per_problem():
    X = torch.arange(6.0).reshape(3, 2)
    compute, calls = _counting([3.0, 2.0, 1.0])
    first = checks.reference_curve(compute, X, {"lr": 0.03})
    first.append(99.0)  # a check that alters what it got cannot alter what the next student gets
    assert checks.reference_curve(compute, X.clone(), {"lr": 0.03}) == [3.0, 2.0, 1.0]
    assert len(calls) == 1
    changed = X.clone()
    changed[2, 1] += 1e-6
    checks.reference_curve(compute, changed, {"lr": 0.03})
    checks.reference_curve(compute, X, {"lr": 0.3})
    checks.reference_curve(compute, X.double(), {"lr": 0.03})
    assert len(calls) == 4


def test_a_reference_curve_is_computed_seeded_and_leaves_the_judge_state_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    curve = checks.reference_curve(lambda: torch.rand(3), torch.tensor([42.0]))
    assert curve == torch.rand(3, generator=torch.Generator().manual_seed(0)).tolist()
    assert torch.equal(torch.rand(1), before)  # the judge's own generator went on as if nothing ran


def test_inputs_without_an_exact_fingerprint_are_never_reused():
    compute, calls = _counting([1.0])

    class Opaque:
        pass

    checks.reference_curve(compute, Opaque())
    checks.reference_curve(compute, Opaque())
    assert len(calls) == 2


def test_every_student_of_a_batch_is_checked_on_the_same_inputs(tmp_path):
    """Two students with the same code get the same points and the same curves, whatever their names."""
    assignment = Assignment("linear_regression")
    folder = tmp_path / "in"
    folder.mkdir()
    source = assignment.solution.read_text().replace("/ batch_size", "/ batch_size / 2")  # sgd steps half as far
    for student in ("ada", "zoe"):
        (folder / f"{student}.py").write_text(source)
    batch = grade(assignment, folder, tmp_path / "out", workers=2, limits=Limits(call_seconds=20), quiet=True,
                  seed=7)
    ada, zoe = sorted(batch.results, key=lambda r: r.student)
    assert ada.score < ada.max_score
    assert ada.exercise_points() == zoe.exercise_points()
    assert [o.message for o in ada.outcomes] == [o.message for o in zoe.outcomes]
    assert [o.curves for o in ada.outcomes] == [o.curves for o in zoe.outcomes]
    assert any(o.curves for o in ada.outcomes)


def test_a_tensor_numpy_cannot_hold_is_never_reused():
    compute, calls = _counting([1.0])
    checks.reference_curve(compute, torch.ones(2, dtype=torch.bfloat16))
    checks.reference_curve(compute, torch.ones(2, dtype=torch.bfloat16))
    assert len(calls) == 2

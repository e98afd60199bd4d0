"""No student function may change its inputs unless its check says so (``sub.run``): a property of ``sub.call``
itself, over both transports, so no check has to remember it. And ``sub.operations``: the torch operations a
call makes, which tell a loop over the elements from one tensor operation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.limits import Limits
from autograder.release import kernel_submission
from autograder.student_module import SubmissionError, changed_input

SOURCE = '''
import torch


def shift(x):
    x -= 1
    return x.sum()


def reshape_labels(y, y_hat):
    y.resize_(y_hat.shape)
    return y


def smooth(values):
    values.append(0.0)
    return sum(values)


def scale(x, *, factor):
    factor.mul_(2)
    return x * factor


def fair(x, y):
    return (x - 1) * y.reshape(-1, 1)


def step(params):
    for p in params:
        p -= 1


def add_loop(a, b):
    c = torch.zeros(len(a))
    for i in range(len(a)):
        c[i] = a[i] + b[i]
    return c


def add_in_python(a, b):
    return torch.tensor([x + y for x, y in zip(a.tolist(), b.tolist())])


def add(a, b):
    return a + b
'''


def _message(sub, name, *args, **kwargs) -> str:
    with pytest.raises(SubmissionError) as failed:
        sub.call(name, *args, **kwargs)
    return str(failed.value)


def _in_place(label: str, where: str) -> str:
    return (f"{label} changed its input in place: after the call, {where} differs from what was passed in. Leave "
            "the inputs as they are and compute new tensors (x - m, not x -= m; y.reshape(...), not "
            "y.resize_(...))")


def test_changed_input_compares_values_shape_dtype_length_and_keys():
    x = torch.tensor([1.0, float("nan")])
    assert not changed_input(x, x.clone())  # nan where nan was is no change
    assert changed_input(x, torch.tensor([1.0, 2.0]))
    assert changed_input(torch.zeros(2), torch.zeros(2, 1))
    assert changed_input(torch.zeros(2), torch.zeros(2, dtype=torch.float64))
    assert changed_input(torch.zeros(2, dtype=torch.long), torch.ones(2, dtype=torch.long))
    assert not changed_input(np.arange(3.0), np.arange(3.0)) and changed_input(np.arange(3.0), np.arange(3.0) - 1)
    assert changed_input([1.0, 2.0], [1.0, 2.0, 0.0]) and not changed_input([1.0, 2.0], [1.0, 2.0])
    assert changed_input({"a": 1}, {"a": 1, "b": 2}) and changed_input((1, torch.zeros(1)), (1, torch.ones(1)))
    assert not changed_input(float("nan"), float("nan")) and changed_input(True, 1) and changed_input(1, 2)


def _kernel():
    namespace: dict = {}
    exec(compile(SOURCE, "student.py", "exec"), namespace)  # the notebook's cells
    return kernel_submission.Submission({k: v for k, v in namespace.items() if not k.startswith("__")},
                                        "linear_regression")


@pytest.fixture(scope="module", params=["socket", "kernel"])
def sub(request):
    if request.param == "kernel":
        yield _kernel()
        return
    from autograder.isolation import choose
    from autograder.sandbox import WarmPool
    from autograder.submission import Submission

    pool = WarmPool(choose("auto"), optimizer=False)
    submission = Submission(pool, SOURCE.encode(), "student.py", "student", Limits())
    yield submission
    submission.close()
    pool.close()


def test_a_call_that_changes_its_input_fails_naming_the_argument(sub):
    assert _message(sub, "shift", torch.ones(3)) == _in_place("shift", "argument 1")
    assert _message(sub, "reshape_labels", torch.ones(3), torch.ones(3, 1)) == _in_place("reshape_labels", "argument 1")
    assert _message(sub, "smooth", [1.0, 2.0]) == _in_place("smooth", "argument 1")
    assert _message(sub, "scale", torch.ones(2), factor=torch.ones(2)) == _in_place("scale", "keyword argument factor")


def test_a_call_that_leaves_its_inputs_passes(sub):
    x, y = torch.arange(3.0), torch.ones(3)
    assert torch.equal(sub.call("fair", x, y), (x - 1) * y.reshape(-1, 1))
    assert torch.equal(x, torch.arange(3.0))  # the check's own tensors are never the student's


def test_run_is_for_functions_whose_job_is_to_change_their_inputs(sub):
    run = sub.run("step", [torch.zeros(2), torch.ones(1)])
    assert torch.equal(run.args[0][0], -torch.ones(2)) and torch.equal(run.args[0][1], torch.zeros(1))


def test_operations_count_every_torch_operation_of_the_call(sub):
    a, b = torch.ones(5), torch.ones(5)
    loop = sub.operations("add_loop", a, b)
    # len, zeros, len, then per element: a[i], b[i], +, c[i] = ...
    assert (loop.ops, loop.to_python) == (3 + 4 * 5, False) and torch.equal(loop.value, a + b)
    assert (sub.operations("add", a, b).ops, sub.operations("add", a, b).to_python) == (1, False)
    python = sub.operations("add_in_python", a, b)
    assert python.to_python and python.ops == 3  # tolist twice, then torch.tensor
    assert sub.call("add", a, b) is not None  # a plain call counts nothing, and costs nothing for it

"""nbgrader's in-kernel `sub` is the kit's one API over another transport: same messages, same causes, own seeds."""

import inspect

import torch

from autograder import student_module
from autograder.release import kernel_submission
from autograder.student_module import StudentModule
from autograder.submission import Submission as SocketSubmission

API = ("has", "call", "run", "new", "hold", "fake_clock", "advance_clock", "reseed", "_call", "_send_call",
       "_request", "_decode", "_observe")


def test_both_transports_share_every_method_of_the_api():
    for transport in (SocketSubmission, kernel_submission.Submission):
        assert issubclass(transport, StudentModule)
        copied = [name for name in API if name in vars(transport)]
        assert copied == [], f"{transport.__module__} writes {copied} again"
    assert kernel_submission.SubmissionError is student_module.SubmissionError
    assert kernel_submission.Remote is student_module.Remote


def _sgd(params, lr, batch_size):
    for param in params:
        param = param - lr * param.grad / batch_size
        param.grad.zero_()


def test_a_failing_call_in_the_kernel_gets_its_exercises_own_cause():
    sub = kernel_submission.Submission({"sgd": _sgd}, "linear_regression")
    sub.exercise = "sgd"
    w = torch.zeros(2, requires_grad=True)
    try:
        sub.call("sgd", [w], 0.1, 1)
    except student_module.SubmissionError as e:
        message = str(e)
    else:
        raise AssertionError("sgd should have raised")
    # The cause is sgd's own (suites/linear_regression/error_hints.py), as grading names it.
    assert message == ("sgd raised TypeError: unsupported operand type(s) for *: 'float' and 'NoneType'. Likely "
                       "cause: param.grad is None: create the parameters with requires_grad=True, and call "
                       "backward() before sgd")


def test_a_missing_name_is_missing_from_the_notebook():
    sub = kernel_submission.Submission({}, "linear_regression")
    try:
        sub.call("linreg", 1)
    except student_module.SubmissionError as e:
        assert str(e) == ("`linreg` is missing from the notebook: define it (and run its cell) with the name and "
                          "signature given in the assignment")
    else:
        raise AssertionError("linreg is not there")


def _draws(sub, rng):
    """A check that compares what the notebook's code draws with what the check's inputs were drawn from."""
    _draws.seen = (sub.call("draw"), torch.rand(3, generator=rng))


def test_the_notebooks_random_state_is_not_the_checks_input_stream():
    namespace = {"draw": lambda: torch.rand(3)}
    _draws.exercise = "draw"
    kernel_submission.run_check(_draws, __name__, namespace, "linear_regression")
    theirs, inputs = _draws.seen
    assert not torch.equal(theirs, inputs)
    kernel_submission.run_check(_draws, __name__, namespace, "linear_regression")
    assert torch.equal(_draws.seen[0], theirs)  # seeded all the same: the same draw every run
    assert "rng" in inspect.signature(_draws).parameters


def _sgd_failures(namespace):
    """What the hidden sgd checks say of `namespace`'s sgd, run in the kernel as nbgrader runs them."""
    from autograder.suites.linear_regression.hidden import test_sgd

    failures = []
    for name in sorted(n for n in vars(test_sgd) if n.startswith("test_")):
        try:
            kernel_submission.run_check(getattr(test_sgd, name), test_sgd.__name__, namespace, "linear_regression")
        except AssertionError as e:
            failures.append(str(e))
    return failures


def test_a_failed_check_in_the_kernel_names_the_catalogued_cause_as_grading_does():
    from autograder.assignments import Assignment
    from autograder.notebooks import strip_markers
    from autograder.release.nbgrader import mistake_table

    assignment = Assignment("linear_regression")
    table = mistake_table(assignment)
    assert {m["exercise"] for m in table} <= set(assignment.exercises) and all(m["cause"] for m in table)
    solution = assignment.solution.read_text(encoding="utf-8")
    kernel_submission.load_reference("linear_regression", strip_markers(solution))
    kernel_submission.load_mistakes(table)
    try:
        mistake = next(m for m in table if m["name"] == "sgd_rebinds_param")
        namespace = {}
        exec(compile(mistake["source"], "notebook", "exec"), namespace)
        failures = _sgd_failures(namespace)
        assert failures and f"Cause: {mistake['cause']}" in failures[0], failures
        # A mistake the catalogue does not hold: what differs, and no cause
        namespace = {}
        exec(compile(strip_markers(solution).replace("param -= lr * param.grad / batch_size",
                                                     "param -= 2 * lr * param.grad / batch_size"), "nb", "exec"),
             namespace)
        failures = _sgd_failures(namespace)
        assert failures and not any("Cause" in f for f in failures), failures
    finally:
        kernel_submission.load_mistakes([])

"""The self-check's verdict per exercise when a check builds on other exercises (fast: no sandbox).

A handout does not ship the book's versions of exercises, so there a check that builds on another
exercise runs on the student's own version of it. These tests pin down when such a failure is
reported as waiting on another exercise, and what the student reads.
"""

import socket
import threading
from pathlib import Path

from autograder.results import FAILED, NOT_IMPLEMENTED, PASSED, StudentResult
from autograder.results import TestOutcome as Outcome  # not collected as a test class
from autograder.runner import server, wire
from autograder.selfcheck import render, waiting_message
from autograder.stubs import still_stubs

EXERCISES = ["forward", "loss", "cost", "ema"]


def outcome(exercise: str, status: str, builds_on: tuple[str, ...] = (), raised_in: str = "",
            message: str = "") -> Outcome:
    return Outcome(test=f"test_{exercise}", name=f"{exercise}: a check", exercise=exercise, points=1,
                       earned=1.0 if status == PASSED else 0.0, status=status, hidden=False,
                       message=message or ("" if status == PASSED else f"{exercise} is wrong"),
                       builds_on=list(builds_on), raised_in=raised_in)


def result(*outcomes: Outcome) -> StudentResult:
    return StudentResult(student="s", assignment="gradient_descent", outcomes=list(outcomes), exercises=EXERCISES)


def test_a_failure_while_what_it_builds_on_fails_waits_on_that():
    r = result(outcome("forward", FAILED), outcome("loss", FAILED, ("forward",)), outcome("cost", PASSED),
               outcome("ema", PASSED))
    assert r.waiting_on("loss") == ["forward"]
    assert r.waiting_on("forward") == [] and r.waiting_on("cost") == []


def test_a_failure_whose_dependencies_pass_is_the_exercises_own():
    r = result(outcome("forward", PASSED), outcome("loss", FAILED, ("forward",)), outcome("cost", PASSED),
               outcome("ema", PASSED))
    assert r.waiting_on("loss") == []


def test_a_passing_check_never_waits():
    r = result(outcome("forward", FAILED), outcome("loss", PASSED, ("forward",)), outcome("cost", PASSED),
               outcome("ema", PASSED))
    assert r.waiting_on("loss") == []


def test_waiting_names_the_first_bug_not_what_waits_on_it():
    r = result(outcome("forward", FAILED), outcome("loss", FAILED, ("forward",)),
               outcome("cost", FAILED, ("forward", "loss")), outcome("ema", PASSED))
    assert r.waiting_on("cost") == ["forward"]


def test_several_first_bugs_come_in_assignment_order():
    r = result(outcome("forward", FAILED), outcome("loss", NOT_IMPLEMENTED, raised_in="loss"),
               outcome("cost", FAILED, ("loss", "forward")), outcome("ema", PASSED))
    assert r.waiting_on("cost") == ["forward", "loss"]


def test_a_stub_is_not_implemented_even_when_its_dependency_is_a_stub_too():
    r = result(outcome("forward", NOT_IMPLEMENTED, raised_in="forward"),
               outcome("loss", NOT_IMPLEMENTED, ("forward",), raised_in="loss"), outcome("cost", PASSED),
               outcome("ema", PASSED))
    assert r.waiting_on("loss") == []


def test_an_implemented_exercise_that_reaches_a_stub_waits_on_it():
    r = result(outcome("forward", NOT_IMPLEMENTED, raised_in="forward"),
               outcome("loss", NOT_IMPLEMENTED, ("forward",), raised_in="forward"), outcome("cost", PASSED),
               outcome("ema", PASSED))
    assert r.waiting_on("loss") == ["forward"]


def test_a_cycle_of_waiting_ends():
    r = result(outcome("forward", FAILED, ("loss",)), outcome("loss", FAILED, ("forward",)), outcome("cost", PASSED),
               outcome("ema", PASSED))
    assert r.waiting_on("loss") == [] and r.waiting_on("forward") == []


def test_grading_never_waits():
    """Grading gives every check the book's versions, so no outcome records what it built on."""
    r = result(outcome("forward", FAILED), outcome("loss", FAILED), outcome("cost", FAILED), outcome("ema", FAILED))
    assert all(r.waiting_on(e) == [] for e in EXERCISES)


def test_what_it_built_on_survives_the_results_file():
    r = result(outcome("forward", FAILED), outcome("loss", NOT_IMPLEMENTED, ("forward",), raised_in="forward"),
               outcome("cost", PASSED), outcome("ema", PASSED))
    r.stubs = ["loss"]
    back = StudentResult.from_gradescope(r.to_gradescope())
    assert [(o.builds_on, o.raised_in) for o in back.outcomes] == [(o.builds_on, o.raised_in) for o in r.outcomes]
    assert back.stubs == ["loss"]
    old = r.to_gradescope()
    del old["extra_data"]["builds_on"], old["extra_data"]["raised_in"]  # a results file from before
    assert all(o.builds_on == [] and o.raised_in == "" for o in StudentResult.from_gradescope(old).outcomes)


def test_the_waiting_message():
    assert waiting_message("loss", ["forward"]) == (
        "its checks call your `forward`, which fails on its own: fix `forward` first, then check again (grading "
        "gives `loss` the book's `forward`, so one bug costs one exercise)")
    assert waiting_message("cost", ["forward", "loss"]) == (
        "its checks call your `forward` and `loss`, which fail on their own: fix `forward` and `loss` first, then "
        "check again (grading gives `cost` the book's `forward` and `loss`, so one bug costs one exercise)")


def test_the_table_shows_the_cause_once_and_the_waiting_exercise_points_at_it():
    r = result(outcome("forward", FAILED, message="forward(4.0, 2.0) returned 6, expected x * w = 8"),
               outcome("loss", FAILED, ("forward",), message="loss(3.0, 6.0, 1.0) returned 16, expected 9"),
               outcome("cost", NOT_IMPLEMENTED, raised_in="cost"), outcome("ema", PASSED))
    text = render(r, Path("gradient_descent.py"))
    lines = [line.rstrip() for line in text.splitlines()]
    assert "  forward   FAILED               0/1" in lines
    assert "            - forward(4.0, 2.0) returned 6, expected x * w = 8" in lines
    assert "  loss      waiting on forward   0/1" in lines
    assert f"            - {waiting_message('loss', ['forward'])}" in lines
    assert "  cost      not implemented yet  0/1" in lines
    assert "returned 16" not in text  # a verdict on loss that rests on a broken forward is not shown
    assert "1 of 4 exercises pass the public checks; 1 wait for one they build on." in text


def test_still_stubs_reads_the_source_without_running_it():
    source = '''
import os

def forward(x, w):
    """x * w"""
    # TODO
    raise NotImplementedError("forward: not implemented yet")

def loss(x, y, w):
    return (forward(x, w) - y) ** 2

class Model:
    def __init__(self):
        raise NotImplementedError

    def forward(self, x):
        return x

def helper():
    if False:
        raise NotImplementedError  # nested: the function is implemented

os.system("echo never run")
'''
    assert still_stubs(source) == {"forward", "Model"}
    assert still_stubs("def f(:\n") == set() and still_stubs(b"\xff\xfe") == set()


def test_the_runner_says_where_the_students_code_raised(tmp_path, monkeypatch):
    """The innermost frame in the student's file, by top-level name: the stub that raised, not its caller."""
    monkeypatch.chdir(tmp_path)
    judge_end, runner_end = socket.socketpair()
    runner = server.Runner(runner_end)
    threading.Thread(target=runner.serve, daemon=True).start()
    source = (b"def forward(x, w):\n    raise NotImplementedError\n\n\n"
              b"def loss(x, y, w):\n    return forward(x, w) - y\n")
    wire.send(judge_end, {"op": "load", "module": "student", "filename": "student.py"}, [source])
    assert wire.recv(judge_end)[0]["ok"]
    enc = wire.Encoder()
    wire.send(judge_end, {"op": "call", "target": "loss", "args": enc.encode([1.0, 2.0, 3.0]),
                          "kwargs": enc.encode({})}, [])
    error = wire.recv(judge_end)[0]["error"]
    assert error["raised_in"] == "forward"
    assert error["where"] == [[6, "loss", "return forward(x, w) - y"], [2, "forward", "raise NotImplementedError"]]
    judge_end.close()

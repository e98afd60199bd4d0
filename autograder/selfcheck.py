"""The student's self-check: the public checks against one module, as a table per exercise."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from autograder import handout_diagnosis
from autograder.assignments import Assignment
from autograder.intake import read_guarded
from autograder.isolation import choose
from autograder.judge import judge
from autograder.plugin import RunConfig, StudentSpec
from autograder.results import NOT_IMPLEMENTED, PASSED, StudentResult


def self_check(assignment: Assignment, path: Path, *, seed: int | None = None, timeout: float | None = None,
               hidden: bool = False) -> StudentResult:
    source, error = read_guarded(path, assignment.name)
    spec = StudentSpec(student=path.stem, source=source, error=error,
                       sha256=hashlib.sha256(source).hexdigest() if source else "")
    config = RunConfig(seed=secrets.randbits(32) if seed is None else seed, hidden=hidden, isolation=choose("auto"))
    if not hidden:
        handout_diagnosis.use_in(config, assignment)
    if timeout is not None:
        from dataclasses import replace

        config.limits = replace(config.limits, call_seconds=timeout)
    return judge(assignment, [spec], config, lambda r: None)[0]


def waiting_message(exercise: str, waiting: list[str]) -> str:
    names = " and ".join(f"`{name}`" for name in waiting)
    fails = "fail on their own" if len(waiting) > 1 else "fails on its own"
    return (f"its checks call your {names}, which {fails}: fix {names} first, then check again (grading gives "
            f"`{exercise}` the book's {names}, so one bug costs one exercise)")


def render(result: StudentResult, path: Path) -> str:
    rows = []
    width = max([len(e) for e in result.exercises] + [8])
    for exercise, tests in result.by_exercise().items():
        status = result.exercise_status(tests)
        waiting = result.waiting_on(exercise)
        label = {PASSED: "passed", NOT_IMPLEMENTED: "not implemented yet"}.get(status, "FAILED")
        if waiting:
            label = f"waiting on {', '.join(waiting)}"
        earned = sum(o.earned for o in tests)
        total = sum(o.points for o in tests)
        rows.append(f"  {exercise:<{width}}  {label:<20} {earned:g}/{total:g}")
        if waiting:
            rows.append(f"  {'':<{width}}  - {waiting_message(exercise, waiting)}")
        elif status not in (PASSED, NOT_IMPLEMENTED):
            for o in tests:
                if o.status != PASSED:  # a message's later lines (its cause) stay under its first
                    rows.append(f"  {'':<{width}}  - " + o.message.replace("\n", f"\n  {'':<{width}}    "))
    head = f"Self-check of {path} ({result.assignment}, public checks only)"
    if result.error:
        head += f"\n  {result.error}"
    passed = sum(1 for tests in result.by_exercise().values() if result.exercise_status(tests) == PASSED)
    waiting = sum(1 for exercise in result.by_exercise() if result.waiting_on(exercise))
    foot = (f"{passed} of {len(result.exercises)} exercises pass the public checks"
            + (f"; {waiting} wait for one they build on. " if waiting else ". ")
            + "The hidden grading suite checks more (values against the reference, gradients, convergence).")
    return "\n".join([head, "", *rows, "", foot])

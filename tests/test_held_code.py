"""What a runner held decides whether the next check may use it (``Submission.checking``): kit code that is not an
exercise stays only when the check hands over the very same code again; an exercise's own checks never run where
its book version was."""

import pytest

from autograder import isolation
from autograder.sandbox import Limits, WarmPool
from autograder.submission import Submission

MODULE = b"def f():\n    return helper()\n\n\ndef helper():\n    return 0\n"
KIT = "def helper():\n    return 1\n"
OTHER_KIT = "def helper():\n    return 2\n"
BOOK_F = "def f():\n    return 3\n"


@pytest.fixture(scope="module")
def sub():
    pool = WarmPool(isolation.choose("auto"), optimizer=False)
    submission = Submission(pool, MODULE, "m.py", "m", Limits())
    yield submission
    submission.close()
    pool.close()


def _check(sub, exercise, *substitutions):
    """One check as the plugin runs it: checking, the check's substitutions, a call; undone afterwards."""
    sub.checking(exercise, {"f"})
    for sources in substitutions:
        sub.substitute(sources)
    try:
        return sub.call("f"), sub.generation
    finally:
        sub.unpatch()


def test_the_same_kit_code_given_again_keeps_the_runner(sub):
    _, first = _check(sub, "f", {"helper": KIT})
    value, again = _check(sub, "f", {"helper": KIT})
    assert (value, again) == (1, first)


def test_other_kit_code_or_none_brings_a_fresh_runner_that_holds_what_this_check_gave(sub):
    _, first = _check(sub, "f", {"helper": KIT})
    value, fresh = _check(sub, "f", {"helper": OTHER_KIT})
    assert (value, fresh) == (2, first + 1)  # OTHER_KIT reached the fresh runner
    value, fresh_again = _check(sub, "f")
    assert (value, fresh_again) == (0, first + 2)  # nothing handed over: the module's own helper, in a new runner


def test_an_exercise_is_never_checked_where_its_book_version_was(sub):
    sub.checking("g", {"f", "g"})
    sub.substitute({"f": BOOK_F})
    assert sub.call("f") == 3
    held = sub.generation
    sub.unpatch()
    value, generation = _check(sub, "f")
    assert (value, generation) == (0, held + 1)

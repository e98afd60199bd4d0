"""The mistake catalogue's data model: the reference solution with small edits.

A mistake is what learners really write, with its cause in the student's terms; it must lose
points on its own exercise and keep every other exercise, and when a student's result is the
one a mistake gives on a check's inputs, the judge names that mistake's cause
(``autograder.diagnosis``). An alternative is a correct but different implementation; it must
get full marks. Each edit replaces text that must occur in the reference exactly once, so an edit
can never silently stop applying.

Each assignment's catalogue is ``autograder/suites/<name>/mistakes.py`` (``MISTAKES``,
``ALTERNATIVES``): it holds reference code, so like the hidden checks it is never in a handout.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    name: str
    edits: tuple[tuple[str, str], ...]
    exercise: str | None = None  # the exercise the mistake breaks; None for an alternative
    # What the student did wrong and what to do instead: shown where a result is exactly this mistake's.
    cause: str = ""
    # The exercise's result is trivial (nothing, a constant, an arbitrary change): it must earn none of its points.
    trivial: bool = False

    def source(self, reference: str) -> str:
        text = reference
        for old, new in self.edits:
            count = text.count(old)
            if count != 1:
                raise AssertionError(f"variant {self.name}: {old!r} occurs {count} times in the reference")
            text = text.replace(old, new)
        return text


def mistake(name: str, exercise: str, *edits: tuple[str, str], cause: str, trivial: bool = False) -> Variant:
    if not cause.strip():
        raise ValueError(f"mistake {name}: a catalogued mistake needs its cause")
    return Variant(name, tuple(edits), exercise, cause.strip(), trivial)


def alternative(name: str, *edits: tuple[str, str]) -> Variant:
    return Variant(name, tuple(edits))


def catalogue_module(assignment: str):
    """``autograder.suites.<assignment>.mistakes``, or None where the assignment has no catalogue."""
    try:
        return importlib.import_module(f"autograder.suites.{assignment}.mistakes")
    except ModuleNotFoundError as e:
        if e.name != f"autograder.suites.{assignment}.mistakes":
            raise
        return None


def catalogue(assignment: str) -> tuple[list[Variant], list[Variant]]:
    """(mistakes, alternatives) of an assignment; both empty where it has no catalogue."""
    module = catalogue_module(assignment)
    if module is None:
        return [], []
    return list(module.MISTAKES), list(module.ALTERNATIVES)

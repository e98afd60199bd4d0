"""The class in figures: per exercise, per failure message, timing, and what graded it."""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field

from autograder.results import ERROR, NOT_IMPLEMENTED, PASSED, StudentResult

TIMEOUT_MARK = "did not return within"


def versions() -> dict[str, str]:
    """The kit's, torch's and Python's versions in this environment (torch is not imported just for this).
    Only a fallback for results that did not record what graded them."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for label, dist in (("kit", "d2l-linear-autograder"), ("torch", "torch")):
        try:
            found[label] = version(dist)
        except PackageNotFoundError:
            found[label] = "not installed"
    if "torch" in sys.modules:  # already imported: report exactly what is running
        found["torch"] = sys.modules["torch"].__version__
    found["python"] = platform.python_version()
    return found


ENVIRONMENT = (("autograder", "kit"), ("torch", "torch"), ("Python", "python"))


@dataclass
class Recorded:
    """One property of the grading environment over the class: each value the results recorded, with counts."""

    label: str
    counts: list[tuple[str, int]]  # most common first
    missing: int  # results that did not record it (written before it was recorded)
    fallback: str  # this environment's value, shown for those; "" when there is none to show

    def text(self) -> str:
        if not self.counts and not self.missing:
            return "n/a"
        if len(self.counts) == 1 and not self.missing:
            return self.counts[0][0]
        parts = [f"{value} \u00d7{n}" for value, n in self.counts]
        if self.missing:
            fallback = f"{self.fallback} in this environment" if self.fallback else "unknown"
            parts.append(f"{fallback} (not recorded in {self.missing} older result{'s' * (self.missing != 1)})")
        return ", ".join(parts)

    def short(self) -> str:
        """For the page's header line, when the class was graded alike."""
        if self.missing and self.fallback:
            return f"{self.fallback} (this environment; not recorded by the results)"
        return self.text()

    @property
    def mixed(self) -> bool:
        """The class was not all graded the same way (that includes what nobody recorded)."""
        return len(self.counts) + (self.missing > 0) > 1


def _recorded(label: str, values: list[str], fallback: str) -> Recorded:
    counts = Counter(v for v in values if v)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Recorded(label, ordered, sum(not v for v in values), fallback)


def grading_environment(results: list[StudentResult], current: dict[str, str] | None = None) -> list[Recorded]:
    """What graded the class, as each result recorded it (the judge wrote it when grading); this environment's
    versions stand in only for results too old to say. The isolation level has no such stand-in."""
    current = versions() if current is None else current
    found = [_recorded(label, [r.environment.get(key, "") for r in results], current.get(key, ""))
             for label, key in ENVIRONMENT]
    found.append(_recorded("isolation", [r.isolation for r in results], ""))
    return found


def normalise(message: str) -> str:
    """Group messages that differ only in numbers (values, line numbers, shapes)."""
    return re.sub(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", "#", " ".join(message.split()))


def whole_failure(result: StudentResult) -> str:
    """The one reason the whole submission failed (intake error, SyntaxError, import hang...), else ''."""
    if result.error:
        return result.error
    bad = [o for o in result.outcomes if o.status not in (PASSED, NOT_IMPLEMENTED)]
    if len(bad) < 2 or len(bad) != len(result.outcomes):
        return ""
    messages = {o.message.strip() for o in bad}
    return messages.pop() if len(messages) == 1 and "" not in messages else ""


@dataclass
class MessageGroup:
    example: str
    students: set[str] = field(default_factory=set)
    checks: Counter = field(default_factory=Counter)
    variants: set[str] = field(default_factory=set)


@dataclass
class ExerciseStats:
    name: str
    passed: int = 0
    failed: int = 0
    not_implemented: int = 0
    whole: int = 0  # students whose submission failed as a whole: counted apart, never as failing this exercise
    graded: int = 0  # students with at least one check of this exercise
    earned: float = 0.0
    points: float = 0.0
    messages: dict[str, MessageGroup] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.not_implemented + self.whole

    def top_messages(self) -> list[MessageGroup]:
        return sorted(self.messages.values(), key=lambda g: (-len(g.students), g.example))


@dataclass
class ClassStats:
    results: list[StudentResult]
    exercises: list[str]
    per_exercise: dict[str, ExerciseStats]
    timeouts: dict[str, int]  # student -> checks that timed out
    grader_errors: int  # checks the grader itself could not run
    whole: dict[str, str]  # student -> the one message every check of theirs failed with


def exercise_order(results: list[StudentResult]) -> list[str]:
    """The assignment's order (``StudentResult.exercises``), then anything seen only in outcomes."""
    order: dict[str, None] = {}
    for r in results:
        order.update(dict.fromkeys(r.exercises))
    for r in results:
        order.update(dict.fromkeys(o.exercise for o in r.outcomes))
    return list(order)


def class_stats(results: list[StudentResult]) -> ClassStats:
    exercises = exercise_order(results)
    per = {name: ExerciseStats(name) for name in exercises}
    timeouts: dict[str, int] = {}
    whole: dict[str, str] = {}
    grader_errors = 0
    for r in results:
        reason = whole_failure(r)
        if reason:
            whole[r.student] = reason
        count = sum(TIMEOUT_MARK in o.message for o in r.outcomes)
        if count:
            timeouts[r.student] = count
        grader_errors += sum(o.status == ERROR for o in r.outcomes)
        groups = r.by_exercise()
        for name in exercises:
            stats, tests = per[name], groups.get(name, [])
            status = r.exercise_status(tests)
            if tests:
                stats.graded += 1
            stats.earned += sum(o.earned for o in tests)
            stats.points += sum(o.points for o in tests)
            if reason:
                stats.whole += 1
            elif status == PASSED:
                stats.passed += 1
            elif status == NOT_IMPLEMENTED:
                stats.not_implemented += 1
            else:
                stats.failed += 1
            for o in tests:
                if o.status in (PASSED, NOT_IMPLEMENTED) or reason:
                    continue
                text = o.message.strip() or "(no message)"
                group = stats.messages.setdefault(normalise(text), MessageGroup(example=text))
                group.students.add(r.student)
                group.checks[o.name.split(": ", 1)[-1]] += 1
                group.variants.add(text)
    return ClassStats(results, exercises, per, timeouts, grader_errors, whole)

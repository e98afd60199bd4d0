"""Grading results and the files made from them: Gradescope results.json, feedback, grades.csv."""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from autograder.safe_csv import csv_text
from autograder.visibility import DEFAULT as DEFAULT_VISIBILITY
from autograder.visibility import Visibility
from autograder.visibility import load as load_visibility
from autograder.visibility import note as visibility_note

PASSED, FAILED, NOT_IMPLEMENTED, ERROR = "passed", "failed", "not implemented", "error"
ADJUSTED = "adjusted by your instructor"
# One vocabulary of statuses, for every page, the Markdown feedback and the charts: (label, css class, mark).
_SHOWN = {PASSED: ("passed", "passed", "\u2713"), NOT_IMPLEMENTED: ("not implemented yet", "notimpl", "\u2013")}
_NEEDS_WORK = ("needs work", "failed", "\u2717")  # failed, or a check the grader could not run


def status_label(status: str) -> str:
    return _SHOWN.get(status, _NEEDS_WORK)[0]


def status_class(status: str) -> str:
    return _SHOWN.get(status, _NEEDS_WORK)[1]


def status_mark(status: str) -> str:
    return _SHOWN.get(status, _NEEDS_WORK)[2]

MAX_CURVE_POINTS = 1000  # per series: enough for 1000 epochs, and a result file stays small
MAX_CURVES_PER_TEST = 4
CURVE_DIGITS = 6  # significant digits kept: plenty for a plot, and the JSON stays short


def curve_value(value: Any) -> float | None:
    """A plain number as a finite float (rounded), else None. Never parses strings: only real numbers count."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        value = float(value)
    except OverflowError:  # an int beyond float range
        return None
    return float(f"{value:.{CURVE_DIGITS}g}") if math.isfinite(value) else None


def sample_indices(length: int, count: int) -> list[int]:
    """``count`` indices spread evenly over ``range(length)``, first and last included (integer arithmetic, so
    the report recomputes exactly the epochs the judge kept)."""
    if count >= length:
        return list(range(length))
    if count <= 1:
        return [length - 1] if count == 1 else []
    return [(i * (length - 1) + (count - 1) // 2) // (count - 1) for i in range(count)]


@dataclass(frozen=True)
class Curve:
    """A student's per-epoch losses next to the reference's, recorded by a convergence check for the feedback plot.

    Values are finite floats or None (nan, inf or not a number: not drawn); a series longer than
    ``MAX_CURVE_POINTS`` keeps that many evenly spread epochs, and its ``*_length`` says how many there were.
    """

    name: str
    student: tuple[float | None, ...]
    reference: tuple[float | None, ...]
    student_length: int = 0
    reference_length: int = 0
    ylabel: str = "loss"

    def epochs(self, which: str) -> list[int]:
        """The 1-based epoch of each kept value of ``student`` or ``reference``."""
        values, length = (self.student, self.student_length) if which == "student" else \
            (self.reference, self.reference_length)
        return [i + 1 for i in sample_indices(length, len(values))]

    def final(self, which: str) -> float | None:
        """The last epoch's value (None when it was not a finite number)."""
        values = self.student if which == "student" else self.reference
        return values[-1] if values else None

    def to_json(self) -> dict:
        return {"name": self.name, "ylabel": self.ylabel, "student": list(self.student),
                "reference": list(self.reference), "student_length": self.student_length,
                "reference_length": self.reference_length}

    @classmethod
    def from_values(cls, name: str, student: list, reference: list, *, student_length: int | None = None,
                    reference_length: int | None = None, ylabel: str = "loss") -> Curve:
        """Sanitise already-sampled values (anything not a finite number becomes None)."""
        s = tuple(curve_value(v) for v in student[:MAX_CURVE_POINTS])
        r = tuple(curve_value(v) for v in reference[:MAX_CURVE_POINTS])
        return cls(name=str(name)[:200], student=s, reference=r, student_length=_length(len(s), student_length),
                   reference_length=_length(len(r), reference_length), ylabel=str(ylabel)[:40])

    @classmethod
    def from_json(cls, data: Any) -> Curve | None:
        """A curve read back from a results file (edited files included): None when it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("student"), list) \
                or not isinstance(data.get("reference"), list):
            return None
        lengths = [data.get(k) for k in ("student_length", "reference_length")]
        lengths = [n if isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 10**9 else None
                   for n in lengths]
        return cls.from_values(str(data.get("name", "")), data["student"], data["reference"],
                               student_length=lengths[0], reference_length=lengths[1],
                               ylabel=str(data.get("ylabel", "loss")))


def curve_summary(curve: Curve) -> str:
    """One line for the feedback: the final value of both series."""

    def final(which: str, length: int) -> str:
        value = curve.final(which)
        shown = "not a finite number" if value is None else f"{value:.4g}"
        return f"{shown} after {length} epoch{'s' * (length != 1)}"

    return (f"final {curve.ylabel} {final('student', curve.student_length)} "
            f"(reference solution: {final('reference', curve.reference_length)})")


def exercise_curves(tests: list[TestOutcome]) -> list[Curve]:
    return [c for o in tests for c in o.curves]


def _length(kept: int, length: int | None) -> int:
    """How many values a series had: more than were kept only if it was sampled down to the maximum."""
    return length if length and kept == MAX_CURVE_POINTS and length > kept else kept


def _curves_of(test: dict) -> list[Curve]:
    extra = test.get("extra_data")
    found = extra.get("curves") if isinstance(extra, dict) else None
    if not isinstance(found, list):
        return []
    return [c for c in map(Curve.from_json, found[:MAX_CURVES_PER_TEST]) if c is not None]


def _list(value: Any, n: int) -> list:
    """``value`` as a list of ``n`` items (older results have none: padded with None)."""
    items = list(value[:n]) if isinstance(value, list) else []
    return items + [None] * (n - len(items))


def _items(value: Any, limit: int = 1000) -> list:
    return list(value[:limit]) if isinstance(value, list) else []


def _lists_of_names(value: Any, n: int) -> list[list[str]]:
    return [[s for s in x if isinstance(s, str)] if isinstance(x, list) else [] for x in _list(value, n)]


@dataclass(frozen=True)
class Adjustment:
    """What an exercise's score became: ``delta`` is added to the points its checks earned."""

    exercise: str
    delta: float
    comment: str = ""
    by: str = ""
    when: str = ""

    def shown(self) -> str:
        return f"{self.delta:+g}"

    def to_json(self) -> dict:
        return {"exercise": self.exercise, "delta": self.delta, "comment": self.comment, "by": self.by,
                "when": self.when}

    @classmethod
    def from_json(cls, data: Any) -> Adjustment | None:
        """One read back from a results file (edited files included): None when it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("exercise"), str):
            return None
        delta = data.get("delta")
        if isinstance(delta, bool) or not isinstance(delta, int | float) or not math.isfinite(delta):
            return None
        return cls(data["exercise"], float(delta), *(str(data.get(k, ""))[:2000] for k in ("comment", "by", "when")))


@dataclass
class TestOutcome:
    test: str  # the test function's name
    name: str  # what the student reads: "sgd: updates the parameters in place"
    exercise: str
    points: float
    earned: float
    status: str
    message: str = ""
    hidden: bool = True
    curves: list[Curve] = field(default_factory=list)  # loss curves a convergence check recorded
    builds_on: list[str] = field(default_factory=list)  # exercises it reached in the student's own versions
    raised_in: str = ""  # where the student's code raised, by top-level name


@dataclass
class StudentResult:
    student: str
    assignment: str
    outcomes: list[TestOutcome] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)  # assignment order
    error: str = ""  # why nothing could be graded (no module found, ...)
    seconds: float = 0.0
    seed: int = 0
    isolation: str = ""
    source_sha256: str = ""
    output: str = ""  # the tail of what the student's code printed
    note: str = ""  # why the id is not simply the upload's name (see student_ids)
    stubs: list[str] = field(default_factory=list)  # exercises whose code still raises NotImplementedError
    # What graded it, as the judge saw it: kit, torch and Python versions (empty in older results).
    environment: dict[str, str] = field(default_factory=dict)
    # The instructor's, from OUT/overrides.csv (see overrides): never the judge's.
    adjustments: list[Adjustment] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(o.earned for o in self.outcomes) + sum(a.delta for a in self.adjustments), 6)

    @property
    def max_score(self) -> float:
        return round(sum(o.points for o in self.outcomes), 6)

    def by_exercise(self) -> dict[str, list[TestOutcome]]:
        groups: dict[str, list[TestOutcome]] = {name: [] for name in self.exercises}
        for o in self.outcomes:
            groups.setdefault(o.exercise, []).append(o)
        return groups

    def graded_points(self) -> dict[str, float]:
        """Per exercise, what its checks earned (before any adjustment)."""
        return {name: round(sum(o.earned for o in tests), 6) for name, tests in self.by_exercise().items()}

    def exercise_points(self) -> dict[str, float]:
        """Per exercise, the score: what its checks earned, adjusted by the instructor."""
        points = self.graded_points()
        for a in self.adjustments:
            points[a.exercise] = round(points.get(a.exercise, 0.0) + a.delta, 6)
        return points

    def adjustments_of(self, exercise: str) -> list[Adjustment]:
        return [a for a in self.adjustments if a.exercise == exercise]

    def exercise_status(self, tests: list[TestOutcome]) -> str:
        if tests and all(o.status == NOT_IMPLEMENTED for o in tests):
            return NOT_IMPLEMENTED
        if tests and all(o.status == PASSED for o in tests):
            return PASSED
        return FAILED

    def waiting_on(self, exercise: str) -> list[str]:
        """The exercises whose own failure keeps this one from being judged, in assignment order.

        Only a check that ran on the student's own versions of what it builds on has any (a handout's
        self-check; grading gives the book's). When such a check fails while one of those does not pass
        either, it says nothing yet about this exercise. A dependency that is itself waiting is replaced by
        what it waits on, so the student is sent to the first bug. A stub of the exercise itself is not
        waiting: its NotImplementedError was raised in its own code.
        """
        groups = self.by_exercise()
        if exercise in self.stubs:
            return []

        def direct(name: str) -> set[str]:
            found = set()
            for o in groups.get(name, []):
                if o.status == PASSED or (o.status == NOT_IMPLEMENTED and o.raised_in not in o.builds_on):
                    continue
                found.update(d for d in o.builds_on if d != name and self.exercise_status(groups.get(d, [])) != PASSED)
            return found

        roots, seen, todo = set(), {exercise}, list(direct(exercise))
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            upstream = direct(name)
            if upstream:
                todo.extend(upstream)
            else:
                roots.add(name)
        return [name for name in groups if name in roots]

    # ------------------------------------------------------------ Gradescope

    def ordered_outcomes(self) -> list[TestOutcome]:
        """By exercise in assignment order, then as the checks ran (stable)."""
        position = {name: i for i, name in enumerate(self.exercises)}
        return sorted(self.outcomes, key=lambda o: position.get(o.exercise, len(position)))

    def to_gradescope(self, visibility: Visibility = DEFAULT_VISIBILITY) -> dict:
        """Gradescope's results.json: score, tests[] (name, score, max_score, output, visibility, tags)."""
        outcomes = self.ordered_outcomes()
        levels = [visibility.of(o.test, o.hidden) for o in outcomes]
        later = visibility_note([(level, o.points) for level, o in zip(levels, outcomes)])
        tests = [
            {
                "name": o.name,
                "score": o.earned,
                "max_score": o.points,
                "status": "passed" if o.status == PASSED else "failed",
                "output": o.message,
                "visibility": level,
                "tags": [o.exercise],
                # Gradescope's spec allows extra_data per test (stored, not shown).
                **({"extra_data": {"curves": [c.to_json() for c in o.curves]}} if o.curves else {}),
            }
            for o, level in zip(outcomes, levels)
        ]
        for a in self.adjustments:  # after its exercise's checks; worth no points of its own
            after = max((i + 1 for i, o in enumerate(outcomes) if o.exercise == a.exercise), default=len(tests))
            after += sum(1 for t in tests[:after] if t.get("extra_data", {}).get("adjustment"))
            tests.insert(after, {"name": f"{a.exercise}: {ADJUSTED}", "score": a.delta, "max_score": 0,
                                 "status": "passed", "output": a.comment, "visibility": "visible",
                                 "tags": [a.exercise], "extra_data": {"adjustment": True}})
        return {
            "score": self.score,
            "execution_time": round(self.seconds, 3),
            "output": self.summary() + (f"\n\n{later}" if later else ""),
            "visibility": "visible",
            "tests": tests,
            "extra_data": {
                "student": self.student,
                "assignment": self.assignment,
                "max_score": self.max_score,
                "exercises": self.exercises,
                "statuses": [o.status for o in outcomes],
                "tests": [o.test for o in outcomes],
                "hidden": [o.hidden for o in outcomes],
                "builds_on": [o.builds_on for o in outcomes],
                "raised_in": [o.raised_in for o in outcomes],
                "error": self.error,
                "seed": self.seed,
                "isolation": self.isolation,
                "source_sha256": self.source_sha256,
                "stdout": self.output,
                "id_note": self.note,
                "stubs": list(self.stubs),
                "versions": dict(self.environment),
                "adjustments": [a.to_json() for a in self.adjustments],
            },
        }

    @classmethod
    def from_gradescope(cls, data: dict) -> StudentResult:
        extra = data.get("extra_data", {})
        graded = [t for t in data["tests"] if not (isinstance(t.get("extra_data"), dict)
                                                   and t["extra_data"].get("adjustment"))]
        n = len(graded)
        builds_on = _lists_of_names(extra.get("builds_on"), n)
        raised_in = [str(x) if isinstance(x, str) else "" for x in _list(extra.get("raised_in"), n)]
        outcomes = [
            TestOutcome(test=name, name=t["name"], exercise=t["tags"][0], points=t["max_score"],
                        earned=t["score"], status=status, message=t.get("output", ""), hidden=hidden,
                        curves=_curves_of(t), builds_on=deps, raised_in=where)
            for t, status, name, hidden, deps, where in zip(graded, extra["statuses"], extra["tests"],
                                                            extra["hidden"], builds_on, raised_in)
        ]
        versions = extra.get("versions")
        environment = {str(k)[:40]: v[:200] for k, v in versions.items() if isinstance(v, str) and v} \
            if isinstance(versions, dict) else {}
        return cls(student=extra["student"], assignment=extra["assignment"], outcomes=outcomes,
                   exercises=extra["exercises"], error=extra.get("error", ""), seconds=data.get("execution_time", 0),
                   seed=extra.get("seed", 0), isolation=extra.get("isolation", ""),
                   source_sha256=extra.get("source_sha256", ""), output=extra.get("stdout", ""),
                   note=str(extra.get("id_note", "")),
                   stubs=[s for s in _list(extra.get("stubs"), len(extra.get("exercises", []))) if isinstance(s, str)],
                   environment=environment,
                   adjustments=[a for a in map(Adjustment.from_json, _items(extra.get("adjustments")))
                                if a is not None])

    def summary(self) -> str:
        text = f"{self.score:g} / {self.max_score:g} points"
        if self.note:
            text = f"Your id: {self.student} ({self.note})\n\n{text}"
        if self.error:
            text = f"{self.error}\n\n{text}"
        if self.output:
            text += f"\n\nWhat your code printed (the end of it):\n{self.output[-2000:]}"
        return text

    # ------------------------------------------------------------ feedback

    def feedback_markdown(self) -> str:
        """The Markdown feedback (``autograder/templates/feedback.md.j2``)."""
        from autograder.report.pages import feedback_markdown

        return feedback_markdown(self)


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; results are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_student(out: Path, result: StudentResult) -> None:
    data = result.to_gradescope(load_visibility(out))
    atomic_write(out / "results" / f"{result.student}.json", json.dumps(data, indent=2) + "\n")
    atomic_write(out / "feedback" / f"{result.student}.md", result.feedback_markdown())


def restamp_visibility(out: Path) -> None:
    """Rewrite the results already in ``out`` with the visibility now chosen (the rest is rebuilt as it was)."""
    for path in sorted((out / "results").glob("*.json")):
        write_student(out, StudentResult.from_gradescope(json.loads(path.read_text(encoding="utf-8"))))


def read_results(out: Path) -> list[StudentResult]:
    results = []
    for path in sorted((out / "results").glob("*.json")):
        results.append(StudentResult.from_gradescope(json.loads(path.read_text(encoding="utf-8"))))
    return results


def grades_csv(results: list[StudentResult], exercises: list[str]) -> str:
    rows = [["student", "score", "max_score", *exercises]]
    for r in sorted(results, key=lambda r: r.student):
        points = r.exercise_points()
        rows.append([r.student, f"{r.score:g}", f"{r.max_score:g}", *(f"{points.get(e, 0):g}" for e in exercises)])
    return csv_text(rows)


def as_dict(result: StudentResult) -> dict:
    return asdict(result)

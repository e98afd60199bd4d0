"""Grading results and the files made from them: Gradescope results.json, feedback, grades.csv."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

PASSED, FAILED, NOT_IMPLEMENTED, ERROR = "passed", "failed", "not implemented", "error"


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

    @property
    def score(self) -> float:
        return round(sum(o.earned for o in self.outcomes), 6)

    @property
    def max_score(self) -> float:
        return round(sum(o.points for o in self.outcomes), 6)

    def by_exercise(self) -> dict[str, list[TestOutcome]]:
        groups: dict[str, list[TestOutcome]] = {name: [] for name in self.exercises}
        for o in self.outcomes:
            groups.setdefault(o.exercise, []).append(o)
        return groups

    def exercise_points(self) -> dict[str, float]:
        return {name: round(sum(o.earned for o in tests), 6) for name, tests in self.by_exercise().items()}

    def exercise_status(self, tests: list[TestOutcome]) -> str:
        if tests and all(o.status == NOT_IMPLEMENTED for o in tests):
            return NOT_IMPLEMENTED
        if tests and all(o.status == PASSED for o in tests):
            return PASSED
        return FAILED

    # ------------------------------------------------------------ Gradescope

    def to_gradescope(self) -> dict:
        """Gradescope's results.json: score, tests[] (name, score, max_score, output, visibility, tags)."""
        return {
            "score": self.score,
            "execution_time": round(self.seconds, 3),
            "output": self.summary(),
            "visibility": "visible",
            "tests": [
                {
                    "name": o.name,
                    "score": o.earned,
                    "max_score": o.points,
                    "status": "passed" if o.status == PASSED else "failed",
                    "output": o.message,
                    "visibility": "visible",
                    "tags": [o.exercise],
                }
                for o in self.outcomes
            ],
            "extra_data": {
                "student": self.student,
                "assignment": self.assignment,
                "max_score": self.max_score,
                "exercises": self.exercises,
                "statuses": [o.status for o in self.outcomes],
                "tests": [o.test for o in self.outcomes],
                "hidden": [o.hidden for o in self.outcomes],
                "error": self.error,
                "seed": self.seed,
                "isolation": self.isolation,
                "source_sha256": self.source_sha256,
                "stdout": self.output,
            },
        }

    @classmethod
    def from_gradescope(cls, data: dict) -> StudentResult:
        extra = data.get("extra_data", {})
        outcomes = [
            TestOutcome(test=name, name=t["name"], exercise=t["tags"][0], points=t["max_score"],
                        earned=t["score"], status=status, message=t.get("output", ""), hidden=hidden)
            for t, status, name, hidden in zip(data["tests"], extra["statuses"], extra["tests"], extra["hidden"])
        ]
        return cls(student=extra["student"], assignment=extra["assignment"], outcomes=outcomes,
                   exercises=extra["exercises"], error=extra.get("error", ""), seconds=data.get("execution_time", 0),
                   seed=extra.get("seed", 0), isolation=extra.get("isolation", ""),
                   source_sha256=extra.get("source_sha256", ""), output=extra.get("stdout", ""))

    def summary(self) -> str:
        text = f"{self.score:g} / {self.max_score:g} points"
        if self.error:
            text = f"{self.error}\n\n{text}"
        if self.output:
            text += f"\n\nWhat your code printed (the end of it):\n{self.output[-2000:]}"
        return text

    # ------------------------------------------------------------ feedback

    def feedback_markdown(self) -> str:
        lines = [f"# {self.assignment}: feedback for {self.student}", "",
                 f"**Score: {self.score:g} / {self.max_score:g}**", ""]
        if self.error:
            lines += [f"> {self.error}", ""]
        if self.output:
            lines += ["What your code printed (the end of it):", "", "```", self.output[-2000:].rstrip(), "```", ""]
        for exercise, tests in self.by_exercise().items():
            earned = sum(o.earned for o in tests)
            total = sum(o.points for o in tests)
            status = self.exercise_status(tests)
            mark = {PASSED: "passed", NOT_IMPLEMENTED: "not implemented yet"}.get(status, "needs work")
            lines.append(f"## `{exercise}`: {earned:g} / {total:g} ({mark})")
            if status == NOT_IMPLEMENTED:
                lines += ["", "Not implemented yet: replace the `raise NotImplementedError` with your code.", ""]
                continue
            lines.append("")
            for o in tests:
                box = "x" if o.status == PASSED else " "
                lines.append(f"- [{box}] {o.name.split(': ', 1)[-1]} ({o.earned:g}/{o.points:g})")
                if o.status != PASSED and o.message and o.message != self.error:
                    lines.append(f"  - {o.message}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


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
    atomic_write(out / "results" / f"{result.student}.json", json.dumps(result.to_gradescope(), indent=2) + "\n")
    atomic_write(out / "feedback" / f"{result.student}.md", result.feedback_markdown())


def read_results(out: Path) -> list[StudentResult]:
    results = []
    for path in sorted((out / "results").glob("*.json")):
        results.append(StudentResult.from_gradescope(json.loads(path.read_text(encoding="utf-8"))))
    return results


def grades_csv(results: list[StudentResult], exercises: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", "score", "max_score", *exercises])
    for r in sorted(results, key=lambda r: r.student):
        points = r.exercise_points()
        writer.writerow([r.student, f"{r.score:g}", f"{r.max_score:g}", *(f"{points.get(e, 0):g}" for e in exercises)])
    return buf.getvalue()


def as_dict(result: StudentResult) -> dict:
    return asdict(result)

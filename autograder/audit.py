"""The mutation audit: how well an assignment's grading suite catches the mistakes students make.

``python -m autograder audit NAME [--json FILE]`` grades every mutant of the reference
(``autograder.mutants``) through the engine, in one batch with the reference itself, and sorts them:

- killed: it loses points on its own exercise (the suite caught it);
- survived: it loses nothing (a blind spot: a stronger check, or an entry in the equivalents file);
- cost another exercise: it loses points elsewhere too (a fairness leak: one bug, two exercises);
- equivalent: the author says it behaves as the reference does, with a reason, in
  ``autograder/suites/NAME/equivalent_mutants.json`` (``[{"id", "before", "after", "reason"}]``).

It exits 0 when every mutant that is not equivalent is killed. Mutation analysis of a model
solution stands in for students' real faults (Clegg, McMinn and Fraser, SIGCSE 2021).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignments import SUITES, Assignment
from autograder.grade import grade
from autograder.mutants import Mutant, mutants

EQUIVALENTS_FILE = "equivalent_mutants.json"
AUDIT_SEED = 20211  # fixed: the same suite and reference give the same audit
REFERENCE = "reference"  # the batch's own student holding the unmutated solution


class AuditError(RuntimeError):
    """The audit cannot be trusted as it stands (the reference itself loses points, a bad equivalents file)."""


@dataclass
class Verdict:
    mutant: Mutant
    lost: dict[str, float]  # exercise -> points lost against the reference
    equivalent: str = ""  # the author's reason, when marked equivalent

    @property
    def killed(self) -> bool:
        return self.mutant.exercise in self.lost

    @property
    def cross(self) -> dict[str, float]:
        return {e: p for e, p in self.lost.items() if e != self.mutant.exercise}

    def row(self) -> dict:
        m = self.mutant
        return {"id": m.id, "exercise": m.exercise, "line": m.line, "operator": m.operator, "before": m.before,
                "after": m.after}


@dataclass
class Audit:
    assignment: str
    verdicts: list[Verdict] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)

    @property
    def survivors(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.killed and not v.equivalent]

    @property
    def killed(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.killed]

    @property
    def equivalent(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.equivalent and not v.killed]

    @property
    def score(self) -> float:
        """Killed among the mutants not marked equivalent (1.0 when there are none)."""
        counted = len(self.verdicts) - len(self.equivalent)
        return len(self.killed) / counted if counted else 1.0

    def to_json(self) -> dict:
        return {
            "assignment": self.assignment,
            "mutants": len(self.verdicts),
            "killed": len(self.killed),
            "equivalent": [dict(v.row(), reason=v.equivalent) for v in self.equivalent],
            "score": round(self.score, 4),
            "survivors": [v.row() for v in self.survivors],
            "cross_exercise": [dict(v.row(), lost=v.cross) for v in self.verdicts if v.cross],
            "by_exercise": {e: self._counts(e) for e in self.exercises},
        }

    def _counts(self, exercise: str) -> dict[str, int]:
        mine = [v for v in self.verdicts if v.mutant.exercise == exercise]
        return {"mutants": len(mine), "killed": sum(v.killed for v in mine),
                "survived": sum(not v.killed and not v.equivalent for v in mine),
                "equivalent": sum(bool(v.equivalent) and not v.killed for v in mine),
                "cost_another": sum(bool(v.cross) for v in mine)}

    def table(self) -> str:
        width = max([len(e) for e in self.exercises] + [8])
        head = (f"Mutation audit of {self.assignment}: {len(self.verdicts)} mutants, {len(self.killed)} killed, "
                f"{len(self.survivors)} survived, {len(self.equivalent)} equivalent "
                f"(score {100 * self.score:.1f}%)")
        rows = [head, "", f"  {'exercise':<{width}}  mutants  killed  survived  equivalent  cost another"]
        for e in self.exercises:
            c = self._counts(e)
            rows.append(f"  {e:<{width}}  {c['mutants']:>7}  {c['killed']:>6}  {c['survived']:>8}  "
                        f"{c['equivalent']:>10}  {c['cost_another']:>12}")
        if self.survivors:
            rows += ["", "Survivors (the suite does not notice these; strengthen a check or mark one equivalent "
                         f"in {EQUIVALENTS_FILE}):"]
            rows += [_describe(v) for v in self.survivors]
        crossing = [v for v in self.verdicts if v.cross]
        if crossing:
            rows += ["", "Mutants that cost another exercise too (one bug, two exercises):"]
            rows += [_describe(v) + "  loses " + ", ".join(f"{e} {p:g}" for e, p in v.cross.items())
                     for v in crossing]
        return "\n".join(rows)


def _describe(v: Verdict) -> str:
    m = v.mutant
    return f"  {m.id}  line {m.line}, {m.operator}: `{m.before}` -> `{m.after}`"


def equivalents(assignment: Assignment) -> dict[str, str]:
    """Mutant id -> the author's reason, from the file beside the suite (none when there is no file)."""
    path = SUITES / assignment.name / EQUIVALENTS_FILE
    if not path.is_file():
        return {}
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise AuditError(f"{path} is not valid JSON: {e}") from None
    out = {}
    for k, row in enumerate(rows if isinstance(rows, list) else [None]):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not str(row.get("reason", "")).strip():
            raise AuditError(f"{path}: entry {k} needs an \"id\" and a \"reason\" (why the mutant behaves as the "
                             "reference does)")
        out[row["id"]] = row["reason"].strip()
    return out


def audit(assignment: Assignment, *, workers: int = 0, exercises: list[str] | None = None,
          keep: Path | None = None) -> Audit:
    """Grade every mutant of the reference (of ``exercises``, default all) in one batch and sort them."""
    source = assignment.solution.read_text(encoding="utf-8")
    every = mutants(source, assignment.exercises)
    found = [m for m in every if exercises is None or m.exercise in exercises]
    marked = equivalents(assignment)
    stale = set(marked) - {m.id for m in every}
    if stale:
        raise AuditError(f"{EQUIVALENTS_FILE} of {assignment.name} names mutants the reference no longer has: "
                         f"{', '.join(sorted(stale))} (the code changed: look at them again)")
    work = Path(tempfile.mkdtemp(prefix="audit-")) if keep is None else keep
    try:
        folder = work / "submissions"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{REFERENCE}.py").write_text(source, encoding="utf-8")
        for m in found:
            (folder / f"{m.id}.py").write_text(m.source, encoding="utf-8")
        batch = grade(assignment, folder, work / "out", workers=workers, seed=AUDIT_SEED, quiet=True, force=True)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    results = {r.student: r for r in batch.results}
    reference = results[REFERENCE]
    if reference.score != reference.max_score:
        lost = [f"{o.name}: {o.message}" for o in reference.outcomes if o.earned < o.points]
        raise AuditError(f"the reference itself loses points, so no mutant can be judged: {lost[:3]}")
    full = reference.exercise_points()
    verdicts = []
    for m in found:
        got = results[m.id].exercise_points()
        lost = {e: round(full[e] - got.get(e, 0.0), 6) for e in full if got.get(e, 0.0) < full[e] - 1e-9}
        verdicts.append(Verdict(m, lost, marked.get(m.id, "")))
    return Audit(assignment.name, verdicts, [e for e in assignment.exercises if exercises is None or e in exercises])


def write_json(result: Audit, path: Path) -> None:
    path.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")


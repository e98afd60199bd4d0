"""Command line: ``python -m autograder list | check | grade | override | report | export | release | stubs | new |
validate | audit``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from autograder import assignments
from autograder.limits import GiB, Limits


def cmd_list(args: argparse.Namespace) -> int:
    from autograder.catalog import exercise_points

    for a in assignments.all_assignments():
        points = exercise_points(a)
        print(f"{a.name}  ({sum(points.values()):g} points)")
        for name in a.exercises:
            print(f"  {name:<28} {points.get(name, 0):g}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from autograder.selfcheck import render, self_check

    assignment = assignments.get(args.assignment)
    path = Path(args.path) if args.path else assignment.stub
    result = self_check(assignment, path, seed=args.seed, timeout=args.timeout)
    print(render(result, path))
    return 0 if result.score == result.max_score else 1


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.grade import GradeError, grade

    assignment = assignments.get(args.assignment)
    limits = Limits()
    for option, field, scale in (("timeout", "call_seconds", 1), ("submission_timeout", "submission_seconds", 1),
                                 ("memory_gib", "memory_bytes", GiB), ("cpu_seconds", "cpu_seconds", 1),
                                 ("max_processes", "processes", 1), ("max_file_mib", "file_bytes", 1024**2),
                                 ("max_open_files", "open_files", 1)):
        value = getattr(args, option)
        if value is not None:
            limits = replace(limits, **{field: type(getattr(limits, field))(value * scale)})
    try:
        batch = grade(assignment, Path(args.submissions), Path(args.out), workers=args.workers, limits=limits,
                      seed=args.seed, quiet=args.quiet, isolation=args.isolation, force=args.force,
                      only=args.only, scheduler=args.scheduler, visibility=args.visibility,
                      self_checks=args.self_checks)
    except GradeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    full = sum(r.score == r.max_score for r in batch.results)
    print(f"Graded {batch.graded} submissions in {batch.seconds:.1f} s; {len(batch.results)} in grades.csv, "
          f"{full} with full marks. Isolation: {batch.isolation}.")
    print(f"  grades:   {batch.out / 'grades.csv'}")
    print(f"  results:  {batch.out / 'results'}/<student>.json (Gradescope format)")
    print(f"  feedback: {batch.out / 'feedback'}/<student>.md and .html")
    print(f"  report:   {batch.out / 'report.html'}")
    return 0


class _NotGraded(Exception):
    pass


def _graded(out: Path) -> tuple[assignments.Assignment, list]:
    """The assignment and results of a graded --out folder (_NotGraded says why there are none)."""
    from autograder.results import read_results

    if not (out / "results").is_dir():
        raise _NotGraded(f"{out / 'results'} not found: grade a class into {out} first")
    results = read_results(out)
    names = sorted({r.assignment for r in results})
    if len(names) != 1:
        raise _NotGraded(f"{out / 'results'} holds results of {len(names)} assignments "
                         f"({', '.join(names) or 'none'}); one --out folder is one assignment")
    try:
        return assignments.get(names[0]), results
    except KeyError:
        raise _NotGraded(f"{out / 'results'} holds results of {names[0]}, which this kit does not have") from None


def cmd_report(args: argparse.Namespace) -> int:
    from autograder.overrides import OverrideError
    from autograder.publish import publish

    out = Path(args.out)
    try:
        assignment, results = _graded(out)
        publish(out, assignment, results)
    except (_NotGraded, OverrideError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"  grades:   {out / 'grades.csv'}")
    print(f"  report:   {out / 'report.html'}")
    print(f"  feedback: {out / 'feedback'}/<student>.html")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from autograder.export import ExportError, export, read_roster
    from autograder.overrides import OverrideError
    from autograder.publish import publish
    from autograder.results import atomic_write

    out = Path(args.out)
    try:
        assignment, results = _graded(out)
        results = publish(out, assignment, results)  # what is exported is what grades.csv says, overrides applied
        roster = read_roster(Path(args.roster), args.key, [r.student for r in results]) if args.roster else None
        made = export(results, assignment.exercises, args.format, roster, args.column or assignment.name)
    except (_NotGraded, OverrideError, ExportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    path = Path(args.output) if args.output else out / f"{assignment.name}-{args.format}.csv"
    atomic_write(path, made.text)
    print(f"Wrote {path}: {len(results) - len(made.unrostered)} graded students"
          + (f" of {len(roster.rows)} on the roster, joined on its {roster.key!r} column" if roster else ""))
    for label, names in (("on the roster, no submission (left blank)", made.unsubmitted),
                         ("submitted, not on the roster (exported by their id)", made.unrostered)):
        if names:
            print(f"  {len(names)} {label}: {', '.join(names)}")
    return 0


def cmd_override(args: argparse.Namespace) -> int:
    import datetime
    import getpass

    from autograder import overrides
    from autograder.publish import publish
    from autograder.safe_csv import csv_text

    out = Path(args.out)
    row = {"student": args.student, "exercise": args.exercise, "points": args.points, "comment": args.comment,
           "by": args.by if args.by is not None else getpass.getuser(),
           "when": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
    try:
        assignment, results = _graded(out)
        source = str(out / overrides.FILENAME)
        new = overrides.parse(csv_text([list(row), list(row.values())]), "the new override")
        rows = [*overrides.read(out), *(replace(o, line=0) for o in new)]
        overrides.plan(rows, results, overrides.maxima(assignment), source)  # refuses before the file changes
        path = overrides.append(out, row)
        published = publish(out, assignment, results)
    except (_NotGraded, overrides.OverrideError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    mine = next(r for r in published if r.student == args.student)
    print(f"{args.student}: {args.exercise} now {mine.exercise_points()[args.exercise]:g}, "
          f"total {mine.score:g} / {mine.max_score:g}; recorded in {path}")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from autograder.release import ReleaseError, build_release

    out = Path(args.out)
    try:
        made = build_release(out, args.assignments or None, gradescope_visibility=args.gradescope_visibility)
    except ReleaseError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for path in made:
        print(f"  {path}")
    print(f"Handouts (give these to students): {out}/<assignment>/ and {out}/<assignment>.zip")
    print(f"nbgrader course: {out / 'nbgrader'}   Gradescope autograders: {out / 'gradescope'}/<assignment>.zip")
    return 0


def cmd_stubs(args: argparse.Namespace) -> int:
    from autograder.stubs import stub_for

    stale = []
    for a in assignments.all_assignments():
        text = stub_for(a.solution)
        if a.stub.exists() and a.stub.read_text(encoding="utf-8") == text:
            continue
        stale.append(a.stub)
        if not args.check:
            a.stub.parent.mkdir(parents=True, exist_ok=True)
            a.stub.write_text(text, encoding="utf-8")
            print(f"wrote {a.stub}")
    if args.check and stale:
        print("stubs out of date (run `python -m autograder stubs`): " + ", ".join(map(str, stale)))
        return 1
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from autograder.scaffold import ScaffoldError, new_assignment

    try:
        written = new_assignment(args.name)
    except ScaffoldError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(f"Next: python -m autograder validate {args.name}; python -m autograder audit {args.name}; then replace "
          "the example exercise `scale` with your own, keeping both clean.")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from autograder.validate import problems, write_table

    chosen = [assignments.get(n) for n in args.assignments] or assignments.all_assignments()
    found = []
    for a in chosen:
        if args.write and write_table(a):
            print(f"wrote the points table of assignments/{a.name}/README.md")
        found += problems(a)
    for problem in found:
        print(problem)
    if not found:
        print(f"{len(chosen)} assignment(s) valid: {', '.join(a.name for a in chosen)}")
    return 1 if found else 0


def cmd_audit(args: argparse.Namespace) -> int:
    from autograder.audit import AuditError, audit, write_json

    assignment = assignments.get(args.assignment)
    try:
        result = audit(assignment, workers=args.workers, exercises=args.exercise or None)
    except AuditError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(result.table())
    if args.json:
        write_json(result, Path(args.json))
    return 0 if not result.survivors else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="assignments, exercises and points")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("check", help="self-check a module with the public checks")
    p.add_argument("assignment")
    p.add_argument("path", nargs="?", help="your module (default: the one in assignments/)")
    p.add_argument("--seed", type=int)
    p.add_argument("--timeout", type=float, help="seconds per call (default 10)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("new", help="start a new assignment: solution, suites, catalogue, README and stub")
    p.add_argument("name", help="the assignment's name, a module name (e.g. mlp)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("validate", help="check an assignment as authored: marks, coverage, points tables")
    p.add_argument("assignments", nargs="*", help="default: every assignment")
    p.add_argument("--write", action="store_true", help="regenerate the points tables in the READMEs first")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("audit", help="mutation audit: does the grading suite catch each mutant of the reference?")
    p.add_argument("assignment")
    p.add_argument("--json", metavar="FILE", help="also write the audit as JSON")
    p.add_argument("--workers", type=int, default=0, help="parallel judges (default: number of cores)")
    p.add_argument("--exercise", action="append", metavar="NAME", help="only this exercise's mutants (repeatable)")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("grade", help="grade a folder of submissions")
    p.add_argument("assignment")
    p.add_argument("submissions", help="folder with <student>/<assignment>.py or <student>.py")
    p.add_argument("--out", required=True, help="where grades.csv, results/ and feedback/ go")
    p.add_argument("--workers", type=int, default=0, help="parallel judges (default: number of cores)")
    p.add_argument("--timeout", type=float, help="wall-clock seconds per call (default 10)")
    p.add_argument("--submission-timeout", type=float, help="wall-clock seconds per submission (default 300)")
    p.add_argument("--memory-gib", type=float, help="address space per submission, GiB (default 6)")
    p.add_argument("--cpu-seconds", type=int, help="CPU seconds per runner process (default 300)")
    p.add_argument("--max-processes", type=int, help="processes per runner where enforceable (default 256)")
    p.add_argument("--max-file-mib", type=int, help="largest file a submission may write, MiB (default 64)")
    p.add_argument("--max-open-files", type=int, help="open files per runner (default 256)")
    p.add_argument("--isolation", default="auto", choices=["auto", "strict", "rlimits"],
                   help="auto: namespaces when the host allows them; strict: refuse without; rlimits: fallback only")
    p.add_argument("--seed", type=int, help="seed for the generated inputs (default: the folder's, else random)")
    p.add_argument("--force", action="store_true", help="regrade submissions whose results are up to date")
    p.add_argument("--only", action="append", metavar="STUDENT", help="regrade just this student (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--visibility", metavar="SPEC",
                   help="Gradescope visibility of the checks in results/*.json, e.g. hidden=after_due_date or "
                        "public=visible,hidden=after_published,TEST=hidden (levels: hidden, after_due_date, "
                        "after_published, visible; default public=visible,hidden=after_published); kept in OUT")
    p.add_argument("--self-checks", action="store_true",
                   help="also run the public checks, for 0 points: results then hold what students may see at once "
                        "(the Gradescope autograder does this)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="grade on this Dask cluster, one task per submission (needs the 'scale' extra; "
                        "--workers is then ignored)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("report", help="rebuild grades.csv, report.html and the feedback from a graded --out folder "
                                      "(after editing OUT/overrides.csv)")
    p.add_argument("out", help="the --out folder of a grade run")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("override", help="adjust one student's score on one exercise (kept in OUT/overrides.csv)")
    p.add_argument("out", help="the --out folder of a grade run")
    p.add_argument("student")
    p.add_argument("exercise")
    p.add_argument("points", help="the exercise's new score (4), or a change to it (+1, -0.5)")
    p.add_argument("--comment", default="", help="why: the student reads it in their feedback")
    p.add_argument("--by", help="who adjusted it (default: your user name)")
    p.set_defaults(func=cmd_override)

    p = sub.add_parser("export", help="grades for a gradebook import: Canvas, Moodle or CSV, joined to a roster")
    p.add_argument("out", help="the --out folder of a grade run")
    p.add_argument("--format", required=True, choices=["canvas", "moodle", "csv"])
    p.add_argument("--roster", metavar="ROSTER.csv",
                   help="students with their LMS ids (e.g. Canvas's gradebook export); joined by student id")
    p.add_argument("--key", metavar="COLUMN",
                   help="the roster column holding the student id (default: the column matching the most "
                        "submissions)")
    p.add_argument("--column", help="the assignment's column name in the gradebook (default: its name; for an "
                                    "existing Canvas assignment, Canvas's 'Name (id)')")
    p.add_argument("--output", metavar="FILE", help="default: OUT/<assignment>-<format>.csv")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("release", help="write student handouts, the nbgrader course and Gradescope autograders")
    p.add_argument("assignments", nargs="*", help="default: every assignment")
    p.add_argument("--out", default="release", help="where to write (default: release/)")
    p.add_argument("--gradescope-visibility", metavar="SPEC", default="",
                   help="when Gradescope shows each check, as for grade --visibility (default: public checks "
                        "visible, hidden checks after_published)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("stubs", help="regenerate the student stubs from the solutions")
    p.add_argument("--check", action="store_true", help="only report stubs that differ")
    p.set_defaults(func=cmd_stubs)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)

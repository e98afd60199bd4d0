"""The same N nbgrader notebooks graded by `nbgrader autograde` and by the kit, in one run.

    python -m benchmarks.nbgrader_vs_kit [--n 20] [--assignment linear_regression] [--workers 2]

Builds the release, generates the nbgrader student notebook (`nbgrader generate_assignment`),
fills N copies: correct ones (the reference) and buggy ones (the catalogued mistakes of
autograder/suites/<assignment>/mistakes.py, one per copy, in turn), then grades them twice: with `nbgrader autograde`
(a fresh kernel, a torch import and every check per notebook, all in the notebook's process)
and with `python -m autograder grade` on the very same .ipynb files (warm forked runners).
Prints both wall times, the ratio, and whether every notebook got the same score from both.
Timing is machine-dependent: nothing here passes or fails a build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.assignments import Assignment  # noqa: E402
from autograder.notebooks import fill_notebook  # noqa: E402
from autograder.release import build_release  # noqa: E402
from tests.conftest import catalogue  # noqa: E402


def _run(cmd: list[str], cwd: Path) -> float:
    env = dict(os.environ, OMP_NUM_THREADS="1")
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def class_of_notebooks(assignment: Assignment, released: bytes, n: int) -> dict[str, bytes]:
    """N filled copies of the nbgrader student notebook: every third correct, the rest one mistake each."""
    solution = assignment.solution.read_text(encoding="utf-8")
    mistakes, _ = catalogue(assignment.name)
    notebooks = {}
    for k in range(n):
        if k % 3 == 0 or not mistakes:
            name, source = f"s{k:04d}_correct", solution
        else:
            mistake = mistakes[k % len(mistakes)]
            name, source = f"s{k:04d}_{mistake.name}", mistake.source(solution)
        notebooks[name] = fill_notebook(released, source)
    return notebooks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="notebooks to grade (default 20)")
    parser.add_argument("--assignment", default="linear_regression")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="the kit's parallel judges")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course folder")
    args = parser.parse_args(argv)
    assignment = Assignment(args.assignment)
    name = assignment.name
    tmp = Path(tempfile.mkdtemp(prefix="nbgrader-vs-kit-"))
    try:
        build_release(tmp / "release", [name])
        course = tmp / "course"
        shutil.copytree(tmp / "release" / "nbgrader", course)
        _run([sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force"], course)
        released = (course / "release" / name / f"{name}.ipynb").read_bytes()
        notebooks = class_of_notebooks(assignment, released, args.n)
        kit_class = tmp / "submissions"
        kit_class.mkdir()
        for student, data in notebooks.items():
            folder = course / "submitted" / student / name
            folder.mkdir(parents=True)
            (folder / f"{name}.ipynb").write_bytes(data)
            (kit_class / f"{student}.ipynb").write_bytes(data)

        print(f"{args.n} {name} notebooks ({sum('correct' in s for s in notebooks)} correct), "
              f"{os.cpu_count()} cores")
        nb_seconds = _run([sys.executable, "-m", "nbgrader", "autograde", name], course)
        kit_seconds = _run([sys.executable, "-m", "autograder", "grade", name, str(kit_class), "--out",
                            str(tmp / "out"), "--workers", str(args.workers), "--quiet"], ROOT)

        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="d2l-linear-networks") as gb:
            nb_scores = {s: gb.find_submission(name, s).score for s in notebooks}
        kit_scores = {s: json.loads((tmp / "out" / "results" / f"{s}.json").read_text())["score"]
                      for s in notebooks}
        disagree = {s: (nb_scores[s], kit_scores[s]) for s in notebooks if abs(nb_scores[s] - kit_scores[s]) > 1e-9}

        print(f"  nbgrader autograde: {nb_seconds:8.1f} s  ({nb_seconds / args.n:.2f} s per notebook)")
        print(f"  kit grade:          {kit_seconds:8.1f} s  ({kit_seconds / args.n:.2f} s per notebook, "
              f"{args.workers} workers, isolated runners)")
        print(f"  ratio nbgrader / kit: {nb_seconds / kit_seconds:.1f}x")
        print(f"  same scores: {'yes, all ' + str(args.n) if not disagree else 'NO'}")
        for student, (nb, kit) in sorted(disagree.items()):
            print(f"    {student}: nbgrader {nb:g}, kit {kit:g}")
        return 1 if disagree else 0
    finally:
        if args.keep:
            print(f"  kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

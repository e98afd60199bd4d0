"""Are grades the same on a loaded machine? Copies of every reference, graded beside CPU hogs, under two seeds.

    python -m benchmarks.under_load [--copies 100] [--hogs 3] [--assignment NAME ...]

For each assignment, ``--copies`` copies of the reference are graded twice (seeds 1 and 2) while ``--hogs``
busy processes keep every core loaded (3 hogs on 2 cores is the figure issue 16 asks for). It prints how many
copies got full marks in each grading and every check any copy failed, with its message, so a check whose
verdict moves with the load shows up by name. Nothing here passes or fails a build; ``tests/test_under_load.py``
is the pass/fail test of the same property on a smaller class.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["OMP_NUM_THREADS"] = "1"  # before torch loads here or in the zygote forked from here
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.assignments import Assignment, all_assignments  # noqa: E402
from autograder.grade import grade  # noqa: E402


def _spin() -> None:
    while True:
        pass


def _failures(out: Path) -> collections.Counter:
    """(check, first line of its message) -> how many copies failed it, read from each result's JSON."""
    failed: collections.Counter = collections.Counter()
    for path in sorted((out / "results").glob("*.json")):
        for test in json.loads(path.read_text(encoding="utf-8")).get("tests", []):
            if test.get("score", 0) < test.get("max_score", 0):
                failed[(test.get("name", "?"), (test.get("output") or "").partition("\n")[0])] += 1
    return failed


def measure(assignment: Assignment, copies: int, root: Path) -> list[tuple[int, int, collections.Counter]]:
    """Per seed: (copies at full marks, copies graded, the failed checks)."""
    subs = root / assignment.name
    subs.mkdir()
    reference = assignment.solution.read_text(encoding="utf-8")
    for k in range(copies):
        (subs / f"copy{k:04d}.py").write_text(reference, encoding="utf-8")
    rows = []
    for seed in (1, 2):
        out = root / f"{assignment.name}-{seed}"
        batch = grade(assignment, subs, out, workers=os.cpu_count() or 2, seed=seed, quiet=True)
        full = sum(r.score == r.max_score for r in batch.results)
        rows.append((full, len(batch.results), _failures(out)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--hogs", type=int, default=3)
    parser.add_argument("--assignment", action="append")
    args = parser.parse_args()
    names = args.assignment or [a.name for a in all_assignments()]
    print(f"{args.copies} copies of each reference, graded twice (seeds 1, 2) beside {args.hogs} busy processes "
          f"on {os.cpu_count()} cores")
    hogs = [multiprocessing.get_context("fork").Process(target=_spin, daemon=True) for _ in range(args.hogs)]
    for hog in hogs:
        hog.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name in names:
                started = time.perf_counter()
                rows = measure(Assignment(name), args.copies, Path(tmp))
                counts = ", ".join(f"seed {seed}: {full}/{n} at full marks"
                                   for seed, (full, n, _) in zip((1, 2), rows, strict=True))
                print(f"{name:28s} {counts}  ({time.perf_counter() - started:.0f} s)")
                for seed, (_, _, failed) in zip((1, 2), rows, strict=True):
                    for (check, message), count in sorted(failed.items()):
                        print(f"    seed {seed}: {count} x {check}: {message}")
    finally:
        for hog in hogs:
            hog.kill()


if __name__ == "__main__":
    main()

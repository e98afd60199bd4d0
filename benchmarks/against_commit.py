"""This tree against another commit of the kit, side by side in one run: wall time and overhead per submission.

    python -m benchmarks.against_commit [--ref HEAD~1] [--assignment linear_regression] [--n 60] [--rounds 3]
                                        [--isolation auto|rlimits]

Checks the other commit out into a temporary git worktree, makes one class (the reference, N times), and
grades it with each tree in turn, alternating, ``--rounds`` times (``--force``, same seed, same workers).
Prints the median wall time of each, per submission and core (wall x workers / N), the difference, and
whether both gave the same grades.csv. Nothing here passes or fails a build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grade_once(tree: Path, assignment: str, subs: Path, out: Path, workers: int, isolation: str = "auto") -> float:
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(tree))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "grade", assignment, str(subs), "--out", str(out),
                    "--workers", str(workers), "--seed", "1", "--force", "--quiet", "--isolation", isolation],
                   cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ref", default="HEAD~1", help="the commit to compare with (default: HEAD~1)")
    parser.add_argument("--assignment", default="linear_regression")
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--isolation", default="auto", help="auto (namespaces where allowed) or rlimits")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="against-commit-"))
    os.chmod(work, 0o755)  # at rlimits as root, runners run as a uid of their own: the other tree must be readable
    other = work / "other"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(other), args.ref], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        reference = (ROOT / "solutions" / f"{args.assignment}.py").read_text()
        subs = work / "class"
        subs.mkdir()
        for k in range(args.n):
            (subs / f"student_{k:04d}.py").write_text(reference)
        trees = {"this tree": ROOT, args.ref: other}
        times: dict[str, list[float]] = {name: [] for name in trees}
        for round_ in range(args.rounds):
            for i, (name, tree) in enumerate(trees.items()):
                out = work / f"out-{i}-{round_}"
                times[name].append(grade_once(tree, args.assignment, subs, out, args.workers, args.isolation))
        grades = {name: (work / f"out-{i}-0" / "grades.csv").read_text() for i, name in enumerate(trees)}
        print(f"{args.assignment}: {args.n} reference submissions, {args.workers} workers, {args.rounds} rounds "
              f"alternating, isolation {args.isolation}, CPU: {cpu_model()}")
        per = {}
        for name, values in times.items():
            wall = statistics.median(values)
            per[name] = wall * args.workers / args.n
            print(f"  {name:>12}: median {wall:6.2f} s  ({', '.join(f'{v:.2f}' for v in values)}), "
                  f"{per[name] * 1000:6.1f} ms per submission and core")
        this, that = per["this tree"], per[args.ref]
        print(f"  difference: {(this - that) * 1000:+.1f} ms per submission and core ({this / that:.3f}x)")
        print(f"  same grades.csv: {grades['this tree'] == grades[args.ref]}")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False)
        shutil.rmtree(work, ignore_errors=True)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    main()

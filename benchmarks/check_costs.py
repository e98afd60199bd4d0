"""Where a submission's grading time goes, check by check, for every assignment.

    python -m benchmarks.check_costs [--n 20] [--assignment NAME ...] [--top 12]

In one judge process per assignment (as a worker grades a shard), copies of the reference are graded through
the engine (runners, sandbox, wire); the first copy pays the warm-up and is left out. For each check it prints
the mean time per submission, split into setup (a fresh runner, when the previous one held kit code, and the
book's code substituted) and call (the check itself: the student's calls over the wire and the judge's own
work, such as the reference's training), and the totals per assignment. Timing depends on the machine and its
load: compare only figures printed by one run; nothing here passes or fails a build.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

os.environ["OMP_NUM_THREADS"] = "1"  # before torch loads here or in the zygote forked from here
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from autograder import isolation  # noqa: E402
from autograder.assignments import Assignment, all_assignments  # noqa: E402
from autograder.judge import judge  # noqa: E402
from autograder.plugin import RunConfig, StudentSpec  # noqa: E402


class _Timing:
    """Per (student, check, phase) wall time, from pytest's own reports."""

    def __init__(self) -> None:
        self.times: dict[tuple[str, str, str], float] = collections.defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name, _, student = report.nodeid.split("::")[-1].partition("[")
        self.times[(student.rstrip("]"), name, report.when)] += report.duration


def profile(assignment: Assignment, n: int) -> tuple[dict[str, dict[str, float]], float]:
    """check -> {"setup": ms, "call": ms} per submission over copies 2..n, and the wall time per submission."""
    timing = _Timing()
    real_main = pytest.main

    def main(args: list[str], plugins: tuple = ()) -> int:
        return real_main(args, plugins=[*plugins, timing])

    source = assignment.solution.read_bytes()
    students = [StudentSpec(f"copy{i:03d}", source, sha256=str(i)) for i in range(n)]
    config = RunConfig(seed=1, isolation=isolation.choose("auto"))
    pytest.main = main
    try:
        start = time.perf_counter()
        results = judge(assignment, students, config, lambda r: None)
        wall = time.perf_counter() - start
    finally:
        pytest.main = real_main
    assert all(r.score == r.max_score for r in results), "the reference lost points: profile a working suite"
    per: dict[str, dict[str, float]] = collections.defaultdict(lambda: {"setup": 0.0, "call": 0.0})
    for (student, check, phase), seconds in timing.times.items():
        if student == "copy000":
            continue  # it waits for the zygote to warm up
        per[check]["setup" if phase != "call" else "call"] += seconds * 1000 / (n - 1)
    return per, wall / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20, help="copies of the reference per assignment")
    parser.add_argument("--assignment", nargs="*", default=[a.name for a in all_assignments()])
    parser.add_argument("--top", type=int, default=12, help="checks listed per assignment")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {args.n} copies of each reference, one judge, isolation "
          f"{isolation.choose('auto')}\n")
    totals = []
    for name in args.assignment:
        per, wall = profile(Assignment(name), args.n)
        setup = sum(v["setup"] for v in per.values())
        call = sum(v["call"] for v in per.values())
        totals.append((name, len(per), setup, call, wall * 1000))
        print(f"{name}: {len(per)} checks, {setup + call:.0f} ms per submission in checks "
              f"({setup:.0f} setup, {call:.0f} call)")
        for check, v in sorted(per.items(), key=lambda kv: -(kv[1]["setup"] + kv[1]["call"]))[:args.top]:
            print(f"  {v['setup'] + v['call']:7.1f} ms  setup {v['setup']:6.1f}  call {v['call']:6.1f}  {check}")
        print()
    print("| assignment | checks | setup ms | call ms | checks ms | wall ms per submission |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, checks, setup, call, wall in totals:
        print(f"| {name} | {checks} | {setup:.0f} | {call:.0f} | {setup + call:.0f} | {wall:.0f} |")


if __name__ == "__main__":
    main()

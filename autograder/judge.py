"""The judge: runs an assignment's suite with pytest over a batch of submissions.

This process holds the reference solution and the checks and decides every score; no
submission code runs here. ``python -m autograder.judge JOB.json`` grades one shard of
a batch (``grade --workers N`` starts N of these), writing each student's results as
soon as that student is done and printing one JSON line per student for progress.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # the judge starts a zygote; keep torch single-threaded

import pytest  # noqa: E402

from autograder.assignments import SUITES, Assignment  # noqa: E402
from autograder.plugin import GradingPlugin, RunConfig, StudentSpec  # noqa: E402
from autograder.results import StudentResult, write_student  # noqa: E402
from autograder.sandbox import Limits, WarmPool  # noqa: E402


class JudgeError(RuntimeError):
    """The grading suite itself could not run (not a problem of any submission)."""


def pytest_args(suite: Path) -> list[str]:
    return [
        str(suite),
        "-c", str(SUITES / "pytest.ini"),
        "--rootdir", str(SUITES),
        "--noconftest",  # only our plugin configures this session
        "-p", "no:cacheprovider",
        "-p", "no:randomly",
        "-q", "--no-header", "-rN", "--tb=no", "-W", "ignore",
    ]


def judge(assignment: Assignment, students: list[StudentSpec], config: RunConfig,
          on_result: Callable[[StudentResult], None], pool: WarmPool | None = None) -> list[StudentResult]:
    """Grade ``students`` with the assignment's suite; ``pool`` lets a long-lived caller reuse its zygote."""
    import torch

    torch.set_num_threads(1)
    own_pool = pool is None
    if own_pool:
        pool = WarmPool(config.isolation)  # the zygote warms up while this process does too
    _warm_up(torch)
    results: list[StudentResult] = []

    def done(result: StudentResult) -> None:
        results.append(result)
        on_result(result)

    plugin = GradingPlugin(assignment, students, config, done, pool=pool)
    for var in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        os.environ.pop(var, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    log = io.StringIO()
    try:
        with contextlib.redirect_stdout(log):
            code = pytest.main(pytest_args(assignment.suite(config.hidden)), plugins=[plugin])
    finally:
        if own_pool:
            pool.close()
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or len(results) != len(students):
        raise JudgeError(f"the {assignment.name} suite did not run (pytest exit {int(code)}):\n"
                         f"{log.getvalue()[-2000:]}\n" + "\n".join(plugin.setup_errors))
    return results


def _warm_up(torch) -> None:
    """The first optimizer step imports torch._dynamo (~1.3 s): pay it before the first student."""
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    (w * 2).sum().backward()
    opt.step()


def main() -> None:
    # argv: JOB.json EVENTS_FD; events go to their own pipe because pytest owns stdout.
    job = json.loads(Path(sys.argv[1]).read_text())
    events = os.fdopen(int(sys.argv[2]), "w", buffering=1)
    assignment = Assignment(job["assignment"])
    out = Path(job["out"])
    students = [
        StudentSpec(student=s["student"], source=s["source"].encode("utf-8"), error=s["error"], sha256=s["sha256"])
        for s in job["students"]
    ]
    config = RunConfig(seed=job["seed"], limits=Limits(**job["limits"]), isolation=job["isolation"])

    def on_result(result: StudentResult) -> None:
        write_student(out, result)
        print(json.dumps({"student": result.student, "score": result.score, "max_score": result.max_score,
                          "seconds": round(result.seconds, 3),
                          "timeouts": sum("did not return within" in o.message for o in result.outcomes)}),
              file=events, flush=True)

    try:
        judge(assignment, students, config, on_result)
    except JudgeError as e:
        print(json.dumps({"fatal": str(e)}), file=events, flush=True)
        sys.exit(3)


def job_file(assignment: str, out: Path, students: list[dict], seed: int, limits: Limits, isolation: str) -> dict:
    return {"assignment": assignment, "out": str(out), "students": students, "seed": seed,
            "limits": asdict(limits), "isolation": isolation}


if __name__ == "__main__":
    main()

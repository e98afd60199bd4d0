"""The judge: runs an assignment's suite with pytest over a batch of submissions.

This process holds the reference solution and the checks and decides every score; no
submission code runs here. ``grade_shard`` grades one shard of a batch (``grade --workers N``
runs N of them, each in a judge forked by ``autograder.shards``), writing each student's
results as soon as that student is done and printing one JSON line per student for progress.
``python -m autograder.judge --serve FD ISOLATION`` is the long-lived variant a Dask worker keeps.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # the judge starts a zygote; keep torch single-threaded
if __name__ == "__main__":
    gc.disable()  # until main(): the imports below make ~1M long-lived objects; collecting among them is wasted

import pytest  # noqa: E402

from autograder.assignments import SUITES, Assignment  # noqa: E402
from autograder.plugin import GradingPlugin, RunConfig, StudentSpec  # noqa: E402
from autograder.progress import result_event  # noqa: E402
from autograder.report import feedback_html, write_feedback_html  # noqa: E402
from autograder.results import StudentResult, write_student  # noqa: E402
from autograder.sandbox import Limits, WarmPool  # noqa: E402


class JudgeError(RuntimeError):
    """The grading suite itself could not run (not a problem of any submission)."""


def pytest_args(*suites: Path) -> list[str]:
    return [
        *map(str, suites),
        "-c", str(SUITES / "pytest.ini"),
        "--rootdir", str(SUITES),
        "--noconftest",  # only our plugin configures this session
        "-p", "no:cacheprovider",
        "-p", "no:randomly",
        "-q", "--no-header", "-rN", "--tb=no", "-W", "ignore",
        # These two only turn stray exceptions into warnings, which -W ignore drops anyway, and their
        # cleanup runs gc.collect() five times over torch's heap: ~0.7 s per session for nothing.
        "-p", "no:unraisableexception", "-p", "no:threadexception",
        # Checks print nothing and log nothing (student output stays in the runner): capturing both around
        # every phase of every test was ~5 ms per submission.
        "--capture=no", "-p", "no:logging",
    ]


def student_spec(record: dict) -> StudentSpec:
    """A student as a job (grade's shards, a Dask task) carries it: ``Found.record()``."""
    return StudentSpec(student=record["student"], source=record["source"].encode("utf-8"), error=record["error"],
                       sha256=record["sha256"], note=record.get("note", ""))


def suites_of(assignment: Assignment, config: RunConfig) -> list[Path]:
    """The suites a run collects: the hidden one grades; the public one is the self-check, or rides along."""
    if not config.hidden:
        return [assignment.suite(False)]
    return [assignment.suite(True)] + ([assignment.suite(False)] if config.self_checks else [])


def judge(assignment: Assignment, students: list[StudentSpec], config: RunConfig,
          on_result: Callable[[StudentResult], None], pool: WarmPool | None = None) -> list[StudentResult]:
    """Grade ``students`` with the assignment's suite; ``pool`` lets a long-lived caller reuse its zygote."""
    import torch

    torch.set_num_threads(1)
    own_pool = pool is None
    if own_pool:
        # warms up while this process does too
        pool = WarmPool(config.isolation, assignment.uses_optimizer, processes=config.limits.processes)
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
            code = pytest.main(pytest_args(*suites_of(assignment, config)), plugins=[plugin])
    finally:
        if own_pool:
            pool.close()
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or len(results) != len(students):
        raise JudgeError(f"the {assignment.name} suite did not run (pytest exit {int(code)}):\n"
                         f"{log.getvalue()[-2000:]}\n" + "\n".join(plugin.setup_errors))
    return results


def _warm_up(torch) -> None:
    """The first optimizer step imports torch._dynamo (~1.3 s): a long-lived judge pays it before its first request.

    A batch judge does not: while it starts, the zygote's boot (the critical path) needs the CPU, and most
    suites never run an optimizer in the judge; one that does pays this once, at its first use.
    """
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    (w * 2).sum().backward()
    opt.step()


def serve(channel: socket.socket, isolation: str) -> None:
    """A long-lived judge (a Dask worker keeps one): one JSON request per line in, one JSON reply per line out.

    ``{"op": "grade", "assignment", "student": {student, source, error, sha256}, "seed", "limits", "isolation",
    "self_checks"}``
    answers ``{"ok": true, "result": <Gradescope dict>, "feedback_html": <page>}``; ``{"op": "status"}`` answers
    what this judge holds.
    A process of its own, not a thread of the caller: the judge's global random state (reference code seeds
    and uses it) and pytest's process-wide state must not be shared with anything else. Warm pools are
    kept per isolation level across requests (warming torch.optim too: any assignment may come next); the judge
    ends, closing them, when the channel closes.
    """
    import torch

    from autograder import isolation as iso

    torch.set_num_threads(1)
    levels: dict[str, str] = {}
    pools: dict[str, WarmPool] = {}
    graded = 0

    def pool_for(requested: str) -> WarmPool:
        if requested not in levels:
            levels[requested] = iso.choose_for_grading(requested)
        level = levels[requested]
        if level not in pools:
            pools[level] = WarmPool(level)
        return pools[level]

    pool_for(isolation)  # the zygote warms up while this process does too
    _warm_up(torch)
    stream = channel.makefile("rwb")
    try:
        for line in stream:
            request = json.loads(line)
            try:
                if request.get("op") == "status":
                    reply = {"ok": True, "pid": os.getpid(), "graded": graded, "threads": torch.get_num_threads(),
                             "zygotes": {level: pool.zygote.process.pid for level, pool in pools.items()}}
                else:
                    spec = student_spec(request["student"])
                    pool = pool_for(request["isolation"])
                    config = RunConfig(seed=request["seed"], limits=Limits(**request["limits"]),
                                       isolation=pool.isolation, self_checks=request.get("self_checks", False))
                    [result] = judge(Assignment(request["assignment"]), [spec], config, lambda r: None, pool=pool)
                    graded += 1
                    # The page is drawn here, on the worker, so that a cluster draws them in parallel.
                    reply = {"ok": True, "result": result.to_gradescope(), "feedback_html": feedback_html(result)}
            # The caller gets every failure of the grader as a message; this judge keeps serving.
            except Exception as e:  # noqa: BLE001
                reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
            stream.write(json.dumps(reply).encode() + b"\n")
            stream.flush()
    finally:
        for pool in pools.values():
            pool.close()


def settle() -> None:
    """After the imports: freeze what they made (it lives as long as the judge), so collections skip it."""
    gc.freeze()
    gc.enable()


def grade_shard(job: dict, events: io.TextIOBase, pool: WarmPool | None = None) -> int:
    """Grade one shard of a batch (a job of ``grade``), writing each student's results as soon as they are done
    and announcing each on ``events``, one JSON line per student. Returns the exit status for the shard."""
    assignment = Assignment(job["assignment"])
    out = Path(job["out"])
    students = [student_spec(s) for s in job["students"]]
    config = RunConfig(seed=job["seed"], limits=Limits(**job["limits"]), isolation=job["isolation"],
                       self_checks=job.get("self_checks", False))

    def on_result(result: StudentResult) -> None:
        write_student(out, result)
        # Here, not at the end of the batch: the pages (a plot each) are drawn by every judge in parallel.
        write_feedback_html(out, result)
        print(json.dumps(result_event(result)), file=events, flush=True)

    try:
        judge(assignment, students, config, on_result, pool=pool)
    except JudgeError as e:
        print(json.dumps({"fatal": str(e)}), file=events, flush=True)
        return 3
    finally:
        if pool is not None:
            pool.close()
    return 0


def main() -> None:
    # argv: --serve CHANNEL_FD ISOLATION (see serve). A batch's shards are run by autograder.shards.
    if len(sys.argv) != 4 or sys.argv[1] != "--serve":
        sys.exit("usage: python -m autograder.judge --serve CHANNEL_FD ISOLATION")
    settle()
    serve(socket.socket(fileno=int(sys.argv[2])), sys.argv[3])


if __name__ == "__main__":
    main()

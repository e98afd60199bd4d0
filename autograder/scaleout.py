"""Grading a batch on a Dask distributed cluster: ``grade --scheduler tcp://HOST:PORT``.

One task grades one submission on a worker and returns its result as plain JSON-able data
(the Gradescope dict that ``results.py`` writes); the client writes results, feedback,
grades.csv and the report exactly as local grading does, so resuming, ``--only`` and
``--force`` behave the same, and the seed is the batch's, so the grades are too. Each worker
process keeps one warm judge process (``python -m autograder.judge --serve``) across tasks,
and that judge forks a sandboxed runner per submission from its zygote, as a local judge
does: student code never runs in a Dask process.

Workers must run the same kit (a task refuses to grade with different suites) and should be
started with ``OMP_NUM_THREADS=1`` and ``--nthreads 1``: a worker's judge grades one
submission at a time, so more threads only queue.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
import threading
import uuid
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from distributed import Client, WorkerPlugin, as_completed

from autograder import isolation as iso
from autograder.assignments import SUITES, Assignment
from autograder.intake import Found
from autograder.limits import Limits
from autograder.progress import Progress, result_event
from autograder.report import feedback_name
from autograder.results import StudentResult, atomic_write, write_student
from autograder.warm_judge import JudgeUnavailable, WarmJudge

PLUGIN_NAME = "autograder-warm-grader"
CONNECT_SECONDS = 60.0  # how long to wait for the scheduler, then for a first worker
# The kit's files that decide a grade; a worker with different ones would grade differently.
GRADING_CODE = ("checks.py", "hints.py", "judge.py", "plugin.py", "sandbox.py", "submission.py", "student_module.py",
                "isolation.py", "runner/server.py", "runner/wire.py", "runner/zygote.py", "runner/seccomp.py")


class ClusterError(RuntimeError):
    """The cluster could not grade (unreachable, no workers, a different kit): the message says what to do."""


@cache  # once per process, not per task: a worker's judge keeps the code it started with anyway
def suite_fingerprint(assignment: str) -> str:
    """A hash of everything that decides this assignment's grades on this machine."""
    kit = SUITES.parent
    files = [kit / name for name in GRADING_CODE]
    files += sorted(p for p in (SUITES / assignment).rglob("*.py") if "__pycache__" not in p.parts)
    files += [SUITES / "pytest.ini", Assignment(assignment).solution]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(kit.parent)).encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


# ---------------------------------------------------------------- worker side


def single_threaded_torch() -> None:
    """Keep torch on one thread in this process (set before torch loads where possible)."""
    os.environ["OMP_NUM_THREADS"] = "1"
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() > 1:
        torch.set_num_threads(1)


_JUDGE: WarmJudge | None = None
_JUDGE_LOCK = threading.Lock()


def worker_judge(isolation: str = "auto") -> WarmJudge:
    """This worker process's judge, started on first use (also without the plugin registered)."""
    global _JUDGE
    with _JUDGE_LOCK:
        if _JUDGE is None:
            single_threaded_torch()
            _JUDGE = WarmJudge(isolation)
        return _JUDGE


def grade_task(assignment: str, spec: dict, seed: int, limits: dict, isolation: str, fingerprint: str,
               self_checks: bool = False) -> dict:
    """A Dask task: grade one submission with this worker's judge.

    Returns ``{"result": <the Gradescope result dict>, "feedback_html": <the student's feedback page>}``.
    """
    single_threaded_torch()
    if suite_fingerprint(assignment) != fingerprint:
        raise ClusterError(f"this worker's kit grades {assignment} differently from the client's (another "
                           "version of the kit or of its suites): install the same kit on every worker")
    request = {"op": "grade", "assignment": assignment, "student": spec, "seed": seed, "limits": limits,
               "isolation": isolation, "self_checks": self_checks}
    # Far beyond the judge's own limit per submission: only a judge that hangs itself gets here.
    timeout = float(limits.get("submission_seconds", 300)) + 300
    try:
        reply = worker_judge(isolation).request(request, timeout)
    except JudgeUnavailable as e:
        raise ClusterError(str(e)) from None
    return {"result": reply["result"], "feedback_html": reply["feedback_html"]}


def worker_status() -> dict:
    """For tests and diagnostics: the worker's pid, its judge's pid, how many it graded, its zygotes' pids."""
    reply = worker_judge().request({"op": "status"}, timeout=300)
    return {"worker": os.getpid(), "judge": reply["pid"], "graded": reply["graded"], "zygotes": reply["zygotes"],
            "judge_threads": reply["threads"], "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}


class WarmGrader(WorkerPlugin):
    """Starts each worker's judge as the worker joins, so it warms up before the first task; stops it at close."""

    idempotent = True  # a second batch must not restart (and re-warm) the judges of the first

    def __init__(self, isolation: str = "auto"):
        self.isolation = isolation

    def setup(self, worker: Any) -> None:
        worker_judge(self.isolation)  # starts a process and returns: the event loop is not held up

    def teardown(self, worker: Any) -> None:
        global _JUDGE
        with _JUDGE_LOCK:
            judge, _JUDGE = _JUDGE, None
        if judge is not None:
            judge.close()


async def _resolve_isolation(requested: str) -> str:
    # A coroutine, so that the namespace probe (a short bubblewrap run) never blocks the worker's event loop.
    return await asyncio.get_running_loop().run_in_executor(None, iso.choose_for_grading, requested)


# ---------------------------------------------------------------- client side


def grade_on_cluster(scheduler: str, assignment: Assignment, todo: list[Found], out: Path, limits: Limits,
                     seed: int, isolation: str, progress: Progress, self_checks: bool = False) -> str:
    """Grade ``todo`` on the cluster, writing each result as it arrives; the workers' isolation levels."""
    client = connect(scheduler)
    try:
        client.register_plugin(WarmGrader(isolation), name=PLUGIN_NAME)
        try:
            levels = client.run(_resolve_isolation, isolation)
        except (iso.IsolationUnavailable, ValueError) as e:
            raise ClusterError(f"a Dask worker cannot grade: {e}") from None
        used = ", ".join(sorted(set(levels.values())))
        progress.say(f"Dask scheduler {scheduler}: {len(levels)} workers; isolation on the workers: {used}")
        failures = _run_tasks(client, assignment, todo, out, limits, seed, isolation, progress, self_checks)
    finally:
        client.close()
    if failures:
        raise ClusterError("the grader failed on the cluster:\n" + "\n".join(failures))
    return used


def connect(scheduler: str, timeout: float | None = None) -> Client:
    timeout = CONNECT_SECONDS if timeout is None else timeout
    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ClusterError(f"could not reach the Dask scheduler at {scheduler} ({e}): start it with "
                           "`dask scheduler` and pass the address it prints") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()
        raise ClusterError(f"no Dask worker joined {scheduler} within {timeout:g} s: start workers with "
                           f"`OMP_NUM_THREADS=1 dask worker {scheduler} --nthreads 1`") from None
    return client


def _run_tasks(client: Client, assignment: Assignment, todo: list[Found], out: Path, limits: Limits, seed: int,
               isolation: str, progress: Progress, self_checks: bool) -> list[str]:
    fingerprint = suite_fingerprint(assignment.name)
    batch = uuid.uuid4().hex[:8]
    futures = {}
    for found in todo:
        spec = found.record()
        # retries: a judge that died (it is restarted) gets one more go, elsewhere if Dask likes
        future = client.submit(grade_task, assignment.name, spec, seed, asdict(limits), isolation, fingerprint,
                               self_checks, key=f"grade-{assignment.name}-{found.student}-{batch}", pure=False,
                               retries=1)
        futures[future] = found
    failures = []
    for future in as_completed(futures, loop=client.loop):
        found = futures.pop(future)
        try:
            data = future.result()
            result = StudentResult.from_gradescope(data["result"])
            page = data["feedback_html"]
            if not isinstance(page, str):
                raise ClusterError("the feedback page came back as something other than text")
            if result.student != found.student or result.source_sha256 != found.sha256:
                raise ClusterError(f"the result came back for {result.student!r} (source "
                                   f"{result.source_sha256[:12]}), not for this submission")
        # Whatever went wrong with one task (a worker lost three times, a different kit) is reported at the end
        # and that student stays ungraded, so a re-run finishes the batch; the others are written meanwhile.
        except Exception as e:  # noqa: BLE001
            failures.append(f"{found.student}: {type(e).__name__}: {e}")
            continue
        finally:
            future.release()
        write_student(out, result)
        atomic_write(out / "feedback" / feedback_name(result.student), page)
        progress.update(result_event(result))
    return failures

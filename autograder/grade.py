"""Grading a class: intake, shards of submissions over N judge processes, then grades.csv.

Resumable: each student's result is written atomically as soon as it is decided, and a
re-run skips students whose result was made from the same source (by hash) unless
``force``; grades.csv is rebuilt from the results at the end, so a batch killed at any
point and run again ends with the same grades.csv as an uninterrupted run.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder import isolation as iso
from autograder import overrides, similarity
from autograder import visibility as vis
from autograder.assignments import Assignment
from autograder.intake import Found, find_submissions
from autograder.limits import Limits
from autograder.progress import Progress
from autograder.publish import publish
from autograder.results import StudentResult, atomic_write, read_results, restamp_visibility


class GradeError(RuntimeError):
    """The grader itself failed (not a submission): the message says what to do."""


@dataclass
class Batch:
    results: list[StudentResult]
    seconds: float
    out: Path
    isolation: str
    graded: int  # how many were graded in this run (the rest were up to date)


def _die_with_parent() -> None:
    # A killed grader must not leave judges running that would race a re-run.
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)


def batch_seed(out: Path, seed: int | None) -> int:
    """The input seed: given, or the one this OUT folder already used, or a new random one."""
    path = out / ".seed"
    if seed is None and path.exists():
        return int(path.read_text())
    seed = secrets.randbits(32) if seed is None else seed
    atomic_write(path, str(seed))
    return seed


def up_to_date(out: Path, assignment: Assignment, found: Found, self_checks: bool = False) -> bool:
    path = out / "results" / f"{found.student}.json"
    if found.error or not path.exists():
        return False
    try:
        extra = json.loads(path.read_text(encoding="utf-8"))["extra_data"]
    except (ValueError, KeyError, OSError):
        return False
    ran_self_checks = not all(extra.get("hidden") or [True])
    return (extra.get("assignment") == assignment.name and extra.get("source_sha256") == found.sha256
            and ran_self_checks == self_checks)


def grade(assignment: Assignment, submissions: Path, out: Path, *, workers: int = 0, limits: Limits | None = None,
          seed: int | None = None, quiet: bool = False, isolation: str = "auto", force: bool = False,
          only: list[str] | None = None, scheduler: str | None = None, visibility: str | None = None,
          self_checks: bool = False) -> Batch:
    """Grade a folder of submissions into ``out``; with ``scheduler`` (tcp://HOST:PORT), on that Dask cluster.

    ``self_checks``: also run the public checks, for 0 points, so results hold what students may see at once.
    """
    started = time.perf_counter()
    limits = limits or Limits()
    if not submissions.is_dir():
        raise GradeError(f"{submissions} is not a folder of submissions")
    found = find_submissions(submissions, assignment.name)
    if not found:
        raise GradeError(f"no submissions in {submissions}: expected <student>/{assignment.filename}, "
                         "<student>.py, <student>.ipynb or <student>.zip")
    if only:
        unknown = set(only) - {f.student for f in found}
        if unknown:
            raise GradeError(f"no submission for {', '.join(sorted(unknown))} in {submissions}")
    try:
        # On a cluster each worker chooses for its own host, and reports what it chose.
        level = iso.choose_for_grading(isolation) if scheduler is None else isolation
    except (iso.IsolationUnavailable, ValueError) as e:
        raise GradeError(str(e)) from None
    out.mkdir(parents=True, exist_ok=True)
    _clear_leftovers(out)
    try:  # before any result is written: a bad choice is refused, never half applied
        known = vis.check_names([assignment.suite(True), assignment.suite(False)])
        chosen = vis.load(out, known)
        wanted = chosen if visibility is None else vis.parse(visibility, known, chosen)
        if wanted != chosen:
            vis.save(out, wanted)
            restamp_visibility(out)  # up-to-date results are not regraded, but they must say the new choice
    except vis.VisibilityError as e:
        raise GradeError(str(e)) from None
    try:  # a bad row is refused before anything is graded, not after
        overrides.check(overrides.read(out), [f.student for f in found], overrides.maxima(assignment),
                        str(out / overrides.FILENAME))
    except overrides.OverrideError as e:
        raise GradeError(str(e)) from None
    seed = batch_seed(out, seed)
    todo = [f for f in found
            if (f.student in only if only else force or not up_to_date(out, assignment, f, self_checks))]

    progress = Progress(len(todo), quiet=quiet)
    where = iso.describe(level) if scheduler is None else f"{isolation}, chosen by each Dask worker"
    progress.say(f"Grading {assignment.name}: {len(todo)} of {len(found)} submissions "
                 f"({len(found) - len(todo)} up to date); isolation: {where}; seed {seed}")
    if todo and scheduler is not None:
        level = _run_on_cluster(scheduler, assignment, todo, out, limits, seed, isolation, progress, self_checks)
    elif todo:
        _run_judges(assignment, todo, out, workers, limits, seed, level, progress, self_checks)
    progress.close()
    wanted = {f.student for f in found}
    results = [r for r in read_results(out) if r.student in wanted]
    missing = wanted - {r.student for r in results}
    if missing:
        names = sorted(missing)
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        again = "run grade without --only to grade them" if only else "run grade again to finish the batch"
        raise GradeError(f"no result yet for {listed}: {again} (grades.csv and report.html are written "
                         "once every submission has one)")
    # The whole class, not just this run's --only: a pair is about two students.
    similarity.update(out, assignment, {f.student: f.source.decode("utf-8") for f in found if not f.error})
    try:  # the judges wrote each result as graded and its feedback page; the overrides apply on top
        results = publish(out, assignment, results, students=sorted(wanted), feedback="stale")
    except overrides.OverrideError as e:
        raise GradeError(f"{e}; the results are graded: fix the file, then run "
                         f"python -m autograder report {out}") from None
    return Batch(results, time.perf_counter() - started, out, level, len(todo))


def job_file(assignment: str, out: Path, students: list[dict], seed: int, limits: Limits, isolation: str,
             self_checks: bool = False) -> dict:
    """What one judge shard reads (``python -m autograder.shards JOB EVENTS_FD ...``)."""
    return {"assignment": assignment, "out": str(out), "students": students, "seed": seed,
            "limits": asdict(limits), "isolation": isolation, "self_checks": self_checks}


def _clear_leftovers(out: Path) -> None:
    """A run killed mid-batch leaves its job files and half-written temporaries; the next run sweeps them."""
    shutil.rmtree(out / ".jobs", ignore_errors=True)
    for folder in (out, out / "results", out / "feedback"):
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)


def _run_on_cluster(scheduler: str, assignment: Assignment, todo: list[Found], out: Path, limits: Limits, seed: int,
                    isolation: str, progress: Progress, self_checks: bool) -> str:
    try:
        from autograder.scaleout import ClusterError, grade_on_cluster
    except ImportError as e:
        raise GradeError(f"--scheduler needs Dask ({e}): pip install 'd2l-linear-autograder[scale]'") from None
    try:
        return grade_on_cluster(scheduler, assignment, todo, out, limits, seed, isolation, progress, self_checks)
    except ClusterError as e:
        raise GradeError(str(e)) from None


def _run_judges(assignment: Assignment, todo: list[Found], out: Path, workers: int, limits: Limits, seed: int,
                level: str, progress: Progress, self_checks: bool) -> None:
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    jobs_dir = out / ".jobs"
    shutil.rmtree(jobs_dir, ignore_errors=True)
    jobs_dir.mkdir()
    shards = [todo[i::workers] for i in range(workers)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    argv, streams, ends = [sys.executable, "-m", "autograder.shards"], {}, []
    selector = selectors.DefaultSelector()
    for k, shard in enumerate(shards):
        job = jobs_dir / f"shard-{k}.json"  # its judge logs to shard-k.log
        students = [f.record() for f in shard]
        job.write_text(json.dumps(job_file(assignment.name, out, students, seed, limits, level, self_checks)))
        read_end, write_end = os.pipe()
        argv += [str(job), str(write_end)]
        ends.append(write_end)
        stream = os.fdopen(read_end)
        streams[stream] = k
        selector.register(stream, selectors.EVENT_READ)
    # One process forks every shard's judge (autograder.shards): torch and pytest are imported once.
    with open(jobs_dir / "shards.log", "w") as log:  # a file, not a pipe: it can never fill up
        proc = subprocess.Popen(argv, pass_fds=ends, stdout=subprocess.DEVNULL, stderr=log, env=env,
                                preexec_fn=_die_with_parent)
    for end in ends:
        os.close(end)
    fatal = []
    while streams:
        for key, _ in selector.select():
            line = key.fileobj.readline()
            if not line:
                selector.unregister(key.fileobj)
                streams.pop(key.fileobj)
                key.fileobj.close()
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if "fatal" in event:
                fatal.append(event["fatal"])
            else:
                progress.update(event)
    if proc.wait() != 0 or fatal:
        logs = [jobs_dir / f"shard-{k}.log" for k in range(len(shards))] + [jobs_dir / "shards.log"]
        errors = [text[-3000:] for text in (p.read_text() if p.exists() else "" for p in logs) if text.strip()]
        raise GradeError("the grader failed:\n" + "\n".join(fatal + errors))
    shutil.rmtree(jobs_dir, ignore_errors=True)

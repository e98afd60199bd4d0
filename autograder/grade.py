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
from dataclasses import dataclass
from pathlib import Path

from autograder import isolation as iso
from autograder.assignments import Assignment
from autograder.intake import Found, find_submissions
from autograder.judge import job_file
from autograder.progress import Progress
from autograder.results import StudentResult, atomic_write, grades_csv, read_results
from autograder.sandbox import Limits


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


def up_to_date(out: Path, assignment: Assignment, found: Found) -> bool:
    path = out / "results" / f"{found.student}.json"
    if found.error or not path.exists():
        return False
    try:
        extra = json.loads(path.read_text(encoding="utf-8"))["extra_data"]
    except (ValueError, KeyError, OSError):
        return False
    return extra.get("assignment") == assignment.name and extra.get("source_sha256") == found.sha256


def grade(assignment: Assignment, submissions: Path, out: Path, *, workers: int = 0, limits: Limits | None = None,
          seed: int | None = None, quiet: bool = False, isolation: str = "auto", force: bool = False,
          only: list[str] | None = None) -> Batch:
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
        level = iso.choose(isolation)
    except (iso.IsolationUnavailable, ValueError) as e:
        raise GradeError(str(e)) from None
    out.mkdir(parents=True, exist_ok=True)
    seed = batch_seed(out, seed)
    todo = [f for f in found if (f.student in only if only else force or not up_to_date(out, assignment, f))]

    progress = Progress(len(todo), quiet=quiet)
    progress.say(f"Grading {assignment.name}: {len(todo)} of {len(found)} submissions "
                 f"({len(found) - len(todo)} up to date); isolation: {iso.describe(level)}; seed {seed}")
    if todo:
        _run_judges(assignment, todo, out, workers, limits, seed, level, progress)
    progress.close()
    wanted = {f.student for f in found}
    results = [r for r in read_results(out) if r.student in wanted]
    missing = wanted - {r.student for r in results}
    if missing:
        raise GradeError(f"no result for {', '.join(sorted(missing))}: run grade again to finish the batch")
    atomic_write(out / "grades.csv", grades_csv(results, assignment.exercises))
    from autograder.report import write_report

    write_report(out, results)  # OUT/report.html and OUT/feedback/<student>.html
    return Batch(results, time.perf_counter() - started, out, level, len(todo))


def _run_judges(assignment: Assignment, todo: list[Found], out: Path, workers: int, limits: Limits, seed: int,
                level: str, progress: Progress) -> None:
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    jobs_dir = out / ".jobs"
    shutil.rmtree(jobs_dir, ignore_errors=True)
    jobs_dir.mkdir()
    shards = [todo[i::workers] for i in range(workers)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    procs, streams = [], {}
    selector = selectors.DefaultSelector()
    for k, shard in enumerate(shards):
        job = jobs_dir / f"shard-{k}.json"
        students = [{"student": f.student, "source": f.source.decode("utf-8") if not f.error else "",
                     "error": f.error, "sha256": f.sha256} for f in shard]
        job.write_text(json.dumps(job_file(assignment.name, out, students, seed, limits, level)))
        read_end, write_end = os.pipe()
        with open(jobs_dir / f"shard-{k}.log", "w") as log:  # a file, not a pipe: it can never fill up
            proc = subprocess.Popen([sys.executable, "-m", "autograder.judge", str(job), str(write_end)],
                                    pass_fds=[write_end], stdout=subprocess.DEVNULL, stderr=log, env=env,
                                    preexec_fn=_die_with_parent)
        os.close(write_end)
        procs.append(proc)
        stream = os.fdopen(read_end)
        streams[stream] = proc
        selector.register(stream, selectors.EVENT_READ)
    fatal = []
    while streams:
        for key, _ in selector.select():
            line = key.fileobj.readline()
            if not line:
                selector.unregister(key.fileobj)
                streams.pop(key.fileobj).wait()
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
    errors = [(jobs_dir / f"shard-{k}.log").read_text()[-3000:] for k, p in enumerate(procs) if p.wait() != 0]
    if fatal or errors:
        raise GradeError("the grader failed:\n" + "\n".join(fatal + errors))
    shutil.rmtree(jobs_dir, ignore_errors=True)

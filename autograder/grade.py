"""Grading a class: intake, shards of submissions over N judge processes, then grades.csv."""

from __future__ import annotations

import json
import os
import secrets
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import Assignment
from autograder.intake import find_submissions
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


def grade(assignment: Assignment, submissions: Path, out: Path, *, workers: int = 0, limits: Limits | None = None,
          seed: int | None = None, quiet: bool = False) -> Batch:
    started = time.perf_counter()
    limits = limits or Limits()
    seed = secrets.randbits(32) if seed is None else seed
    if not submissions.is_dir():
        raise GradeError(f"{submissions} is not a folder of submissions")
    found = find_submissions(submissions, assignment.name)
    if not found:
        raise GradeError(f"no submissions in {submissions}: expected <student>/{assignment.filename} or <student>.py")
    workers = max(1, min(workers or os.cpu_count() or 1, len(found)))
    out.mkdir(parents=True, exist_ok=True)
    jobs_dir = out / ".jobs"
    jobs_dir.mkdir(exist_ok=True)
    isolation = "process"

    progress = Progress(len(found), quiet=quiet)
    progress.say(f"Grading {len(found)} submissions of {assignment.name} with {workers} worker(s); "
                 f"isolation: {isolation}; seed {seed}")
    shards = [found[i::workers] for i in range(workers)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    procs = []
    selector = selectors.DefaultSelector()
    for k, shard in enumerate(shards):
        job = jobs_dir / f"shard-{k}.json"
        job.write_text(json.dumps(job_file(assignment.name, out, [f.job() for f in shard], seed, limits, isolation)))
        read_end, write_end = os.pipe()
        with open(jobs_dir / f"shard-{k}.log", "w") as log:  # a file, not a pipe: it can never fill up
            proc = subprocess.Popen([sys.executable, "-m", "autograder.judge", str(job), str(write_end)],
                                    pass_fds=[write_end], stdout=subprocess.DEVNULL, stderr=log, env=env)
        os.close(write_end)
        procs.append(proc)
        selector.register(os.fdopen(read_end), selectors.EVENT_READ, proc)
    fatal = []
    open_streams = len(procs)
    while open_streams:
        for key, _ in selector.select():
            line = key.fileobj.readline()
            if not line:
                selector.unregister(key.fileobj)
                open_streams -= 1
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if "fatal" in event:
                fatal.append(event["fatal"])
            else:
                progress.update(event)
    errors = [(jobs_dir / f"shard-{k}.log").read_text() for k, p in enumerate(procs) if p.wait() != 0]
    progress.close()
    if fatal or errors:
        raise GradeError("the grader failed:\n" + "\n".join(fatal + [e[-3000:] for e in errors]))
    wanted = {f.student for f in found}
    results = [r for r in read_results(out) if r.student in wanted]
    atomic_write(out / "grades.csv", grades_csv(results, assignment.exercises))
    for leftover in jobs_dir.iterdir():
        leftover.unlink()
    jobs_dir.rmdir()
    return Batch(results, time.perf_counter() - started, out)

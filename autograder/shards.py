"""One process per batch that forks a judge per shard: ``python -m autograder.shards JOB FD [JOB FD ...]``.

``grade --workers N`` splits a class into N shards. Started as N fresh processes, the judges
imported torch, pytest and matplotlib N times over and started their zygotes only after
that, while the zygotes imported torch again: on two cores, most of the batch's start.
Here every shard's zygote starts first (this module and the zygote launcher do not import
torch), so the zygotes warm up while this process imports the judge once; then one judge
per shard is forked from it. Each judge owns its shard's zygote, writes its own log
(``JOB`` with the suffix ``.log``) and its events to its ``FD``; this process only waits,
and exits with the first failing judge's status.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before anything imports torch: the judges are forked from here


def _die_with_parent(parent: int) -> None:
    """A forked judge does not inherit the kill-on-parent-death that ``grade`` gave this process: set it again."""
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent was gone before that took effect
        os._exit(70)


def main(argv: list[str]) -> int:
    gc.disable()  # the imports make ~1M long-lived objects and few cycles; judge.settle() freezes them
    pairs = [(Path(argv[i]), int(argv[i + 1])) for i in range(0, len(argv), 2)]
    jobs = [json.loads(path.read_text()) for path, _ in pairs]

    from autograder.assignments import Assignment
    from autograder.sandbox import WarmPool, Zygote, pidfds_work

    # A judge drives a zygote its parent started through a pidfd (Linux >= 5.3); without one, it starts its own.
    early = pidfds_work()
    optimizers = [Assignment(job["assignment"]).uses_optimizer for job in jobs]
    zygotes = [Zygote(job["isolation"], optimizer, job["limits"]["processes"]) if early else None
               for job, optimizer in zip(jobs, optimizers)]

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.backends.backend_agg  # noqa: F401  (the judges draw feedback plots: import it once here)
    import matplotlib.figure  # noqa: F401
    import matplotlib.ticker  # noqa: F401

    from autograder import judge
    from autograder.templates import warm

    warm()
    judge.settle()
    children: dict[int, int] = {}
    parent = os.getpid()
    for k, ((path, events_fd), job) in enumerate(zip(pairs, jobs)):
        pid = os.fork()
        if pid == 0:
            code = 70
            try:
                for j, (other, (_, fd)) in enumerate(zip(zygotes, pairs)):
                    if j != k:  # a sibling's zygote and events: not ours to hold open
                        if other is not None:
                            other.detach()
                        os.close(fd)
                _die_with_parent(parent)
                log = os.open(path.with_suffix(".log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(log, 2)  # sys.stderr writes to descriptor 2: from now on, to this shard's log
                os.close(log)
                events = os.fdopen(events_fd, "w", buffering=1)
                pool = WarmPool(job["isolation"], optimizers[k], zygote=zygotes[k],
                                processes=job["limits"]["processes"])
                code = judge.grade_shard(job, events, pool)
                events.close()
            except BaseException:  # noqa: BLE001 - whatever happened, it goes to the shard's log
                import traceback

                traceback.print_exc()
            finally:
                sys.stderr.flush()
                # Every result is on disk (fsynced) and announced, the zygote is gone: skip the interpreter's
                # teardown of torch and pytest (~0.45 s that the whole batch would wait for).
                os._exit(code)
        children[pid] = k
    for zygote, (_, fd) in zip(zygotes, pairs):
        if zygote is not None:
            zygote.detach()  # the judges hold them now; a zygote sees its judge's end close
        os.close(fd)
    failed = 0
    while children:
        pid, status = os.wait()
        if pid not in children:
            continue  # a zygote this process started; its judge killed it
        k = children.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            print(f"judge of shard {k} ended with status {code}", file=sys.stderr)
            failed = failed or (code if code > 0 else 1)
    for zygote in zygotes:
        if zygote is not None:
            zygote.process.wait()
            # A judge that died (a submission killed it) could not clean up after its zygote: this process can.
            zygote.release_host_files()
    return failed


if __name__ == "__main__":
    sys.stdout.flush()
    os._exit(main(sys.argv[1:]))

"""The caller's side of a long-lived judge: start ``python -m autograder.judge --serve``, send it requests.

Requests and replies are JSON lines (see ``judge.serve``); the judge decides every score and runs no
submission code itself, so nothing here does either.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading

from autograder.assignments import SUITES


class JudgeUnavailable(RuntimeError):
    """The judge process did not answer, ended, or could not grade; it is restarted on the next request."""


class WarmJudge:
    """A long-lived judge process (``python -m autograder.judge --serve``), one request at a time.

    Each Dask worker process keeps one; the kit's tests use them to grade one submission under many seeds.

    The judge runs in a process of its own, started once and kept warm (torch, the reference, a
    zygote per isolation level): in a thread of the caller (a Dask worker), the caller's threads would
    share the judge's global random state (the reference code seeds and uses it), and pytest's
    process-wide state could not be kept apart from theirs. It ends when its caller does: its
    channel closes.
    """

    def __init__(self, isolation: str) -> None:
        self.isolation = isolation
        self.lock = threading.Lock()  # one request at a time, whatever --nthreads the worker was given
        self.process: subprocess.Popen | None = None
        self.stream = None
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ, OMP_NUM_THREADS="1")  # before the judge imports torch
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.judge", "--serve", str(theirs.fileno()), self.isolation],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env,
            cwd=str(SUITES.parent.parent))  # where `-m autograder` resolves even from an uninstalled checkout
        theirs.close()
        self.channel = ours
        self.stream = ours.makefile("rwb")

    def request(self, request: dict, timeout: float) -> dict:
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.close()
                self._start()
            try:
                self.channel.settimeout(timeout)
                self.stream.write(json.dumps(request).encode() + b"\n")
                self.stream.flush()
                line = self.stream.readline()
            except OSError as e:  # a timeout included
                self.close()
                raise JudgeUnavailable(f"the judge did not answer ({type(e).__name__}: {e}); "
                                   "it has been restarted") from None
            if not line:
                code = self.process.wait()
                self.close()
                raise JudgeUnavailable(f"the judge process ended (exit status {code}); it has been restarted")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise JudgeUnavailable(f"the judge failed: {reply.get('error')}")
        return reply

    def close(self) -> None:
        if self.stream is not None:
            for closing in (self.stream.close, self.channel.close):
                try:
                    closing()
                except OSError:
                    pass
            self.stream = None
        if self.process is not None:
            try:
                self.process.wait(timeout=10)  # it closes its zygotes when the channel closes
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

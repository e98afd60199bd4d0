"""Judge side of the process boundary: the zygote, the runners it forks, limits and timeouts.

The judge talks to a runner only through a socket carrying the plain-data wire format;
it never imports, unpickles or evaluates anything a runner produces.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder.runner import wire

GiB = 1024**3


@dataclass(frozen=True)
class Limits:
    """Per-runner resource limits; the defaults leave torch ample room."""

    call_seconds: float = 10.0
    memory_bytes: int = 6 * GiB  # address space: torch alone maps ~1.5 GiB
    cpu_seconds: int = 300
    file_bytes: int = 64 * 1024**2
    open_files: int = 256
    processes: int = 256


class RunnerDied(Exception):
    """The runner process ended (os._exit, a crash, a kill) while the judge waited."""


class RunnerTimeout(Exception):
    """The runner did not answer within the call's time limit; it has been killed."""


def runner_environment(tmp: str) -> dict[str, str]:
    """A minimal environment: nothing of the grader's leaks into a submission."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": tmp,
        "TMPDIR": tmp,
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": tmp,
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TORCHINDUCTOR_CACHE_DIR": tmp,
    }


class Zygote:
    """A warm process that has imported torch and forks one runner per request."""

    def __init__(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="autograder-")
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = parent
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", "autograder.runner.zygote", str(child.fileno())],
            pass_fds=[child.fileno()],
            env=runner_environment(self.tmp),
            cwd=self.tmp,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        child.close()
        self._ready = False

    def wait_ready(self, timeout: float = 120.0) -> None:
        if self._ready:
            return
        self.control.settimeout(timeout)
        try:
            data = self.control.recv(65536)
        except (TimeoutError, OSError):
            data = b""
        if not data:
            err = self.process.stderr.read().decode(errors="replace") if self.process.poll() is not None else ""
            raise RuntimeError(f"the runner zygote failed to start:\n{err[-3000:]}")
        self._ready = True

    def spawn(self, limits: Limits) -> Runner:
        self.wait_ready()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"op": "spawn", "tmp_base": self.tmp, "limits": asdict(limits)}
        self.control.settimeout(30)
        socket.send_fds(self.control, [json.dumps(request).encode()], [theirs.fileno()])
        theirs.close()
        reply = json.loads(self.control.recv(65536))
        return Runner(int(reply["pid"]), ours, limits)

    def sweep(self) -> None:
        """Kill whatever a finished submission left behind, detached daemons included."""
        if not self._ready or self.process.poll() is not None:
            return
        self.control.settimeout(30)
        self.control.send(json.dumps({"op": "sweep", "keep": []}).encode())
        self.control.recv(65536)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        try:
            self.sweep()
        except (OSError, ValueError):
            pass
        self.control.close()
        try:
            self.process.kill()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        subprocess.run(["rm", "-rf", self.tmp], check=False)


class Runner:
    """One forked process holding one submission."""

    def __init__(self, pid: int, sock: socket.socket, limits: Limits):
        self.pid = pid
        self.sock = sock
        self.limits = limits
        self.dead = False

    def request(self, header: dict, buffers: list[bytes] = (), timeout: float | None = None) -> tuple[dict, list]:
        if self.dead:
            raise RunnerDied("the runner is no longer running")
        timeout = self.limits.call_seconds if timeout is None else timeout
        deadline = time.monotonic() + timeout
        try:
            self.sock.settimeout(timeout)
            wire.send(self.sock, header, list(buffers))
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            return self._recv(deadline)
        except TimeoutError:
            self.kill()
            raise RunnerTimeout(f"no answer within {timeout:g} s") from None
        except (EOFError, ConnectionError, BrokenPipeError):
            self.kill()
            raise RunnerDied("the submission's process ended") from None

    def _recv(self, deadline: float) -> tuple[dict, list]:
        # socket timeouts apply per recv; re-arm so the whole message shares one deadline.
        sock = self.sock

        class Deadline:
            def recv(self_inner, n: int) -> bytes:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                sock.settimeout(left)
                return sock.recv(n)

        return wire.recv(Deadline())

    def kill(self) -> None:
        self.dead = True
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
            try:
                target()
            except OSError:
                pass
        self.sock.close()


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent

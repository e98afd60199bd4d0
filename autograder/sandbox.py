"""Judge side of the process boundary: the zygote, the runners it forks, limits and timeouts.

The judge talks to a runner only through a socket carrying the plain-data wire format;
it never imports, unpickles or evaluates anything a runner produces.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from autograder.isolation import NAMESPACES, NOBODY, RLIMITS, RUNNER_CODE, SCRATCH, bwrap_binary, bwrap_command
from autograder.limits import GiB, Limits

# The wire module (it imports torch) is imported by each Runner: a zygote can thus be started before the judge
# that will use it has imported torch, and the two imports overlap (autograder.shards).


def limits_tasks(processes: int) -> int:
    # the zygote and its threads, one runner, and the processes and threads it may start
    return processes + 64


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


class PidsCgroup:
    """A pids cgroup bounding how many tasks a zygote and all its runners may have together.

    RLIMIT_NPROC cannot bound a uid shared with the host (root), and a PID namespace does not
    bound counts: where a pids controller is writable (cgroup v1 or v2), this does, so a fork
    bomb fails with EAGAIN instead of exhausting the machine. Absent elsewhere.
    """

    def __init__(self, max_tasks: int):
        self.path: Path | None = None
        for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
            v1 = root.name == "pids" and (root / "cgroup.procs").exists()
            has_pids = v1 or "pids" in _read(root / "cgroup.subtree_control")
            if not has_pids or not os.access(root, os.W_OK):
                continue
            path = root / f"autograder-{os.getpid()}-{id(self):x}"
            try:
                path.mkdir()
                (path / "pids.max").write_text(str(max_tasks))
            except OSError:
                shutil.rmtree(path, ignore_errors=True) if path.exists() else None
                continue
            self.path = path
            break

    def enter(self) -> None:
        """In a forked child before exec: join the cgroup (children inherit it)."""
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def limit_hits(self) -> int | None:
        """How many forks the limit has refused so far (``max`` in pids.events); None without this cgroup."""
        if self.path is None:
            return None
        for line in _read(self.path / "pids.events").splitlines():
            key, _, value = line.partition(" ")
            if key == "max" and value.strip().isdigit():
                return int(value)
        return None

    def remove(self) -> None:
        if self.path is not None:
            for _ in range(50):
                try:
                    self.path.rmdir()
                    return
                except FileNotFoundError:
                    return  # removed already (by the judge, or by the process that made it)
                except OSError:
                    time.sleep(0.02)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def pidfds_work() -> bool:
    """Whether this kernel has pidfds (Linux >= 5.3), which let a forked sibling drive a zygote (see Zygote)."""
    try:
        os.close(os.pidfd_open(os.getpid()))
        return True
    except (AttributeError, OSError):
        return False


class Zygote:
    """A warm process that has imported torch and forks one runner per request.

    Under ``namespaces`` isolation it runs inside bubblewrap, so pids it reports are
    namespace-local: every kill and status query therefore goes through the zygote.
    """

    def __init__(self, isolation: str = RLIMITS, optimizer: bool = True, processes: int = Limits.processes) -> None:
        self.isolation = isolation
        self.optimizer = optimizer
        self.host_tmp = tempfile.mkdtemp(prefix="autograder-")
        os.chmod(self.host_tmp, 0o711)  # runners drop to an unprivileged uid in the fallback
        self.tmp = "/tmp" if isolation == NAMESPACES else self.host_tmp
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = parent
        env = runner_environment(self.tmp)
        # -I keeps the grader's environment and cwd out; the kit's own folder is put back on the
        # path explicitly, since a student handout runs the kit without installing it.
        boot = (f"import sys; sys.path.insert(0, {str(RUNNER_CODE.parent)!r}); "
                "from autograder.runner.zygote import main; main()")
        flags = ([] if optimizer else ["--no-optimizer"]) + (["--namespaces"] if isolation == NAMESPACES else [])
        argv = [sys.executable, "-I", "-c", boot, *flags, str(child.fileno())]
        if isolation == NAMESPACES:
            argv = bwrap_command(bwrap_binary(), argv, child.fileno())
            setenv = [arg for k, v in env.items() for arg in ("--setenv", k, v)]
            cut = argv.index("--")
            argv = argv[:cut] + setenv + argv[cut:]
        self.cgroup = PidsCgroup(limits_tasks(processes))
        self.process = subprocess.Popen(
            argv, pass_fds=[child.fileno()], env=env, cwd=self.host_tmp, preexec_fn=self.cgroup.enter,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        child.close()
        self._ready = False
        # The judge that uses this zygote may be a forked sibling of the process that started it (see
        # autograder.shards), where Popen.poll/kill/wait no longer work: a pidfd does, in any process.
        self.owner = os.getpid()
        try:
            self.pidfd: int | None = os.pidfd_open(self.process.pid)
        except (AttributeError, OSError):  # Linux < 5.3
            self.pidfd = None

    def wait_ready(self, timeout: float = 180.0) -> None:
        if self._ready:
            return
        self.control.settimeout(timeout)
        try:
            data = self.control.recv(65536)
        except (TimeoutError, OSError):
            data = b""
        if not data:
            self.kill_process()
            err = self.process.stderr.read().decode(errors="replace")
            raise RuntimeError(f"the runner zygote failed to start ({self.isolation}):\n{err[-3000:]}")
        hello = json.loads(data)
        # Without namespaces: a uid of the runners' own (as root), else the grader's.
        self.runner_uid = NOBODY if self.isolation == NAMESPACES else hello["runner_uid"]
        self._ready = True

    def _ask(self, request: dict) -> dict:
        self.control.settimeout(30)
        self.control.send(json.dumps(request).encode())
        return json.loads(self.control.recv(65536))

    def spawn(self, limits: Limits) -> Runner:
        self.wait_ready()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        bounds = asdict(limits)
        if self.cgroup.path is not None:
            # The pids cgroup bounds the runner's processes and counts a refused fork, which lets the message
            # name the cause; RLIMIT_NPROC would refuse first, uncounted, and it counts every process of the
            # runner's uid (every runner's): it stays the fallback where no cgroup bounds them.
            bounds["processes"] = None
        request = {"op": "spawn", "tmp_base": self.tmp, "limits": bounds}
        self.control.settimeout(30)
        socket.send_fds(self.control, [json.dumps(request).encode()], [theirs.fileno()])
        theirs.close()
        data, fds, _, _ = socket.recv_fds(self.control, 65536, 1)
        reply = json.loads(data)
        return Runner(int(reply["pid"]), ours, limits, self, OutputTail(fds[0]) if fds else None)

    def kill(self, pid: int) -> None:
        try:
            self._ask({"op": "kill", "pid": pid})
        except (OSError, ValueError):
            self.kill_process()  # an unresponsive zygote takes its runners with it

    def status(self, pid: int) -> dict:
        try:
            return self._ask({"op": "status", "pid": pid})
        except (OSError, ValueError):
            return {}

    def sweep(self) -> None:
        """Kill whatever a finished submission left behind (daemons too) and empty its /tmp."""
        if not self._ready or not self.alive():
            return
        # The host's /dev/shm is not ours to empty: only the sandbox's.
        scratch = list(SCRATCH) if self.isolation == NAMESPACES else [self.tmp]
        self._ask({"op": "sweep", "keep": [], "scratch": scratch})

    def _sibling(self) -> bool:
        """In a forked sibling of the process that started this zygote: Popen cannot see it, the pidfd can."""
        return self.pidfd is not None and os.getpid() != self.owner

    def alive(self) -> bool:
        if self._sibling():
            return not select.select([self.pidfd], [], [], 0)[0]  # a pidfd turns readable when the process ends
        return self.process.poll() is None

    def kill_process(self) -> None:
        """SIGKILL the zygote (bubblewrap with it, and so every runner): works from a forked sibling too."""
        try:
            if self._sibling():
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                self.process.kill()
        except OSError:
            pass

    def _wait_ended(self, timeout: float) -> None:
        if self._sibling():
            select.select([self.pidfd], [], [], timeout)  # its parent reaps it
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass

    def detach(self) -> None:
        """Drop this process's handles on a zygote another process uses (after a fork), leaving it running."""
        self.control.close()
        if self.process.stderr is not None:
            self.process.stderr.close()
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None

    def release_host_files(self) -> None:
        """The zygote's folder and cgroup on the host; idempotent, for whoever outlives the zygote."""
        self.cgroup.remove()
        # A runner's process that the sweep has just killed may still be writing there as it dies: the
        # folder goes once nothing is added to it any more.
        for _ in range(50):
            shutil.rmtree(self.host_tmp, ignore_errors=True)
            if not os.path.exists(self.host_tmp):
                return
            time.sleep(0.02)

    def close(self) -> None:
        try:
            self.sweep()
        except (OSError, ValueError):
            pass
        self.control.close()
        self.kill_process()
        self._wait_ended(10)
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        self.release_host_files()


class OutputTail:
    """Drains a runner's stdout/stderr in a thread, keeping only the last ``keep`` bytes.

    A submission that prints 200 MB costs the judge a few reads and keeps 8 KiB.
    """

    def __init__(self, fd: int, keep: int = 8192):
        self.fd = fd
        self.keep = keep
        self.buffer = bytearray()
        self.total = 0
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        try:
            while True:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    break
                self.total += len(chunk)
                self.buffer += chunk
                if len(self.buffer) > 2 * self.keep:
                    del self.buffer[: len(self.buffer) - self.keep]
        finally:
            os.close(self.fd)

    def text(self) -> str:
        tail = bytes(self.buffer[-self.keep:]).decode("utf-8", errors="replace")
        return tail if self.total <= self.keep else f"[... {self.total - self.keep} bytes cut ...]\n{tail}"


class Runner:
    """One forked process holding one submission."""

    def __init__(self, pid: int, sock: socket.socket, limits: Limits, zygote: Zygote,
                 output: OutputTail | None = None):
        self.pid = pid
        self.sock = sock
        self.limits = limits
        self.zygote = zygote
        self.output = output
        self.dead = False
        from autograder.runner import wire  # imports torch: see the note at the top of this module

        self.wire = wire

    def request(self, header: dict, buffers: list[bytes] = (), timeout: float | None = None) -> tuple[dict, list]:
        if self.dead:
            raise RunnerDied("the runner is no longer running")
        timeout = self.limits.call_seconds if timeout is None else timeout
        deadline = time.monotonic() + timeout
        try:
            self.sock.settimeout(timeout)
            self.wire.send(self.sock, header, list(buffers))
            return self._recv(deadline)
        except TimeoutError:
            self.kill()
            raise RunnerTimeout(f"no answer within {timeout:g} s") from None
        except (EOFError, ConnectionError, BrokenPipeError):
            # How it ended before the kill: under namespaces the zygote's child is the runner's init, which
            # reports its runner's exit once it has reaped it; a kill first would always read as SIGKILL.
            reason = self.death_reason()
            self.kill()
            raise RunnerDied(reason) from None

    def death_reason(self) -> str:
        status = self.zygote.status(self.pid)
        signo, code = status.get("signal"), status.get("exit")
        if signo == signal.SIGXCPU:
            return f"used more than {self.limits.cpu_seconds} s of CPU time"
        if signo == signal.SIGXFSZ:
            return f"wrote a file larger than {self.limits.file_bytes // 1024**2} MiB"
        if signo == signal.SIGSEGV:
            return "crashed (segmentation fault)"
        if signo == signal.SIGKILL:
            return f"was killed (more than {self.limits.memory_bytes / GiB:g} GiB of memory, or a kill)"
        if signo is not None:
            return f"was killed by signal {signal.Signals(signo).name}"
        if code is not None:
            return f"exited with status {code} (os._exit or sys.exit in a thread)"
        return "ended (os._exit, a crash, or out of memory)"

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

        return self.wire.recv(Deadline())

    def kill(self) -> None:
        if not self.dead:
            self.dead = True
            self.zygote.kill(self.pid)
        self.sock.close()


class WarmPool:
    """The judge's zygote, restarted if a submission managed to kill it.

    ``optimizer``: warm ``torch.optim`` too (its first use imports torch._dynamo, ~1.3 s of CPU per zygote);
    an assignment whose reference never uses it leaves that to the rare runner that does.
    """

    def __init__(self, isolation: str, optimizer: bool = True, zygote: Zygote | None = None,
                 processes: int = Limits.processes):
        self.isolation = isolation
        self.optimizer = optimizer
        self.processes = processes  # bounds the pids cgroup, where one is writable
        self.zygote = zygote or Zygote(isolation, optimizer, processes)  # starts warming now; spawn() waits for it

    def spawn(self, limits: Limits) -> Runner:
        for attempt in range(2):
            if not self.zygote.alive():
                self.zygote.close()
                self.zygote = Zygote(self.isolation, self.optimizer, self.processes)
                self.zygote.wait_ready()
            try:
                return self.zygote.spawn(limits)
            except (OSError, ValueError, KeyError):
                if attempt:
                    raise
                self.zygote.kill_process()
        raise RuntimeError("unreachable")

    def sweep(self) -> None:
        try:
            self.zygote.sweep()
        except (OSError, ValueError):
            self.zygote.kill_process()

    def close(self) -> None:
        self.zygote.close()

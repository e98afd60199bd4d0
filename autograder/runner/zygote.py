"""The warm zygote: imports torch and friends once, then forks a fresh runner per request.

Started by the judge as ``python -I -m autograder.runner.zygote FD`` with a clean
environment. Importing torch costs ~1.6 s and the first optimizer step another ~1.3 s;
paying that once here makes each runner cost one fork (~45 ms) instead of seconds.
No submission code ever runs in this process, and no multi-threaded op either:
OMP_NUM_THREADS=1 is set by the judge before torch loads, because forking a process
whose OpenMP pool has started can hang the children.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import socket
import sys
import tempfile

PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1


def warm_up() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy  # noqa: F401
    import torch
    import torch._dynamo  # noqa: F401  (first optimizer use imports it: ~1.3 s)
    import torch.utils.data  # noqa: F401

    from autograder.runner import server  # noqa: F401

    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    (w.sum() ** 2).backward()
    opt.step()
    opt.zero_grad()
    torch.nn.functional.mse_loss(torch.nn.Linear(1, 1)(torch.ones(1, 1)), torch.ones(1, 1)).backward()
    fig = plt.figure()
    fig.add_subplot().plot([0, 1], [0, 1], label="warm")
    fig.canvas.draw()
    plt.close(fig)


def prctl(option: int, arg: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, arg, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def set_limits(limits: dict) -> None:
    table = {
        "memory_bytes": resource.RLIMIT_AS,
        "cpu_seconds": resource.RLIMIT_CPU,
        "file_bytes": resource.RLIMIT_FSIZE,
        "open_files": resource.RLIMIT_NOFILE,
        "processes": resource.RLIMIT_NPROC,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in table.items():
        value = limits.get(key)
        if value is None:
            continue
        if key == "processes" and os.geteuid() == 0:
            continue  # root ignores RLIMIT_NPROC; the sandbox bounds processes instead
        soft, hard = resource.getrlimit(which)
        value = int(value) if hard == resource.RLIM_INFINITY else min(int(value), hard)
        resource.setrlimit(which, (value, value))


def become_runner(channel: socket.socket, request: dict) -> None:
    """In the forked child: shed the zygote's privileges of place, then serve the judge."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.setsid()
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    workdir = tempfile.mkdtemp(prefix="runner-", dir=request.get("tmp_base"))
    os.chdir(workdir)
    os.environ["HOME"] = workdir
    os.environ["TMPDIR"] = workdir
    tempfile.tempdir = workdir
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.path[:] = [workdir] + [p for p in sys.path if p not in ("", ".")]
    set_limits(request.get("limits", {}))
    from autograder.runner import server

    server.serve(channel)


def sweep(keep: set[int]) -> int:
    """Kill every process that hangs off this zygote (orphans reparent to it) except `keep`."""
    me = os.getpid()
    killed = 0
    for _ in range(50):
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read().decode(errors="replace")
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            pid = int(entry)
            if ppid == me and pid not in keep:
                found.append(pid)
        if not found:
            break
        for pid in found:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            killed += 1
    return killed


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    warm_up()
    # Orphans of a runner (double-forked daemons) become our children, so sweep finds them.
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # reap automatically
    control.send(json.dumps({"ready": True, "pid": os.getpid()}).encode())
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 65536, 4)
        except (ConnectionError, OSError):
            return
        if not data:
            return
        request = json.loads(data)
        if request["op"] == "spawn":
            channel = socket.socket(fileno=fds[0])
            pid = os.fork()
            if pid == 0:
                control.close()
                try:
                    become_runner(channel, request)
                finally:
                    os._exit(0)
            channel.close()
            control.send(json.dumps({"pid": pid}).encode())
        elif request["op"] == "sweep":
            for fd in fds:
                os.close(fd)
            n = sweep(set(request.get("keep", [])))
            control.send(json.dumps({"killed": n}).encode())


if __name__ == "__main__":
    main()

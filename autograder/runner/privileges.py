"""What a runner sheds before a line of student code runs: its capabilities and the keyrings it could share.

Under ``namespaces`` the zygote keeps CAP_SYS_ADMIN (and CAP_SETPCAP) inside its own user namespace, to give
each runner fresh PID and IPC namespaces; a runner must hold none of it. Keyrings are not namespaced by those
(the user keyring ``@u`` is shared by every process of a uid), so the seccomp filter denies the keyring calls
outright; the fresh session keyring only keeps the zygote's out of reach before the filter is in place.
"""

from __future__ import annotations

import ctypes
import os
import platform

CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522
KEYCTL_JOIN_SESSION_KEYRING = 1
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219}

_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def last_capability() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 63


def drop_capabilities() -> None:
    """Empty the bounding, ambient, effective, permitted and inheritable sets, for good."""
    for cap in range(last_capability() + 1):
        # EPERM without CAP_SETPCAP (nothing to drop then: the process never had caps to keep); EINVAL past the end
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def join_new_session_keyring() -> None:
    """Leave the zygote's session keyring for an empty, anonymous one (best effort: keyrings may be absent)."""
    number = SYS_KEYCTL.get(platform.machine())
    if number is not None:
        _libc.syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None)


class Namespaces:
    """Fresh PID and IPC namespaces for each child the calling process forks.

    ``unshare(CLONE_NEWPID)`` moves only the caller's future children, so the next fork is PID 1 of a new
    namespace; the caller then returns to its own namespaces. That return needs CAP_SYS_ADMIN in the user
    namespace owning them, which bubblewrap's own PID namespace is not (it is set up before bubblewrap's
    last user namespace): ``enter_own`` first makes namespaces this process owns, by forking once.
    """

    def __init__(self) -> None:
        self.pid_ns = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        self.ipc_ns = os.open("/proc/self/ns/ipc", os.O_RDONLY | os.O_CLOEXEC)

    @staticmethod
    def enter_own() -> int:
        """Fork into new PID and IPC namespaces; returns the child's pid in the parent, 0 in the child."""
        _check(_libc.unshare(CLONE_NEWPID | CLONE_NEWIPC), "unshare")
        return os.fork()

    def fork(self) -> int:
        """os.fork(), the child being PID 1 of fresh PID and IPC namespaces."""
        _check(_libc.unshare(CLONE_NEWPID | CLONE_NEWIPC), "unshare")
        pid = -1
        try:
            pid = os.fork()
        finally:
            if pid != 0:  # the parent, or a failed fork: back to our own namespaces either way
                _check(_libc.setns(self.ipc_ns, CLONE_NEWIPC), "setns(ipc)")
                _check(_libc.setns(self.pid_ns, CLONE_NEWPID), "setns(pid)")
        if pid == 0:
            os.close(self.pid_ns)
            os.close(self.ipc_ns)
        return pid

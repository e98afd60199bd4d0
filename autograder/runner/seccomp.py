"""A seccomp filter that denies network sockets and keyrings.

socket() for anything but AF_UNIX fails with EACCES; add_key, request_key and keyctl fail with EPERM, as
under Docker's default profile: the user keyring is shared by every process of a uid, namespaces or not,
so a key one submission adds could otherwise be read by the next.

Written as a raw BPF program through ctypes, so it needs no library. Syscalls from a
foreign ABI (32-bit int 0x80, x32) kill the process, so the filter cannot be sidestepped.
"""

from __future__ import annotations

import ctypes
import platform
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

RET_ALLOW = 0x7FFF0000
RET_KILL = 0x80000000  # SECCOMP_RET_KILL_PROCESS
RET_EACCES = 0x00050000 | 13
RET_EPERM = 0x00050000 | 1

LD_ABS = 0x20
JEQ = 0x15
JGE = 0x35
RET = 0x06

# (audit arch, socket, io_uring_setup, (add_key, request_key, keyctl))
ARCHES = {"x86_64": (0xC000003E, 41, 425, (248, 249, 250)), "aarch64": (0xC00000B7, 198, 425, (217, 218, 219))}
AF_UNIX = 1


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def program(arch: int, nr_socket: int, nr_io_uring: int, keyrings: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    denied = []
    for nr in keyrings:
        denied += [(JEQ, 0, 1, nr), (RET, 0, 0, RET_EPERM)]
    return [
        (LD_ABS, 0, 0, 4),  # seccomp_data.arch
        (JEQ, 1, 0, arch),
        (RET, 0, 0, RET_KILL),
        (LD_ABS, 0, 0, 0),  # seccomp_data.nr
        (JGE, 0, 1, 0x40000000),  # x32 ABI
        (RET, 0, 0, RET_KILL),
        (JEQ, 0, 1, nr_io_uring),  # io_uring can open sockets behind the filter's back
        (RET, 0, 0, RET_EACCES),
        *denied,
        (JEQ, 0, 3, nr_socket),
        (LD_ABS, 0, 0, 16),  # seccomp_data.args[0], the address family
        (JEQ, 1, 0, AF_UNIX),
        (RET, 0, 0, RET_EACCES),
        (RET, 0, 0, RET_ALLOW),
    ]


def deny_network_and_keyrings() -> bool:
    """Install the filter in this process (inherited by its children). False where unsupported."""
    spec = ARCHES.get(platform.machine())
    if spec is None or struct.calcsize("P") != 8:
        return False
    insns = program(*spec)
    filters = (SockFilter * len(insns))(*[SockFilter(*i) for i in insns])
    prog = SockFprog(len(insns), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0

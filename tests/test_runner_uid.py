"""The rlimits level as root: runners get a uid of their own, the sweep leaves nothing of it, and grading never
runs a submission as root."""

from __future__ import annotations

import ctypes
import errno
import os
import pwd
import resource
import time

import pytest

from autograder import isolation
from autograder.assignments import Assignment
from autograder.grade import GradeError, grade
from autograder.limits import Limits
from autograder.runner import zygote

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a process another uid")
IPC_CREAT = 0o1000
CHAIN = 60


def test_grading_refuses_rlimits_where_runners_would_keep_root(monkeypatch):
    monkeypatch.setattr(isolation, "choose", lambda requested="auto": isolation.RLIMITS)
    monkeypatch.setattr(isolation, "fallback_is_unprivileged", lambda: False)
    with pytest.raises(isolation.IsolationUnavailable, match="refusing to run submissions as root"):
        isolation.choose_for_grading("rlimits")
    monkeypatch.setattr(isolation, "fallback_is_unprivileged", lambda: True)
    assert isolation.choose_for_grading("rlimits") == isolation.RLIMITS


def test_namespaces_are_never_refused(monkeypatch):
    monkeypatch.setattr(isolation, "choose", lambda requested="auto": isolation.NAMESPACES)
    monkeypatch.setattr(isolation, "fallback_is_unprivileged", lambda: False)
    assert isolation.choose_for_grading("auto") == isolation.NAMESPACES


def test_grade_says_why_it_refuses_and_writes_nothing(monkeypatch, tmp_path):
    monkeypatch.setattr(isolation, "choose", lambda requested="auto": isolation.RLIMITS)
    monkeypatch.setattr(isolation, "fallback_is_unprivileged", lambda: False)
    assignment = Assignment("linear_regression")
    subs = tmp_path / "submissions"
    subs.mkdir()
    (subs / "alice.py").write_text(assignment.solution.read_text())
    with pytest.raises(GradeError, match="cannot read this Python"):
        grade(assignment, subs, tmp_path / "out", workers=1, quiet=True, isolation="rlimits")
    assert not (tmp_path / "out").exists()


@needs_root
def test_the_runners_uid_names_no_account_and_no_process():
    uid = zygote.dedicated_uid()
    assert uid >= zygote.RUNNER_UIDS
    with pytest.raises(KeyError):
        pwd.getpwuid(uid)
    assert all(uid not in uids for uids in zygote._process_uids().values())


def _become(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


@needs_root
def test_process_limit_holds_for_the_runners_uid():
    """RLIMIT_NPROC is not enforced for root; for a uid of the runners' own it is."""
    uid = zygote.dedicated_uid()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            _become(uid)
            resource.setrlimit(resource.RLIMIT_NPROC, (4, 4))
            children = []
            try:
                for _ in range(10):
                    child = os.fork()
                    if child == 0:
                        time.sleep(5)
                        os._exit(0)
                    children.append(child)
            except BlockingIOError as e:
                code = 0 if e.errno == errno.EAGAIN and len(children) < 10 else 1
            os.write(w, str(len(children)).encode())
            for child in children:
                os.kill(child, 9)
        finally:
            os._exit(code)
    os.close(w)
    started = os.read(r, 16)
    os.close(r)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, f"forks started before the limit: {started}"


@needs_root
def test_the_sweep_leaves_no_process_sysv_object_or_file_of_the_uid(monkeypatch):
    # the sweep reaps the zygote's children; here they would be pytest's
    monkeypatch.setattr(zygote, "reap", lambda *a: None)
    uid = zygote.dedicated_uid()
    left = f"/dev/shm/zz-runner-uid-{uid}"
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            _become(uid)
            libc = ctypes.CDLL(None, use_errno=True)
            assert libc.shmget(0, 4096, IPC_CREAT | 0o600) >= 0
            assert libc.msgget(0, IPC_CREAT | 0o600) >= 0
            assert libc.semget(0, 1, IPC_CREAT | 0o600) >= 0
            with open(left, "w") as f:
                f.write("for the next submission")
            for _ in range(CHAIN):  # a chain deeper than any round count, each link in a session of its own
                if os.fork():
                    break
                os.setsid()
            else:
                os.write(w, b"!")
            while True:
                time.sleep(1)
        finally:
            os._exit(1)
    os.close(w)
    assert os.read(r, 1) == b"!"
    os.close(r)
    running = [p for p, uids in zygote._process_uids().items() if uid in uids]
    assert len(running) == CHAIN + 1
    assert {kind for kind, _ in zygote._sysv_owned_by(uid)} == {"shm", "msg", "sem"}
    try:
        assert zygote.sweep_uid(uid) >= CHAIN + 1
    finally:
        os.waitpid(pid, 0)
    assert [p for p, uids in zygote._process_uids().items() if uid in uids] == []
    assert zygote._sysv_owned_by(uid) == []
    assert not os.path.exists(left)


@needs_root
def test_runners_run_as_that_uid():
    if not isolation.fallback_is_unprivileged():
        pytest.skip("that uid cannot read this Python: grading refuses rlimits here")
    from autograder.sandbox import WarmPool
    from autograder.submission import Submission

    pool = WarmPool(isolation.RLIMITS, optimizer=False)
    try:
        sub = Submission(pool, b"import os\ndef ids():\n    return [os.getuid(), os.geteuid(), os.getgid()]\n",
                         "m.py", "m", Limits())
        uid, euid, gid = sub.call("ids")
        sub.close()
        assert uid == euid == gid >= zygote.RUNNER_UIDS
        assert uid == pool.zygote.runner_uid
    finally:
        pool.close()

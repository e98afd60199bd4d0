"""Hostile submissions graded *before* honest classmates in one shard (``--workers 1``): whatever they
start, leave behind or keep, the classmates graded after them get exact grades, and nothing of theirs
outlives the batch. Each attack is one of a class the sandbox closes by construction: a PID and IPC
namespace per submission, no capabilities, no keyrings, runners that held kit code thrown away, and a
runner seed apart from the inputs' seed."""

from __future__ import annotations

import ctypes
import os
import platform
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

from autograder import isolation
from autograder.assignments import Assignment, all_assignments
from autograder.grade import grade
from autograder.sandbox import Limits

pytestmark = pytest.mark.slow

LINEAR = Assignment("linear_regression")
COMM = b"ag-hostile"  # what every process a hostile leaves running calls itself, to be found on the host
SHM_KEY = 0x41474C4B
KEY_NAME = "ag-leaked-key"

# Kills every process it can see that looks like the kit's (the zygote, runners), for `seconds`, and reads
# every file under /tmp (classmates' modules) on the way.
KILLER = """
def _killer(seconds):
    import ctypes, os, signal, time
    ctypes.CDLL(None).prctl(15, COMM, 0, 0, 0)
    end = time.time() + seconds
    while time.time() < end:
        for entry in os.listdir('/proc'):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                if b'autograder' in open('/proc/%s/cmdline' % entry, 'rb').read():
                    os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
        for root, dirs, files in os.walk('/tmp'):
            for name in files:
                try:
                    open(os.path.join(root, name), 'rb').read(100)
                except OSError:
                    pass
        time.sleep(0.02)
    os._exit(0)
"""

NORMAL = """
def normal(x, mu, sigma):
    ATTACK
    p = 1 / math.sqrt(2 * math.pi * sigma**2)
    return p * np.exp(-0.5 / sigma**2 * (x - mu) ** 2)
"""

ATTACKS = {
    # A chain deeper than any fixed number of sweep rounds, each link in a session of its own.
    "fork_chain": """
        if os.fork() == 0:
            for _ in range(150):
                if os.fork():
                    os._exit(0)
                os.setsid()
            _killer(8)
    """,
    "setsid_daemon": """
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(1)
                _killer(8)
            os._exit(0)
    """,
    "stops_and_kills_its_parent": """
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for entry in os.listdir('/proc'):
                try:
                    if entry.isdigit() and int(entry) != os.getpid() and \\
                            b'autograder.runner.zygote' in open('/proc/%s/cmdline' % entry, 'rb').read():
                        os.kill(int(entry), sig)
                except OSError:
                    pass
            if os.getppid() > 0:
                os.kill(os.getppid(), sig)
    """,
    "shm_writer": """
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        shm = libc.shmget(SHM_KEY, 64 * 1024 * 1024, 0o1666)
        if shm >= 0:
            addr = libc.shmat(shm, None, 0)
            ctypes.memset(addr, 7, 64 * 1024 * 1024)  # resident: 64 MiB pinned outside the runner
            ctypes.memmove(addr, b"LEAKED", 6)
    """,
    "key_writer": """
        libc = ctypes.CDLL(None, use_errno=True)
        for keyring in (-4, -3):  # @u, @s
            libc.syscall(SYS_ADD_KEY, b"user", KEY_NAME.encode(), b"LEAKED", 6, keyring)
    """,
}

# Readers implement `normal` only if they find what a writer left: their `normal` must score 0.
READERS = {
    "shm_reader": """
        libc = ctypes.CDLL(None, use_errno=True)
        found = libc.shmget(SHM_KEY, 0, 0o666) >= 0
    """,
    "key_reader": """
        libc = ctypes.CDLL(None, use_errno=True)
        found = any(libc.syscall(SYS_KEYCTL, 10, keyring, b"user", KEY_NAME.encode(), 0) > 0
                    for keyring in (-4, -3))  # KEYCTL_SEARCH
    """,
}

FORK_BOMB = """
        children = 0
        while children < 2000:  # bounded, so that even a host without any process limit survives the test
            if os.fork() == 0:
                ctypes.CDLL(None).prctl(15, COMM, 0, 0, 0)
                time.sleep(20)
                os._exit(0)
            children += 1
"""

# closed_form's inputs come from the check's generator; the runner's generators must predict nothing.
SEED_REPLAY = """
def closed_form(X, y):
    import torch
    replay = torch.Generator()
    replay.set_state(torch.get_rng_state())
    true_w = torch.randn(3, 1, generator=replay) * 2
    true_b = torch.randn(1, generator=replay) * 3
    return true_w, true_b
"""

# Keeps whatever the runner sets into the module that is not the student's, and hands it back later.
RECORDER = (Path(__file__).parent / "recorder.py").read_text(encoding="utf-8")

KILLERS = ("fork_chain", "setsid_daemon", "stops_and_kills_its_parent")
SYSCALLS = {"x86_64": (248, 250), "aarch64": (217, 219)}  # add_key, keyctl


def _constants() -> str:
    add_key, keyctl = SYSCALLS.get(platform.machine(), (-1, -1))
    return (f"import ctypes, math, os, signal, time\nimport numpy as np\nCOMM = {COMM!r}\nSHM_KEY = {SHM_KEY}\n"
            f"KEY_NAME = {KEY_NAME!r}\nSYS_ADD_KEY = {add_key}\nSYS_KEYCTL = {keyctl}\n")


def _with_attack(body: str) -> str:
    attack = textwrap.indent(textwrap.dedent(body).strip("\n"), "    ").lstrip()
    return _constants() + KILLER + LINEAR.solution.read_text() + NORMAL.replace("ATTACK", attack)


def _reader(body: str) -> str:
    check = textwrap.indent(textwrap.dedent(body).strip("\n"), "    ").lstrip()
    return _constants() + LINEAR.stub.read_text() + NORMAL.replace(
        "ATTACK", check + "\n    if not found:\n        raise NotImplementedError('nothing left behind to read')")


def _hostile_processes() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_bytes().strip() == COMM:
                    found.append(int(entry))
            except OSError:
                continue
    return found


def _shm_keys() -> set[int]:
    try:
        lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    except OSError:
        return set()
    return {int(line.split()[0]) for line in lines}


def _runners_share_the_graders_uid(level: str) -> bool:
    """Without user namespaces, a grader that is not root cannot give runners another uid, nor namespaces."""
    return level == isolation.RLIMITS and os.geteuid() != 0


def _pids_cgroup_here() -> bool:
    from autograder.sandbox import PidsCgroup

    cgroup = PidsCgroup(8)
    cgroup.remove()
    return cgroup.path is not None


def _full(result, exercise: str) -> float:
    return sum(o.points for o in result.by_exercise()[exercise])


@pytest.fixture(scope="module", params=["auto", "rlimits"])
def classmates(request, tmp_path_factory):
    level = request.param
    try:
        isolation.choose_for_grading(level)
    except isolation.IsolationUnavailable as e:
        pytest.skip(f"grading refuses {level} on this host: {e}")
    root = tmp_path_factory.mktemp(f"classmates-{level}")
    subs = root / "submissions"
    subs.mkdir()
    # Graded in name order, in one shard: every hostile comes before the honest classmates.
    skipped = []
    for k, (name, body) in enumerate(ATTACKS.items()):
        if _runners_share_the_graders_uid(level) and name in KILLERS:
            skipped.append(name)  # they could signal the grader itself: see the README's threat model
            continue
        (subs / f"a{k}_{name}.py").write_text(_with_attack(body))
    (subs / "a5_fork_bomb.py").write_text(_with_attack(FORK_BOMB))
    for k, (name, body) in enumerate(READERS.items()):
        (subs / f"b{k}_{name}.py").write_text(_reader(body))
    (subs / "b2_seed_replay.py").write_text(LINEAR.stub.read_text() + SEED_REPLAY)
    for k in range(3):
        (subs / f"z_honest_{k}.py").write_text(LINEAR.solution.read_text())
    (subs / "z_honest_stub.py").write_text(LINEAR.stub.read_text())
    shm_before = _shm_keys()
    # A temp dir of the batch's own, since another process grading on this machine makes zygote folders in /tmp
    # too; beside them, as reachable as /tmp is by a runner that drops to another uid (pytest's tmp_path is not).
    tmp = Path(tempfile.mkdtemp(prefix="classmates-", dir=tempfile.gettempdir()))
    os.chmod(tmp, 0o1777)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(tmp))
        mp.setenv("TMPDIR", str(tmp))
        batch = grade(LINEAR, subs, root / "out", workers=1, limits=Limits(call_seconds=5, processes=64),
                      quiet=True, isolation=level)
    left = {p.name for p in tmp.glob("autograder-*")}
    shutil.rmtree(tmp, ignore_errors=True)
    return {"results": {r.student: r for r in batch.results}, "isolation": batch.isolation,
            "skipped": skipped, "shm_before": shm_before, "level": level,
            "left_folders": left}


def test_classmates_graded_after_hostiles_keep_exact_grades(classmates):
    results = classmates["results"]
    for k in range(3):
        r = results[f"z_honest_{k}"]
        assert r.score == r.max_score, [(o.name, o.message) for o in r.outcomes if o.earned < o.points]
    assert results["z_honest_stub"].score == 0


def test_nothing_a_submission_started_outlives_the_batch(classmates):
    assert _hostile_processes() == []


def test_no_zygote_folder_outlives_the_batch(classmates):
    """Even where a submission killed its judge, the process that started the zygotes removes their folders."""
    assert classmates["left_folders"] == set()


def test_no_sysv_object_outlives_the_batch(classmates):
    assert SHM_KEY not in _shm_keys() - classmates["shm_before"]


def test_shared_memory_and_keys_never_reach_the_next_submission(classmates):
    for reader in ("b0_shm_reader", "b1_key_reader"):
        r = classmates["results"][reader]
        assert r.exercise_points()["normal"] == 0, [o.message for o in r.outcomes if o.exercise == "normal"]


def test_the_runner_seed_predicts_no_input(classmates):
    r = classmates["results"]["b2_seed_replay"]
    assert r.exercise_points()["closed_form"] == 0, [o.message for o in r.outcomes if o.exercise == "closed_form"]


def test_hostiles_cost_only_their_own_exercise(classmates):
    if classmates["skipped"]:
        pytest.skip(f"not run at this level on this host: {classmates['skipped']}")
    for name in ("a0_fork_chain", "a1_setsid_daemon", "a2_stops_and_kills_its_parent"):
        r = classmates["results"][name]
        lost = {e: p for e, p in r.exercise_points().items() if p != _full(r, e)}
        assert set(lost) <= {"normal"}, (name, lost)


def test_fork_bomb_is_stopped_by_the_process_limit_with_a_message_naming_it(classmates):
    if not _pids_cgroup_here() and os.geteuid() == 0 and classmates["isolation"] == isolation.NAMESPACES:
        # bubblewrap maps the sandbox's uid to host root, for which RLIMIT_NPROC does nothing
        pytest.skip("no process limit on this host as root (no writable pids cgroup): see the README")
    r = classmates["results"]["a5_fork_bomb"]
    messages = [o.message for o in r.outcomes if o.exercise == "normal"]
    assert r.exercise_points()["normal"] == 0
    if _pids_cgroup_here():  # the cgroup counts refused forks: the cause is established
        assert any("started more processes than a submission may start (64)" in m for m in messages), messages
    else:
        assert any("a fork beyond the limit of 64 processes" in m for m in messages), messages


# ------------------------------------------------------------------ substitution


@pytest.mark.parametrize("name", [a.name for a in all_assignments()])
def test_textbook_code_a_module_records_earns_nothing(name, tmp_path):
    """A module that keeps all the kit's code the runner gives it (what is substituted, and whatever that code's
    globals reach: the book's helpers it calls, the rest of a kit module) and returns it as its own later."""
    assignment = Assignment(name)
    names = sorted(assignment.exercises)
    assert assignment.textbook, f"{name} substitutes nothing: the test would prove nothing"
    subs = tmp_path / "submissions"
    subs.mkdir()
    (subs / "a_recorder.py").write_text(assignment.stub.read_text() + RECORDER + f"\n_install({names!r})\n")
    (subs / "z_honest.py").write_text(assignment.solution.read_text())
    batch = grade(assignment, subs, tmp_path / "out", workers=1, quiet=True)
    results = {r.student: r for r in batch.results}
    assert results["a_recorder"].score == 0, [
        (o.name, o.message) for o in results["a_recorder"].outcomes if o.earned > 0]
    assert results["z_honest"].score == results["z_honest"].max_score


def test_keyring_calls_are_denied_in_a_runner():
    """Keys are not namespaced by PID or IPC namespaces: the seccomp filter denies the keyring calls."""
    if platform.machine() not in SYSCALLS:
        pytest.skip("no seccomp filter on this architecture")
    from autograder.sandbox import WarmPool
    from autograder.submission import Submission

    source = _constants() + textwrap.dedent("""
        def add_key():
            libc = ctypes.CDLL(None, use_errno=True)
            result = libc.syscall(SYS_ADD_KEY, b"user", b"k", b"v", 1, -4)
            return [result, ctypes.get_errno()]
    """)
    for level in ("auto", "rlimits"):
        pool = WarmPool(isolation.choose(level), optimizer=False)
        try:
            sub = Submission(pool, source.encode(), "m.py", "m", Limits())
            assert sub.call("add_key") == [-1, 1], level  # EPERM
            sub.close()
        finally:
            pool.close()


def test_a_runner_holds_no_capability_and_namespaces_of_its_own():
    if isolation.choose("auto") != isolation.NAMESPACES:
        pytest.skip("user namespaces are not available on this host")
    from autograder.sandbox import WarmPool
    from autograder.submission import Submission

    source = textwrap.dedent("""
        import os

        def identity():
            caps = {}
            for line in open("/proc/self/status"):
                if line.startswith("Cap"):
                    key, value = line.split(":")
                    caps[key] = int(value, 16)
            return [os.getpid(), caps, os.readlink("/proc/self/ns/pid"), os.readlink("/proc/self/ns/ipc")]
    """)
    pool = WarmPool(isolation.NAMESPACES, optimizer=False)
    seen = []
    try:
        for _ in range(2):
            sub = Submission(pool, source.encode(), "m.py", "m", Limits())
            pid, caps, pid_ns, ipc_ns = sub.call("identity")
            sub.close()
            pool.sweep()
            assert pid == 2  # PID 1 is the namespace's init, which only reaps
            assert set(caps.values()) == {0}, caps
            seen.append((pid_ns, ipc_ns))
    finally:
        pool.close()
    assert seen[0][0] != seen[1][0] and seen[0][1] != seen[1][1], seen


def test_the_kernel_here_numbers_keyring_calls_as_the_filter_does():
    """The filter's syscall numbers are the kernel's: add_key on an invalid type fails with EINVAL, not ENOSYS."""
    if platform.machine() not in SYSCALLS:
        pytest.skip("no seccomp filter on this architecture")
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.syscall(SYSCALLS[platform.machine()][0], b"", b"", None, 0, -4) == -1
    assert ctypes.get_errno() != 38  # ENOSYS


def test_eagain_from_non_blocking_io_is_not_called_a_process_limit():
    """The same errno as a refused fork: the message names the process limit only where it was established."""
    from autograder.sandbox import WarmPool
    from autograder.submission import Submission, SubmissionError

    source = textwrap.dedent("""
        import os

        def read_empty_pipe():
            r, w = os.pipe()
            os.set_blocking(r, False)
            return os.read(r, 1)
    """)
    pool = WarmPool(isolation.choose("auto"), optimizer=False)
    try:
        sub = Submission(pool, source.encode(), "m.py", "m", Limits())
        with pytest.raises(SubmissionError) as failure:
            sub.call("read_empty_pipe")
        sub.close()
    finally:
        pool.close()
    message = str(failure.value)
    assert "started more processes" not in message
    assert "non-blocking file or socket" in message, message

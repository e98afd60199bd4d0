"""Hostile submissions against the sandbox: each is graded in one batch beside honest ones whose
grades must stay exact; none gets credit it did not earn, leaves anything behind, or
changes anything outside its own runner."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder import isolation
from autograder.assignments import Assignment
from autograder.grade import grade
from autograder.results import PASSED
from autograder.sandbox import Limits

ASSIGNMENT = Assignment("linear_regression")
MARKER = "4242.123456"  # an argument only the daemon's `sleep` carries, to find it in /proc
CANARIES = ("zz_autograder_canary_7f3a.pth", "zz_autograder_canary_7f3a.py")


def with_normal(body: str) -> str:
    """The reference, with `normal` replaced by hostile code that then returns the right values."""
    reference = ASSIGNMENT.solution.read_text()
    head = "    p = 1 / math.sqrt(2 * math.pi * sigma**2)\n"
    assert reference.count(head) == 1
    indented = "".join(f"    {line}\n" for line in body.strip("\n").splitlines())
    return reference.replace(head, indented + head)


HOSTILE = {
    "memory_hog": with_normal("import torch\nhog = torch.ones(4 * 1024**3)"),
    "process_swarm": with_normal(
        "import os, time\n"
        "for _ in range(300):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(600)\n"
        "        os._exit(0)"),
    # Detaches, then for ~10 s tries to rewrite every grades.csv and results file under the test's own
    # folder (TARGET). It never looks anywhere else: a test must not be able to harm the machine.
    "detached_daemon": with_normal(
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execv('/bin/sleep', ['sleep', '{MARKER}'])\n"
        "    if os.fork() == 0:\n"
        "        for _ in range(100):\n"
        "            for root, dirs, files in os.walk('TARGET'):\n"
        "                for f in files:\n"
        "                    if f == 'grades.csv' or f.endswith('.json'):\n"
        "                        try:\n"
        "                            open(os.path.join(root, f), 'w').write('student,score\\nhacked,100\\n')\n"
        "                        except OSError:\n"
        "                            pass\n"
        "            time.sleep(0.1)\n"
        "    os._exit(0)"),
    "connects_to_localhost": with_normal(
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', PORT), timeout=2).sendall(b'pwned')\n"
        "except OSError:\n"
        "    pass"),
    # Tries to plant a module in every sys.path folder; uniquely named and created exclusively, so
    # even where it succeeded it could overwrite nothing, and the test finds and removes it.
    "writes_into_sys_path": with_normal(
        "import os, sys\n"
        "for d in list(sys.path):\n"
        "    for name in (CANARIES):\n"
        "        try:\n"
        "            open(os.path.join(d or '.', name), 'x').write('import os\\n')\n"
        "        except OSError:\n"
        "            pass"),
    "ignores_sigterm_and_loops": ASSIGNMENT.solution.read_text().replace(
        "    return torch.matmul(X, w) + b\n",
        "    import signal\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n    while True:\n        pass\n"),
    "floods_stdout": with_normal(
        "import sys\n"
        "chunk = 'x' * (1024 * 1024)\n"
        "for _ in range(200):\n"
        "    sys.stdout.write(chunk)\n"
        "sys.stdout.flush()\n"
        "print('END-OF-FLOOD')"),
    # Looks for a complete implementation on disk (the reference or a classmate's) and runs it.
    "steals_a_solution": ASSIGNMENT.stub.read_text() + "\n" + """
import os as _os, importlib.util as _util, time as _time
_deadline = _time.time() + 5
for _root, _dirs, _files in _os.walk('/'):
    _dirs[:] = [d for d in _dirs if d not in ('proc', 'sys', 'dev')]
    if _time.time() > _deadline:
        break
    for _f in _files:
        if _f.endswith('.py') and _f.startswith(('linear_regression', 'honest')):
            _path = _os.path.join(_root, _f)
            try:
                _text = open(_path).read()
            except OSError:
                continue
            if 'def sgd' in _text and 'not implemented yet' not in _text:
                _spec = _util.spec_from_file_location('_stolen', _path)
                _mod = _util.module_from_spec(_spec)
                _spec.loader.exec_module(_mod)
                globals().update({k: v for k, v in vars(_mod).items() if not k.startswith('_')})
""",
}


def _sleepers() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if MARKER.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    found.append(int(entry))
            except OSError:
                continue
    return found


def _canaries() -> list[Path]:
    return [Path(d) / name for d in sys.path if d and os.path.isdir(d) for name in CANARIES
            if (Path(d) / name).exists()]


def _path_listing() -> dict[str, set[str]]:
    return {d: set(os.listdir(d)) for d in sys.path if d and os.path.isdir(d)}


# It grades a whole batch of hostile submissions, end to end: every test that uses it is in the slow tier.
@pytest.fixture(scope="module", params=["auto", "rlimits"])
def batch(request, tmp_path_factory):
    _skip_where_grading_refuses(request.param)
    root = tmp_path_factory.mktemp("isolation")
    subs = root / "submissions"
    subs.mkdir()
    received = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            received.append(conn.recv(100))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    for name, source in HOSTILE.items():
        source = source.replace("PORT", str(port)).replace("TARGET", str(root))
        (subs / f"{name}.py").write_text(source.replace("(CANARIES)", repr(CANARIES)))
    for k in range(2):
        (subs / f"honest_{k}.py").write_text(ASSIGNMENT.solution.read_text())
    before = _path_listing()
    out = root / "out"
    assert not _canaries(), "canaries from an earlier run: remove them first"
    result = grade(ASSIGNMENT, subs, out, workers=2, limits=Limits(call_seconds=5), quiet=True,
                   isolation=request.param)
    grades = (out / "grades.csv").read_text()
    files = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    time.sleep(2)  # give any survivor time to act
    stop.set()
    thread.join()
    listener.close()
    planted = _canaries()
    for path in planted:
        path.unlink()
    return {
        "results": {r.student: r for r in result.results}, "isolation": result.isolation, "out": out,
        "grades": grades, "files": files, "received": received, "before": before, "after": _path_listing(),
        "planted": planted,
    }


def _skip_where_grading_refuses(level: str) -> None:
    try:
        isolation.choose_for_grading(level)
    except isolation.IsolationUnavailable as e:
        pytest.skip(f"grading refuses {level} on this host: {e}")


def _full(result, exercise):
    return sum(o.points for o in result.by_exercise()[exercise])


def _only_lost(result, exercise):
    points = result.exercise_points()
    others = {e: p for e, p in points.items() if e != exercise and p != _full(result, e)}
    assert not others, f"{result.student} also lost {others}"
    assert points[exercise] < _full(result, exercise)


@pytest.mark.slow
def test_honest_submissions_keep_exact_grades(batch):
    for k in range(2):
        r = batch["results"][f"honest_{k}"]
        assert r.score == r.max_score, [(o.name, o.message) for o in r.outcomes if o.status != PASSED]


@pytest.mark.slow
def test_memory_hog_fails_its_exercise_naming_the_limit(batch):
    r = batch["results"]["memory_hog"]
    _only_lost(r, "normal")
    assert any("used more than 6 GiB of memory" in o.message for o in r.outcomes), [o.message for o in r.outcomes]


@pytest.mark.slow
def test_process_swarm_and_daemons_leave_nothing_behind(batch):
    assert not _sleepers(), "a detached daemon survived grading"
    r = batch["results"]["detached_daemon"]
    assert r.score == r.max_score, [(o.name, o.message) for o in r.outcomes if o.status != PASSED]
    # 300 forks of a process holding torch may outlast the call's time limit: then only `normal` pays.
    swarm = batch["results"]["process_swarm"]
    if swarm.score != swarm.max_score:
        _only_lost(swarm, "normal")


@pytest.mark.slow
def test_daemon_could_not_rewrite_results(batch):
    out = batch["out"]
    assert (out / "grades.csv").read_text() == batch["grades"]
    for path, data in batch["files"].items():
        assert path.read_bytes() == data, path
    assert "hacked" not in batch["grades"]


@pytest.mark.slow
def test_no_network(batch):
    assert batch["received"] == []
    assert batch["results"]["connects_to_localhost"].score == batch["results"]["honest_0"].score


@pytest.mark.slow
def test_sys_path_untouched(batch):
    assert batch["planted"] == [] and batch["after"] == batch["before"]


@pytest.mark.slow
def test_sigterm_ignoring_loop_is_killed_and_only_costs_its_exercise(batch):
    r = batch["results"]["ignores_sigterm_and_loops"]
    _only_lost(r, "linreg")
    assert any("did not return within 5 s" in o.message for o in r.outcomes)


@pytest.mark.slow
def test_stdout_flood_costs_nothing_and_keeps_a_bounded_tail(batch):
    r = batch["results"]["floods_stdout"]
    assert r.score == r.max_score
    assert 0 < len(r.output) <= 8192 and "END-OF-FLOOD" in r.output
    assert all(len(p.read_bytes()) < 200_000 for p in batch["out"].rglob("floods_stdout*"))


@pytest.mark.slow
def test_stealing_a_solution_from_disk_gets_nothing(batch):
    if batch["isolation"] != isolation.NAMESPACES:
        pytest.skip("without user namespaces a submission can read what its uid can read (see the threat model)")
    assert batch["results"]["steals_a_solution"].score == 0

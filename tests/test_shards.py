"""`grade --workers N` runs one process that forks a judge per shard (autograder.shards): the judges share
one import of torch, and nothing they or their zygotes start outlives the batch, even when `grade` is
killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.assignments import Assignment

pytestmark = pytest.mark.slow  # end to end: forks judges and zygotes

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Assignment("linear_regression").solution.read_bytes()


def _processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, command line) for every process on the host."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[int(entry)] = (int(fields[1]), fields[0], cmdline)
    return found


def _descendants(root: int, table: dict[int, tuple[int, str, str]]) -> set[int]:
    kids: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        kids.setdefault(parent, []).append(pid)
    seen, stack = set(), [root]
    while stack:
        for kid in kids.get(stack.pop(), []):
            if kid not in seen:
                seen.add(kid)
                stack.append(kid)
    return seen


def _alive(pids: set[int]) -> set[int]:
    table = _processes()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def _class(folder: Path, n: int) -> Path:
    folder.mkdir()
    for k in range(n):
        (folder / f"s{k}.py").write_bytes(REFERENCE)
    return folder


def _grade(subs: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder", "grade", "linear_regression", str(subs), "--out",
                             str(out), "--workers", "2", "--seed", "3", "--quiet"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _watch(proc: subprocess.Popen, until) -> dict[int, tuple[int, str, str]]:
    """Every process under ``proc`` seen while it runs (as last seen), until ``until()`` is true or it ends."""
    seen: dict[int, tuple[int, str, str]] = {}
    deadline = time.monotonic() + 180
    while proc.poll() is None and not until() and time.monotonic() < deadline:
        table = _processes()
        for pid in _descendants(proc.pid, table):
            # The latest command line (a child between fork and exec still shows its parent's), but not the
            # empty one of a process that is exiting.
            if pid not in seen or table[pid][2]:
                seen[pid] = table[pid]
        time.sleep(0.02)
    return seen


def test_one_process_forks_a_judge_per_shard_and_nothing_outlives_the_batch(tmp_path):
    proc = _grade(_class(tmp_path / "class", 6), tmp_path / "out")
    seen = _watch(proc, lambda: False)
    assert proc.wait() == 0, proc.stderr.read().decode()
    shards = [pid for pid, (parent, _, cmd) in seen.items() if parent == proc.pid and "autograder.shards" in cmd]
    assert len(shards) == 1, f"expected one process forking the judges, saw {seen}"
    judges = [pid for pid, (parent, _, cmd) in seen.items() if parent == shards[0] and "autograder.shards" in cmd]
    assert len(judges) == 2, f"expected a judge per shard forked from {shards[0]}, saw {seen}"
    zygotes = [pid for pid, (_, _, cmd) in seen.items() if "autograder.runner.zygote" in cmd and "bwrap" not in cmd]
    assert len(zygotes) >= 2
    assert len((tmp_path / "out" / "grades.csv").read_text().splitlines()) == 1 + 6
    time.sleep(0.5)
    assert not _alive(set(seen)), "processes of the batch outlived it"


def test_killing_grade_ends_every_process_of_the_batch(tmp_path):
    out = tmp_path / "out"
    proc = _grade(_class(tmp_path / "class", 30), out)
    seen = _watch(proc, lambda: any((out / "results").glob("*.json")))
    assert proc.poll() is None, "the batch ended before it could be killed"
    table = _processes()
    seen.update({pid: table[pid] for pid in _descendants(proc.pid, table)})  # runners alive right now too
    assert any("autograder.runner.zygote" in cmd for _, _, cmd in seen.values())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while _alive(set(seen)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _alive(set(seen))
    assert not left, f"still running after grade was killed: {[seen[p][2][:120] for p in left]}"


SIBLING = """
import json, os, sys
from pathlib import Path
from autograder import isolation
from autograder.limits import Limits
from autograder.runner import wire
from autograder.sandbox import WarmPool, Zygote

level = isolation.choose("auto")
zygote = Zygote(level, optimizer=False)  # started here, driven by a forked sibling, as autograder.shards does
LEAVES = b\"\"\"
import os


def writable_mounts():
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point, options = line.split()[4], line.split()[5].split(",")
            if "rw" in options and not point.startswith(("/proc", "/sys")) and os.path.isdir(point):
                points.append(point)
    return points


def leave(roots):
    \'\'\'A file in every folder it can write to (read-only mounts skipped), its own folder aside.\'\'\'
    left = []
    for top in roots or writable_mounts():
        for root, dirs, files in os.walk(top):
            keep = []
            for d in dirs:
                path = os.path.join(root, d)
                try:
                    writable = not os.statvfs(path).f_flag & os.ST_RDONLY
                except OSError:
                    writable = False
                if writable and path not in ("/proc", "/sys") and not path.startswith(os.getcwd()):
                    keep.append(d)
            dirs[:] = keep
            path = os.path.join(root, "left_behind.txt")
            try:
                with open(path, "w") as f:
                    f.write("answers")
                left.append(path)
            except OSError:
                pass
    return left


def still_there(paths):
    return [p for p in paths if os.path.exists(p)]
\"\"\"


def load(pool, source):
    runner = pool.spawn(Limits())
    runner.request({"op": "load", "module": "m", "filename": "m.py"}, [source])
    return runner


def call(runner, function, *args):
    enc = wire.Encoder()
    reply, bufs = runner.request({"op": "call", "target": function, "args": enc.encode(list(args)),
                                  "kwargs": enc.encode({})})
    return wire.Decoder(bufs).decode(reply["value"])


# Under namespaces every writable mount of the sandbox (it runs as an unprivileged uid there); elsewhere
# only the runners' folder: a runner that kept root in the fallback must not be sent writing across the host.
roots = None if level == isolation.NAMESPACES else [os.path.join(zygote.tmp, "")]


pid = os.fork()
if pid == 0:
    seen = {}
    zygote.wait_ready()
    seen["alive"] = zygote.alive()
    pool = WarmPool(level, False, zygote=zygote)
    first = load(pool, LEAVES)
    left = call(first, "leave", roots)
    seen["left_somewhere"] = bool(left)
    first.kill()
    pool.sweep()
    seen["alive_after_sweep"] = zygote.alive()
    runner = load(pool, LEAVES)
    seen["next_runner_finds"] = call(runner, "still_there", left)
    runner.kill()
    pool.close()
    stat = Path(f"/proc/{zygote.process.pid}/stat")
    seen["ended_after_close"] = not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    print(json.dumps(seen), flush=True)
    os._exit(0)
os.waitpid(pid, 0)
zygote.process.wait(timeout=10)
"""


def test_a_forked_judge_drives_the_zygote_its_parent_started():
    """The judge is not the zygote's parent, so Popen.poll/kill/wait do not work there (poll says "ended"):
    through a pidfd, it must still see the zygote alive, have what a submission left swept before the next
    one runs (a file it wrote anywhere it could, not only in its working directory), and end the zygote."""
    out = subprocess.run([sys.executable, "-c", SIBLING], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"alive": True, "left_somewhere": True, "alive_after_sweep": True, "next_runner_finds": [],
                    "ended_after_close": True}

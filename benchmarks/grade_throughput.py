"""Grading throughput: the kit against one fresh Python per submission, and against the compute floor.

    python -m benchmarks.grade_throughput [--sizes 50 200 800] [--assignment linear_regression] [--workers N]
    python -m benchmarks.grade_throughput --sizes 10          # a quick look

In one run: generates N submissions (a mix like a real class: correct ones, correct alternatives,
one or two catalogued mistakes from autograder/suites/<assignment>/mistakes.py, untouched stubs), then measures

  (a) the kit: ``grade.grade`` with ``--workers`` = cores (judges, warm zygotes, one sandboxed runner
      forked per submission), for every size, sampling the memory of the grading processes;
  (b) naive: one fresh ``python`` per submission that imports torch and pytest and runs the same
      checks on that one submission, student code in its own process as notebook graders do, as
      many at once as there are workers (on a subset when N is large: the rate is extrapolated);
  (c) the compute floor: the same checks on the reference only, in one warm process, in-process
      (no runner, no fork, no sandbox): what grading costs with zero overhead.

and prints submissions per second, the kit's overhead per submission and core (a minus c), the
ratio b/a, how the kit's wall time grows with N, and peak memory per worker. Timing depends on
the machine and its load: nothing here passes or fails a build.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ["OMP_NUM_THREADS"] = "1"  # before torch loads here or in anything started from here
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.assignments import Assignment  # noqa: E402
from autograder.runner import wire  # noqa: E402
from tests.conftest import catalogue  # noqa: E402
from tests.variants import Variant  # noqa: E402

MiB = 1024**2


# ---------------------------------------------------------------- the class


def make_class(assignment: Assignment, n: int, folder: Path, seed: int = 0) -> dict[str, str]:
    """N submissions as ``<student>.py``: 35% correct, 10% correct alternatives, 40% one catalogued
    mistake, 10% two mistakes in different exercises, 5% the untouched stub. Returns student -> kind."""
    mistakes, alternatives = catalogue(assignment.name)
    reference = assignment.solution.read_text(encoding="utf-8")
    stub = assignment.stub.read_text(encoding="utf-8")
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {}
    for k in range(n):
        roll = rng.random()
        if roll < 0.35 or not mistakes:
            kind, source = "correct", reference
        elif roll < 0.45 and alternatives:
            variant = rng.choice(alternatives)
            kind, source = variant.name, variant.source(reference)
        elif roll < 0.85:
            variant = rng.choice(mistakes)
            kind, source = variant.name, variant.source(reference)
        elif roll < 0.95:
            first, second = rng.sample(mistakes, 2)
            try:  # two mistakes that edit the same lines cannot be combined: keep the first
                source = Variant("two", first.edits + second.edits).source(reference)
                kind = f"{first.name}+{second.name}"
            except AssertionError:
                kind, source = first.name, first.source(reference)
        else:
            kind, source = "stub", stub
        student = f"s{k:04d}"
        (folder / f"{student}.py").write_text(source, encoding="utf-8")
        kinds[student] = kind
    return kinds


# ---------------------------------------------------------------- in-process grading (b and c)


def _through_wire(header: dict, buffers: list) -> tuple[dict, list[bytes]]:
    """Pack and unpack a message as a socket would carry it, so values cross exactly as they do for the kit."""
    data = io.BytesIO(wire.pack(header, [bytes(b) for b in buffers]))

    class Stream:
        def recv(self, n: int) -> bytes:
            return data.read(n)

    return wire.recv(Stream())


class DirectRunner:
    """The runner's server code called in this very process: no fork, no socket, no sandbox, no limits."""

    def __init__(self) -> None:
        from autograder.runner.server import Runner

        self.server = Runner(None)
        self.dead = False
        self.output = None

    def request(self, header: dict, buffers: list = (), timeout: float | None = None) -> tuple[dict, list]:
        header, buffers = _through_wire(header, list(buffers))
        try:
            if "reseed" in header:  # as Runner.serve does
                self.server.op_seed({"seed": header["reseed"]}, [])
            reply, out = getattr(self.server, "op_" + header["op"])(header, buffers)
        except BaseException as e:  # noqa: BLE001 - as the runner does: every failure is reported, as data
            reply, out = {"ok": False, "error": self.server.describe(e)}, []
        return _through_wire(reply, out)

    def kill(self) -> None:
        self.dead = True


class DirectPool:
    isolation = "none (in-process)"

    def spawn(self, limits) -> DirectRunner:
        return DirectRunner()

    def sweep(self) -> None:
        pass

    def close(self) -> None:
        pass


def grade_in_process(assignment: Assignment, files: list[Path], seed: int) -> list:
    """The kit's suite and plugin over ``files`` with the student code run in this process (what a notebook
    grader does). No judge warm-up here: a naive grader pays only for what the checks use."""
    import pytest

    from autograder.judge import pytest_args
    from autograder.plugin import GradingPlugin, RunConfig, StudentSpec

    specs = [StudentSpec(student=f.stem, source=f.read_bytes()) for f in files]
    results: list = []
    plugin = GradingPlugin(assignment, specs, RunConfig(seed=seed, isolation=DirectPool.isolation), results.append,
                           pool=DirectPool())
    with contextlib.redirect_stdout(io.StringIO()):
        code = pytest.main(pytest_args(assignment.suite(True)), plugins=[plugin])
    if code not in (0, 1) or len(results) != len(specs):
        raise RuntimeError(f"in-process grading failed (pytest exit {code}): {plugin.setup_errors}")
    return results


def in_process_main(argv: list[str]) -> None:
    """``--in-process ASSIGNMENT SEED OUT.json [--warm] FILE...``: grade FILEs in this fresh process.

    With ``--warm``, a first session (one file) runs untimed, so the timed one measures the checks alone.
    """
    assignment, seed, out = Assignment(argv[0]), int(argv[1]), Path(argv[2])
    warm = argv[3] == "--warm"
    files = [Path(f) for f in argv[4 if warm else 3:]]
    workdir = tempfile.mkdtemp(prefix="bench-inproc-")
    os.chdir(workdir)  # the runner code writes the module it imports into its working directory
    if warm:
        grade_in_process(assignment, files[:1], seed)
    clock = time.perf_counter  # bound now: a check's fake clock replaces time.perf_counter while it runs
    started = clock()
    results = grade_in_process(assignment, files, seed)
    seconds = clock() - started
    out.write_text(json.dumps({"seconds": seconds, "points": {r.student: r.exercise_points() for r in results}}))
    shutil.rmtree(workdir, ignore_errors=True)


def run_in_process(assignment: Assignment, files: list[Path], seed: int, warm: bool = False) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = Path(f.name)
    cmd = [sys.executable, "-m", "benchmarks.grade_throughput", "--in-process", assignment.name, str(seed), str(out),
           *(["--warm"] if warm else []), *map(str, files)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"in-process grading failed:\n{proc.stderr[-3000:]}")
    data = json.loads(out.read_text())
    out.unlink()
    return data


# ---------------------------------------------------------------- memory of the kit's workers


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            tree.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    return tree


def _status(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in bytes: cheap to read, so it can be sampled often."""
    rss = hwm = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, hwm


def _pss(pid: int) -> int:
    """Proportional set size: pages a runner shares with its zygote are split between them, so a sum over a
    process tree counts them once. Costs a walk of the page tables (~4 ms for a torch process): read rarely."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class MemorySampler:
    """Samples the kit's grading processes (the process that forks the judges, the judges, bubblewrap, the
    zygotes, the runners): peak RSS of each role twice a second (cheap), and the total PSS of them all every
    fourth sample (not cheap: it would steal CPU from grading), reported per worker."""

    def __init__(self, workers: int, interval: float = 0.5, pss_every: int = 4):
        self.workers = workers
        self.interval = interval
        self.pss_every = pss_every
        self.peak_tree = 0  # PSS of all the grading processes / workers
        self.peak = {"judge": 0, "zygote": 0, "runner": 0}  # peak RSS of one process of each role
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        self.thread.join()

    def _role(self, pid: int, parent: int | None, roles: dict[int, str]) -> str:
        argv = _cmdline(pid).split()
        if roles.get(parent) in ("zygote", "runner"):
            return "runner"
        # bubblewrap's command line names the zygote too: the zygote is the Python process
        if argv and "python" in argv[0] and "autograder.runner.zygote" in " ".join(argv):
            return "zygote"
        if roles.get(parent) == "shards" and "autograder.shards" in argv:
            return "judge"  # forked from the shards process (a Dask worker's judge: autograder.judge --serve)
        if "autograder.judge" in argv:
            return "judge"
        return "other"

    def _run(self) -> None:
        me, tick, roles = os.getpid(), 0, {}
        while not self.stop_event.wait(self.interval):
            tick += 1
            tree = _children()
            parents = {kid: parent for parent, kids in tree.items() for kid in kids}
            total = 0
            for top in tree.get(me, []):
                if top not in roles:
                    argv = _cmdline(top).split()
                    roles[top] = "shards" if "autograder.shards" in argv else "other"
                if roles[top] != "shards":
                    continue
                stack = [top]
                while stack:
                    pid = stack.pop()
                    if pid not in roles:
                        roles[pid] = self._role(pid, parents.get(pid), roles)
                    if roles[pid] in self.peak:
                        self.peak[roles[pid]] = max(self.peak[roles[pid]], *_status(pid))
                    if tick % self.pss_every == 0:
                        total += _pss(pid)
                    stack.extend(tree.get(pid, []))
            self.peak_tree = max(self.peak_tree, total // self.workers)


# ---------------------------------------------------------------- the measurements


def feedback_page_seconds(out: Path) -> tuple[float, int, int]:
    """Seconds per student to draw the feedback pages of a graded folder (the judges draw them while grading),
    and how many loss curves they hold, how many distinct (a judge draws each distinct curve once)."""
    from autograder.report import feedback_html, loss_curve_plot
    from autograder.results import read_results

    results = read_results(out)
    curves = [c for r in results for o in r.outcomes for c in o.curves]
    loss_curve_plot.cache_clear()
    started = time.perf_counter()
    for r in results:
        feedback_html(r)
    return (time.perf_counter() - started) / max(1, len(results)), len(curves), len(set(curves))


def run_kit(assignment: Assignment, folder: Path, out: Path, workers: int, seed: int,
            scheduler: str | None = None) -> dict:
    """Wall time of grade.grade, and of the class report it writes at the end."""
    import autograder.report
    from autograder.grade import grade

    shutil.rmtree(out, ignore_errors=True)
    timed = {"report": 0.0}
    write_report = autograder.report.write_report

    def report_and_time(*args, **kwargs):
        started = time.perf_counter()
        try:
            return write_report(*args, **kwargs)
        finally:
            timed["report"] += time.perf_counter() - started

    autograder.report.write_report = report_and_time
    try:
        with MemorySampler(workers) as memory:
            started = time.perf_counter()
            batch = grade(assignment, folder, out, workers=workers, seed=seed, quiet=True, scheduler=scheduler)
            wall = time.perf_counter() - started
    finally:
        autograder.report.write_report = write_report
    return {"wall": wall, "report": timed["report"], "grading": wall - timed["report"], "memory": memory,
            "points": {r.student: r.exercise_points() for r in batch.results}}


def run_naive(assignment: Assignment, files: list[Path], workers: int, seed: int) -> tuple[float, dict]:
    def one(path: Path) -> dict:
        return run_in_process(assignment, [path], seed)["points"]

    started = time.perf_counter()
    points: dict = {}
    with ThreadPoolExecutor(workers) as pool:
        for result in pool.map(one, files):
            points.update(result)
    return time.perf_counter() - started, points


def _fit(points: dict[int, float]) -> str:
    """Least-squares line through (N, seconds), how far the worst point is off it, and the marginal costs."""
    ns = sorted(points)
    if len(ns) < 2:
        return "n/a (one size)"
    ys = [points[n] for n in ns]
    mean_x, mean_y = sum(ns) / len(ns), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(ns, ys)) / sum((x - mean_x) ** 2 for x in ns)
    fixed = mean_y - slope * mean_x
    worst = max(abs(y - (fixed + slope * x)) / y for x, y in zip(ns, ys))
    steps = ", ".join(f"{a}->{b}: {(points[b] - points[a]) / (b - a) * 1000:.0f}" for a, b in zip(ns, ns[1:]))
    return (f"{fixed:.2f} s + {slope * 1000:.1f} ms x N (worst point {worst * 100:.1f}% off the line); "
            f"marginal ms per submission {steps}")


def run_dask(assignment: Assignment, folder: Path, work: Path, workers: int, seed: int) -> dict | None:
    try:
        from distributed import LocalCluster
    except ImportError:
        return None
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        cold = run_kit(assignment, folder, work / "out_dask_cold", workers, seed, scheduler=address)
        warm = run_kit(assignment, folder, work / "out_dask_warm", workers, seed, scheduler=address)
    return {"cold": cold, "warm": warm}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--in-process":
        in_process_main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.grade_throughput", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignment", default="linear_regression")
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 800], help="class sizes for the kit")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="default: the number of cores")
    parser.add_argument("--naive-max", type=int, default=40,
                        help="grade at most this many submissions the naive way (its rate is extrapolated)")
    parser.add_argument("--floor-n", type=int, default=50, help="reference copies for the compute floor")
    parser.add_argument("--dask", action="store_true",
                        help="also grade the headline class on a Dask LocalCluster (cold, then warm workers)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the generated classes and outputs here")
    args = parser.parse_args(argv)
    assignment = Assignment(args.assignment)
    sizes = sorted(set(args.sizes))
    target = 200 if 200 in sizes else sizes[-1]  # the headline class size
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    workers = args.workers
    print(f"{assignment.name}: sizes {sizes}, {workers} workers, {os.cpu_count()} cores, seed {args.seed}, "
          f"python {sys.version.split()[0]}, load average before {os.getloadavg()[0]:.2f}")

    # (c) the compute floor on the reference; the same on the class's mix, for comparison
    largest = work / f"class_{sizes[-1]}"
    make_class(assignment, sizes[-1], largest, args.seed)
    refs = work / "references"
    refs.mkdir(exist_ok=True)
    ref_files = []
    for k in range(args.floor_n):
        ref_files.append(refs / f"ref{k:03d}.py")
        ref_files[-1].write_bytes(assignment.solution.read_bytes())
    floor = run_in_process(assignment, ref_files, args.seed, warm=True)["seconds"] / args.floor_n
    mix_files = sorted(largest.glob("*.py"))[: args.floor_n]
    floor_mix = run_in_process(assignment, mix_files, args.seed, warm=True)["seconds"] / len(mix_files)
    print(f"\n(c) compute floor: the checks in-process in one warm process, no runner: {floor * 1000:.1f} ms per "
          f"reference submission ({1 / floor:.1f}/s per core); {floor_mix * 1000:.1f} ms per submission of the mix")

    # (a) the kit, for every size; each class is the first N of the largest, so the mix is the same
    print(f"\n(a) kit: grade.grade(workers={workers}); grading = wall - report (the class report written at the end; "
          "each student's HTML feedback page, with its loss-curve plots, is drawn by the judges while grading)")
    print(f"{'N':>6} {'wall s':>8} {'report s':>9} {'grading s':>10} {'subs/s':>7} {'ms/sub/core':>12} "
          f"{'overhead ms':>12} {'incl report':>12} {'PSS MiB/worker':>15} {'judge':>6} {'zygote':>7} {'runner':>7}")
    kit: dict[int, dict] = {}
    for n in sizes:
        folder = work / f"class_{n}"
        if folder != largest:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            for f in sorted(largest.glob("*.py"))[:n]:
                shutil.copy(f, folder / f.name)
        kit[n] = run = run_kit(assignment, folder, work / f"out_{n}", workers, args.seed)
        per_core = run["grading"] * workers / n
        memory = run["memory"]
        print(f"{n:>6} {run['wall']:>8.2f} {run['report']:>9.2f} {run['grading']:>10.2f} {n / run['grading']:>7.1f} "
              f"{per_core * 1000:>12.1f} {(per_core - floor) * 1000:>12.1f} "
              f"{(run['wall'] * workers / n - floor) * 1000:>12.1f} {memory.peak_tree / MiB:>15.0f} "
              f"{memory.peak['judge'] / MiB:>6.0f} {memory.peak['zygote'] / MiB:>7.0f} "
              f"{memory.peak['runner'] / MiB:>7.0f}")
    print("  subs/s and ms/sub/core are of the grading; overhead = grading x workers / N - floor: starting the "
          "judges and\n  zygotes, forking and sandboxing a runner per submission, the wire, intake, writing "
          "results and drawing feedback pages;\n  'incl report' uses the wall time. PSS MiB/worker: all the grading "
          "processes (the process that forks the judges, judges,\n  bubblewrap, zygotes, runners; shared pages "
          "counted once) / workers; judge/zygote/runner: peak RSS MiB of one\n  such process (a runner's RSS "
          "includes the pages it shares with its zygote).")
    print(f"  growth of the grading time: {_fit({n: r['grading'] for n, r in kit.items()})}")
    print(f"  growth of the wall time:    {_fit({n: r['wall'] for n, r in kit.items()})}")

    # (b) naive, on the first N of the headline class, as many at once as the kit has workers
    naive_n = min(args.naive_max, target)
    naive_files = sorted((work / f"class_{target}").glob("*.py"))[:naive_n]
    naive_seconds, naive_points = run_naive(assignment, naive_files, workers, args.seed)
    naive_rate = naive_n / naive_seconds
    same = sum(naive_points[s] == kit[target]["points"][s] for s in naive_points)
    subset = "" if naive_n == target else f" (the first {naive_n} of {target}, extrapolated to {target})"
    print(f"\n(b) naive: a fresh python per submission, {workers} at a time{subset}: {naive_seconds:.1f} s for "
          f"{naive_n} = {naive_rate:.2f}/s, {workers / naive_rate:.2f} s per submission and core; per-exercise "
          f"points equal to the kit's for {same} of {naive_n}")

    if args.dask:
        dask = run_dask(assignment, work / f"class_{target}", work, workers, args.seed)
        if dask is None:
            print("\n(a') Dask: not installed (pip install 'd2l-linear-autograder[scale]')")
        else:
            same = sum(dask["warm"]["points"][s] == kit[target]["points"][s] for s in kit[target]["points"])
            print(f"\n(a') Dask LocalCluster, {workers} worker processes x 1 thread, N={target}: grading "
                  f"{dask['cold']['grading']:.1f} s with cold workers (judges warm up), {dask['warm']['grading']:.1f} "
                  f"s warm ({target / dask['warm']['grading']:.1f}/s, "
                  f"{(dask['warm']['grading'] * workers / target - floor) * 1000:.0f} ms overhead per submission "
                  f"and core); report {dask['warm']['report']:.1f} s; per-exercise points equal to local grading's "
                  f"for {same} of {target}")

    run = kit[target]
    pages, curves, distinct = feedback_page_seconds(work / f"out_{target}")
    print(f"\n(a'') the kit's feedback pages alone (no naive grader draws them): {pages * 1000:.1f} ms per student "
          f"and core, part of (a)'s overhead; without them the overhead at N={target} would be "
          f"{(run['grading'] * workers / target - floor - pages) * 1000:.0f} ms. The pages hold {curves} loss "
          f"curves, {distinct} distinct: every student is checked on the same inputs, so students whose code "
          "computes the same losses share one plot (each distinct one costs ~25 ms)")
    naive_total = target / naive_rate
    print(f"\nAt N={target}: kit grading {run['grading']:.1f} s ({target / run['grading']:.1f}/s), wall with the "
          f"report {run['wall']:.1f} s; naive {naive_total:.1f} s{' (extrapolated)' if naive_n < target else ''} "
          f"({naive_rate:.2f}/s); floor {target * floor:.1f} s on one core")
    print(f"  b/a = {naive_total / run['grading']:.1f}x on grading, {naive_total / run['wall']:.1f}x on wall time; "
          f"overhead {(run['grading'] * workers / target - floor) * 1000:.0f} ms per submission and core "
          f"({(run['wall'] * workers / target - floor) * 1000:.0f} ms with the report); peak PSS per worker "
          f"{run['memory'].peak_tree / MiB:.0f} MiB")
    print(f"  load average after: {os.getloadavg()[0]:.2f} (other work on the machine skews all of this)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

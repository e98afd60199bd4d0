"""Grading on a Dask cluster (grade --scheduler) gives exactly the grades of local grading, and the
client writes the same files, resumes the same way, and survives workers losing their runners."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from autograder.assignments import Assignment  # noqa: E402
from autograder.catalog import exercise_points  # noqa: E402
from autograder.cli import main as cli  # noqa: E402
from autograder.grade import GradeError, grade  # noqa: E402
from autograder.intake import find_submissions  # noqa: E402
from autograder.results import StudentResult  # noqa: E402
from autograder.sandbox import Limits  # noqa: E402
from tests.conftest import catalogue  # noqa: E402

pytestmark = pytest.mark.slow  # end to end: grades whole batches

ASSIGNMENT = Assignment("linear_regression")
SEED = 11
LIMITS = Limits(call_seconds=20)  # two cores shared with the other tests: no check may time out by accident


def comparable(result: StudentResult) -> str:
    """Everything a result file holds except how long grading took."""
    data = result.to_gradescope()
    data.pop("execution_time")
    return json.dumps(data, sort_keys=True)


@pytest.fixture(scope="module")
def cluster():
    saved = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = "1"  # the workers inherit it before they import torch
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
                as local, distributed.Client(local, set_as_default=False) as client:
            yield local, client
    finally:
        if saved is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = saved


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> Path:
    """A small class: full marks, each of four exercises broken, a correct alternative, a stub, no module."""
    mistakes, alternatives = catalogue(ASSIGNMENT.name)
    reference = ASSIGNMENT.solution.read_text()
    subs = tmp_path_factory.mktemp("scaleout") / "class"
    subs.mkdir()
    for k in range(2):
        (subs / f"ref{k}").mkdir()
        (subs / f"ref{k}" / ASSIGNMENT.filename).write_text(reference)
    # By name: the catalogue grows, and an index would silently pick other mistakes.
    chosen = {"sgd_forgets_zero_grad", "squared_loss_broadcasts_to_n_by_n", "data_iter_drops_last_batch",
              "synthetic_data_noise_std_0_1", "data_iter_randperm"}
    variants = [v for v in mistakes + alternatives if v.name in chosen]
    assert len(variants) == len(chosen)
    for variant in variants:
        (subs / f"{variant.name}.py").write_text(variant.source(reference))
    shutil.copy(ASSIGNMENT.stub, subs / "stub.py")
    (subs / "empty.py").write_text("")
    return subs


@pytest.fixture(scope="module")
def graded(submissions, cluster, tmp_path_factory):
    local, _ = cluster
    root = tmp_path_factory.mktemp("graded")
    batches = {
        "workers1": grade(ASSIGNMENT, submissions, root / "workers1", workers=1, seed=SEED, limits=LIMITS, quiet=True),
        "workers2": grade(ASSIGNMENT, submissions, root / "workers2", workers=2, seed=SEED, limits=LIMITS, quiet=True),
        "dask": grade(ASSIGNMENT, submissions, root / "dask", seed=SEED, limits=LIMITS, quiet=True,
                      scheduler=local.scheduler_address),
    }
    return batches


def test_grades_identical_across_workers_and_dask(graded):
    by = {name: {r.student: r for r in batch.results} for name, batch in graded.items()}
    students = sorted(by["workers1"])
    assert len(students) == 9 and all(sorted(results) == students for results in by.values())
    scores = {s: by["workers1"][s].score for s in students}
    full = by["workers1"]["ref0"].max_score
    # The class is a real test: full marks, partial marks and zeros.
    assert scores["ref0"] == scores["data_iter_randperm"] == full
    assert scores["stub"] == scores["empty"] == 0
    assert all(0 < scores[s] < full for s in students if s.startswith(("sgd_", "squared_", "data_iter_d", "synth")))
    for name in ("workers2", "dask"):
        for s in students:
            assert by[name][s].score == scores[s], (name, s)
            assert by[name][s].exercise_points() == by["workers1"][s].exercise_points(), (name, s)
            assert comparable(by[name][s]) == comparable(by["workers1"][s]), (name, s)
        grades = (graded[name].out / "grades.csv").read_text()
        assert grades == (graded["workers1"].out / "grades.csv").read_text(), name
    assert graded["dask"].isolation == graded["workers1"].isolation


def test_the_client_writes_results_feedback_and_report(graded):
    out = graded["dask"].out
    students = {r.student for r in graded["dask"].results}
    for s in students:
        assert json.loads((out / "results" / f"{s}.json").read_text())["extra_data"]["student"] == s
        assert (out / "feedback" / f"{s}.md").read_text().startswith(f"# linear_regression: feedback for {s}")
        assert (out / "feedback" / f"{s}.html").stat().st_size > 0
    assert "ref0" in (out / "report.html").read_text()
    assert not (out / ".jobs").exists()


def test_cli_scheduler_resumes_regrades_only_and_force(graded, submissions, cluster, tmp_path, capsys):
    local, _ = cluster
    subs = tmp_path / "class"
    shutil.copytree(submissions, subs)
    out = tmp_path / "out"
    shutil.copytree(graded["dask"].out, out)
    before = (out / "grades.csv").read_text()
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json")}
    argv = ["grade", ASSIGNMENT.name, str(subs), "--out", str(out), "--scheduler", local.scheduler_address,
            "--timeout", "20"]

    # Up to date (by the sha256 of each source) except `empty`: as locally, a submission intake could not
    # read is looked at again on every run.
    assert cli(argv) == 0
    captured = capsys.readouterr()
    full = f"{sum(exercise_points(ASSIGNMENT).values()):g}"
    assert "Graded 1 submissions" in captured.out and f"[1/1] empty: 0/{full}" in captured.err
    assert (out / "grades.csv").read_text() == before

    # A resubmission is regraded with a progress line; grades.csv follows it.
    (subs / "stub.py").write_text(ASSIGNMENT.solution.read_text())
    assert cli(argv) == 0
    captured = capsys.readouterr()
    assert "Graded 2 submissions" in captured.out
    assert re.search(rf"^\[[12]/2\] stub: {full}/{full} ", captured.err, re.M), captured.err
    rows = dict(line.split(",", 1) for line in (out / "grades.csv").read_text().splitlines())
    assert rows["stub"].startswith(f"{full},{full},")
    changed = {name for name, t in stamps.items() if (out / "results" / name).stat().st_mtime_ns != t}
    assert changed == {"stub.json", "empty.json"}

    assert cli([*argv, "--only", "ref1", "--quiet"]) == 0
    assert "Graded 1 submissions" in capsys.readouterr().out
    assert (out / "results" / "ref1.json").stat().st_mtime_ns != stamps["ref1.json"]
    assert (out / "results" / "ref0.json").stat().st_mtime_ns == stamps["ref0.json"]
    assert cli([*argv, "--force", "--quiet"]) == 0
    assert "Graded 9 submissions" in capsys.readouterr().out
    after = {r.student: comparable(r) for r in grade(ASSIGNMENT, subs, out, quiet=True).results}
    expected = {r.student: comparable(r) for r in graded["workers1"].results}
    assert {s: v for s, v in after.items() if s != "stub"} == {s: v for s, v in expected.items() if s != "stub"}


def test_a_worker_that_loses_its_runner_and_zygote_grades_the_next_tasks_exactly(graded, submissions, cluster):
    from autograder.scaleout import grade_task, suite_fingerprint, worker_status

    _, client = cluster
    reference = ASSIGNMENT.solution.read_text()
    hostile = {
        # ends its own process group (the runner is a session leader: nothing else is in it)
        "kills_its_group": "import os, signal\nos.killpg(0, signal.SIGKILL)\n" + reference,
        # tries to kill the zygote it was forked from in closed_form, then hangs
        "kills_the_zygote": reference.replace(
            "    X = torch.cat([features, torch.ones(len(features), 1)], dim=1).double()",
            "    import os, signal, time\n    os.kill(os.getppid(), signal.SIGKILL)\n    time.sleep(60)"),
        "exits_in_linreg": reference.replace("    return torch.matmul(X, w) + b\n", "    import os\n    os._exit(3)\n"),
    }
    worker = sorted(client.scheduler_info()["workers"])[0]
    before = client.run(worker_status, workers=[worker])[worker]
    fingerprint = suite_fingerprint(ASSIGNMENT.name)
    # The zygote killer hangs until its call's limit: 5 s (as test_classmates' hostiles), not the batch's 20.
    hostile_limits = replace(LIMITS, call_seconds=5)
    limits = {k: getattr(hostile_limits, k) for k in hostile_limits.__dataclass_fields__}

    def on_that_worker(student: str, source: bytes, sha256: str = "") -> StudentResult:
        spec = {"student": student, "source": source.decode(), "error": "", "sha256": sha256}
        future = client.submit(grade_task, ASSIGNMENT.name, spec, SEED, limits, "auto", fingerprint,
                               workers=[worker], allow_other_workers=False, pure=False)
        return StudentResult.from_gradescope(future.result()["result"])

    results = {name: on_that_worker(name, source.encode()) for name, source in hostile.items()}
    assert results["kills_its_group"].score == 0
    assert "while being imported" in results["kills_its_group"].outcomes[0].message
    for name, exercise in (("kills_the_zygote", "closed_form"), ("exits_in_linreg", "linreg")):
        points = results[name].exercise_points()
        assert points[exercise] == 0, name
        full = {e: sum(o.points for o in tests) for e, tests in results[name].by_exercise().items()}
        assert {e: p for e, p in points.items() if e != exercise} == \
            {e: p for e, p in full.items() if e != exercise}, name
    after = client.run(worker_status, workers=[worker])[worker]
    assert (after["worker"], after["judge"]) == (before["worker"], before["judge"]), "worker and judge survive"
    from autograder import isolation

    if isolation.choose("auto") == isolation.NAMESPACES:
        # A runner is PID 1's child in namespaces of its own: its "parent" is that init, and the zygote is
        # out of its reach, so the same zygote goes on serving.
        assert after["zygotes"] == before["zygotes"], "a runner reached its zygote"
    else:
        assert after["zygotes"] != before["zygotes"], "the killed zygote was not replaced"
    assert after["graded"] == before["graded"] + len(hostile)

    # The same worker then grades honest and buggy submissions exactly as local grading did.
    local = {r.student: r for r in graded["workers1"].results}
    found = {f.student: f for f in find_submissions(submissions, ASSIGNMENT.name)}
    for student in ("ref0", "sgd_forgets_zero_grad", "squared_loss_broadcasts_to_n_by_n"):
        again = on_that_worker(student, found[student].source, found[student].sha256)
        assert comparable(again) == comparable(local[student]), student


def test_workers_grade_with_one_torch_thread(cluster):
    from autograder.scaleout import worker_status

    _, client = cluster
    status = client.run(worker_status).values()
    assert len(status) == 2
    assert all(s["judge_threads"] == 1 and s["omp_num_threads"] == "1" for s in status), status


def test_a_worker_with_another_kit_refuses_to_grade(cluster, submissions, tmp_path, monkeypatch):
    from autograder import scaleout

    local, _ = cluster
    # The client's fingerprint no longer matches the workers' suites, as with a stale install on a worker.
    monkeypatch.setattr(scaleout, "suite_fingerprint", lambda name: "another kit")
    with pytest.raises(GradeError, match="grades linear_regression differently"):
        grade(ASSIGNMENT, submissions, tmp_path / "out", seed=SEED, quiet=True, only=["ref0"],
              scheduler=local.scheduler_address)
    assert not (tmp_path / "out" / "results" / "ref0.json").exists()


def test_an_unreachable_scheduler_is_a_clear_error(submissions, tmp_path, monkeypatch):
    from autograder import scaleout

    monkeypatch.setattr(scaleout, "CONNECT_SECONDS", 1.0)
    with pytest.raises(GradeError, match="could not reach the Dask scheduler at tcp://127.0.0.1:9"):
        grade(ASSIGNMENT, submissions, tmp_path / "out", quiet=True, scheduler="tcp://127.0.0.1:9")

"""Intake of real-world submission folders, and a batch that survives SIGKILL and resumes."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder.assignments import Assignment
from autograder.grade import grade
from autograder.intake import find_submissions

ASSIGNMENT = Assignment("linear_regression")
REFERENCE = ASSIGNMENT.solution.read_bytes()
NAME = ASSIGNMENT.filename


def _zip(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, target)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("intake") / "submissions"
    root.mkdir()
    (root / "flat.py").write_bytes(REFERENCE)
    (root / "in_folder").mkdir()
    (root / "in_folder" / NAME).write_bytes(REFERENCE)
    (root / "in_folder" / "notes.txt").write_text("ignored")
    (root / "lms_nested" / "Submission attachments").mkdir(parents=True)
    (root / "lms_nested" / "Submission attachments" / NAME).write_bytes(REFERENCE)
    (root / "misnamed").mkdir()
    (root / "misnamed" / "my_homework.py").write_bytes(REFERENCE)
    _zip(root / "zipped.zip", {NAME: REFERENCE})
    _zip(root / "zipped_folder.zip", {f"hw3/{NAME}": REFERENCE, "hw3/readme.md": b"hi"})
    _zip(root / "traversal.zip", {f"../../{NAME}": REFERENCE})
    _zip(root / "symlink.zip", {"x.txt": b"x"}, links={NAME: "/etc/passwd"})
    _zip(root / "zip_bomb.zip", {NAME: REFERENCE, "bomb.bin": b"\0" * (64 * 1024 * 1024)})
    _zip(root / "many_files.zip", {f"f{i}.txt": b"" for i in range(600)})
    (root / "not_a_zip.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    (root / "empty.py").write_text("")
    (root / "no_module").mkdir()
    (root / "no_module" / "answers.txt").write_text("I did it on paper")
    (root / "latin1.py").write_bytes("# café\n".encode("latin-1") + REFERENCE)
    (root / "binary.py").write_bytes(b"\x7fELF\0\0\0" + os.urandom(64))
    (root / "two_modules" / "a").mkdir(parents=True)
    (root / "two_modules" / "b").mkdir()
    (root / "two_modules" / "a" / NAME).write_bytes(REFERENCE)
    (root / "two_modules" / "b" / NAME).write_bytes(REFERENCE)
    (root / "dup.py").write_bytes(REFERENCE)
    _zip(root / "dup.zip", {NAME: REFERENCE})
    (root / "unreadable.py").write_bytes(REFERENCE)
    os.chmod(root / "unreadable.py", 0)
    os.mkfifo(root / "fifo.py")
    notebook = {"cells": [{"cell_type": "markdown", "source": ["# hi"]},
                          {"cell_type": "code", "source": ["%matplotlib inline\n", "!pip install torch\n"]},
                          {"cell_type": "code", "source": REFERENCE.decode().splitlines(keepends=True)}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / "notebook.ipynb").write_text(json.dumps(notebook))
    (root / "broken_notebook.ipynb").write_text("{not json")
    return root


@pytest.fixture(scope="module")
def found(folder):
    return {f.student: f for f in find_submissions(folder, ASSIGNMENT.name)}


@pytest.mark.parametrize("student", ["flat", "in_folder", "lms_nested", "misnamed", "zipped", "zipped_folder",
                                     "notebook"])
def test_accepted_layouts(found, student):
    assert found[student].error == ""
    assert b"def sgd" in found[student].source
    if student == "notebook":
        assert b"%matplotlib" not in found[student].source and b"!pip" not in found[student].source


@pytest.mark.parametrize(("student", "words"), [
    ("traversal", "unsafe path"),
    ("symlink", "symbolic link"),
    ("zip_bomb", "zip bomb"),
    ("many_files", "600 files"),
    ("not_a_zip", "could not be opened"),
    ("empty", "empty"),
    ("no_module", "no linear_regression.py found"),
    ("latin1", "not UTF-8"),
    ("binary", "not a Python source file"),
    ("two_modules", "more than one linear_regression.py"),
    ("broken_notebook", "not a readable Jupyter notebook"),
])
def test_rejected_with_a_clear_message(found, student, words):
    assert words in found[student].error, found[student].error


def test_unreadable_file(found):
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    assert "could not be read" in found["unreadable"].error


def test_fifo_is_a_row_and_never_read(found):
    assert "not a regular file" in found["fifo"].error  # opened without blocking, never read


def test_two_uploads_of_one_name_are_two_rows_each_told_why(found):
    dups = [f for f in found.values() if f.origin in ("dup.py", "dup.zip")]
    assert len(dups) == 2 and len({f.student for f in dups}) == 2
    assert all(f.student.startswith("dup-") and "dup.py, dup.zip" in f.note for f in dups)
    assert all(f.error == "" for f in dups)


@pytest.mark.slow
def test_rejected_submissions_get_zero_with_the_message_and_the_batch_continues(folder, tmp_path):
    batch = grade(ASSIGNMENT, folder, tmp_path / "out", workers=2, quiet=True)
    results = {r.student: r for r in batch.results}
    assert results["zipped_folder"].score == results["zipped_folder"].max_score
    assert results["notebook"].score == results["notebook"].max_score
    for student in ("traversal", "zip_bomb", "empty", "two_modules", "binary"):
        r = results[student]
        assert r.score == 0 and r.max_score > 0
        assert r.error and r.error in (tmp_path / "out" / "feedback" / f"{student}.md").read_text()
    rows = (tmp_path / "out" / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(results) and len({row.split(",")[0] for row in rows}) == len(rows)


# ---------------------------------------------------------------- kill and resume


def _class(root: Path) -> Path:
    from tests.conftest import catalogue

    mistakes, alternatives = catalogue(ASSIGNMENT.name)
    subs = root / "class"
    subs.mkdir()
    reference = REFERENCE.decode()
    for k, variant in enumerate(mistakes[:4] + alternatives[:1]):
        (subs / f"s{k:02d}_{variant.name}.py").write_text(variant.source(reference))
    for k in range(3):
        (subs / f"ref{k}.py").write_text(reference)
    return subs


def _grade_cli(subs: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder", "grade", ASSIGNMENT.name, str(subs), "--out",
                             str(out), "--workers", "2", "--seed", "7", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_sigkill_mid_batch_then_rerun_equals_an_uninterrupted_run(tmp_path):
    subs = _class(tmp_path)
    clean = _grade_cli(subs, tmp_path / "clean")
    assert clean.wait() == 0, clean.stderr.read()
    killed = _grade_cli(subs, tmp_path / "resumed")
    deadline = time.monotonic() + 120
    # Kill once some results exist, at a random point while others are being graded.
    while not list((tmp_path / "resumed" / "results").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(random.Random(os.getpid()).uniform(0, 2))
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    done_before = len(list((tmp_path / "resumed" / "results").glob("*.json")))
    resumed = _grade_cli(subs, tmp_path / "resumed")
    assert resumed.wait() == 0, resumed.stderr.read()
    assert (tmp_path / "resumed" / "grades.csv").read_text() == (tmp_path / "clean" / "grades.csv").read_text()
    leftovers = [p for p in (tmp_path / "resumed").rglob("*") if p.name.endswith(".tmp") or p.name == ".jobs"]
    assert not leftovers
    assert 0 < done_before, "the kill came before any result: the test did not exercise resuming"


@pytest.mark.slow
def test_only_regrades_one_student_in_place(tmp_path):
    subs = _class(tmp_path)
    out = tmp_path / "out"
    first = grade(ASSIGNMENT, subs, out, workers=2, seed=3, quiet=True)
    before = (out / "grades.csv").read_text()
    stamp = {p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json")}
    pages = {p.name: p.stat().st_mtime_ns for p in (out / "feedback").glob("*.html")}
    assert len(pages) == len(stamp)
    again = grade(ASSIGNMENT, subs, out, workers=2, only=["ref0"], quiet=True)
    assert again.graded == 1 and first.graded == len(stamp)
    assert (out / "grades.csv").read_text() == before
    changed = [name for name, t in stamp.items() if (out / "results" / name).stat().st_mtime_ns != t]
    assert changed == ["ref0.json"]
    # Only the regraded student's feedback page is drawn again (each page draws its loss curves).
    redrawn = [name for name, t in pages.items() if (out / "feedback" / name).stat().st_mtime_ns != t]
    assert redrawn == ["ref0.html"]
    (out / "feedback" / "ref1.html").unlink()  # as if a run was killed between the result and its page
    unchanged = grade(ASSIGNMENT, subs, out, workers=2, quiet=True)
    assert unchanged.graded == 0
    assert "ref1" in (out / "feedback" / "ref1.html").read_text()


def test_zip_in_memory_listing_never_extracts(folder, tmp_path):
    # Intake reads members in memory: nothing named like a member appears on disk.
    find_submissions(folder, ASSIGNMENT.name)
    assert not (folder.parent / NAME).exists() and not list(folder.glob("**/bomb.bin"))
    with zipfile.ZipFile(folder / "zipped_folder.zip") as z:
        assert io.BytesIO(z.read(f"hw3/{NAME}")).read() == REFERENCE

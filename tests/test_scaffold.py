"""`new`: a new assignment that validates, grades and audits clean from the start, as an author would try it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import scaffold
from autograder.assignments import ROOT, SUITES
from autograder.scaffold import ScaffoldError, new_assignment


@pytest.mark.parametrize("name, message", [
    ("Softmax", "cannot name an assignment"), ("2nd", "cannot name an assignment"),
    ("soft-max", "cannot name an assignment"), ("class", "cannot name an assignment"),
    ("linear_regression", "exists already"),
])
def test_a_name_that_cannot_be_made_is_refused(name, message):
    with pytest.raises(ScaffoldError, match=message):
        new_assignment(name)


def test_the_templates_are_what_new_writes():
    planned = scaffold.planned_files("toy")
    for template in planned.values():
        if template:
            assert (scaffold.TEMPLATES / template).is_file(), template
    assert ROOT / "solutions" / "toy.py" in planned and SUITES / "toy" / "mistakes.py" in planned


def _kit_copy(tmp_path: Path) -> Path:
    kit = tmp_path / "kit"
    shutil.copytree(ROOT / "autograder", kit / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("solutions", "assignments"):
        (kit / folder).mkdir()
    return kit


def _kit(kit: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(OMP_NUM_THREADS="1", PYTHONPATH=str(kit))
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=kit, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_new_then_validate_grade_and_audit(tmp_path):
    kit = _kit_copy(tmp_path)
    made = _kit(kit, "new", "toy")
    assert made.returncode == 0, made.stdout + made.stderr
    for rel in ("solutions/toy.py", "autograder/suites/toy/hidden/test_scale.py",
                "autograder/suites/toy/public/test_public.py", "autograder/suites/toy/mistakes.py",
                "assignments/toy/README.md", "assignments/toy/toy.py"):
        assert (kit / rel).is_file(), rel
        assert "ASSIGNMENT_NAME" not in (kit / rel).read_text(), rel
    assert "| `scale` | 1 |" in (kit / "assignments/toy/README.md").read_text()
    assert 'raise NotImplementedError("scale: not implemented yet")' in (kit / "assignments/toy/toy.py").read_text()

    valid = _kit(kit, "validate", "toy")
    assert valid.returncode == 0 and "valid: toy" in valid.stdout, valid.stdout + valid.stderr

    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(kit / "solutions" / "toy.py", subs / "reference.py")
    shutil.copy(kit / "assignments" / "toy" / "toy.py", subs / "stub.py")
    graded = _kit(kit, "grade", "toy", str(subs), "--out", str(tmp_path / "out"), "--quiet")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    rows = dict(line.split(",", 2)[:2] for line in (tmp_path / "out" / "grades.csv").read_text().splitlines()[1:])
    assert rows == {"reference": "1", "stub": "0"}, rows

    audited = _kit(kit, "audit", "toy", "--json", str(tmp_path / "audit.json"))
    assert audited.returncode == 0, audited.stdout + audited.stderr
    data = json.loads((tmp_path / "audit.json").read_text())
    assert data["mutants"] >= 3 and data["killed"] == data["mutants"] and not data["survivors"]

    again = _kit(kit, "new", "toy")
    assert again.returncode == 2 and "exists already" in again.stderr

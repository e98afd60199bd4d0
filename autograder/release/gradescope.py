"""The Gradescope autograder: setup.sh, run_autograder and the kit with one assignment's full suite."""

from __future__ import annotations

import json

from autograder import visibility as vis
from autograder.assignments import ROOT, Assignment
from autograder.release.files import EXECUTABLE, REGULAR, Files, ReleaseError, engine_files

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu): Python deps, then the kit.
set -euo pipefail
SOURCE="${{AUTOGRADER_SOURCE:-/autograder/source}}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_BREAK_SYSTEM_PACKAGES=1
if ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3 python3-pip
fi
# Pinned, and the CPU build: an unpinned torch pulls a multi-GB CUDA build.
python3 -m pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"
python3 -m pip install -e "$SOURCE"
python3 -m autograder list
"""

RUN_AUTOGRADER = '''#!/usr/bin/env python3
"""Gradescope entry point for {name}: grade /autograder/submission with the kit's judge.

The submission is copied into a temporary class of one student and graded with
`python -m autograder grade` (the reference and the hidden checks stay in the judge; the
student's code runs in a separate process), then that student's results json becomes
/autograder/results/results.json. A notebook ({name}.ipynb, or the only .ipynb) is turned
into {name}.py first. Paths: AUTOGRADER_ROOT (default /autograder), or AUTOGRADER_SOURCE,
AUTOGRADER_SUBMISSION, AUTOGRADER_RESULTS one by one; AUTOGRADER_PYTHON runs the kit.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ASSIGNMENT = "{name}"
FILENAME = ASSIGNMENT + ".py"
STUDENT = "student"


def main():
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    source = Path(os.environ.get("AUTOGRADER_SOURCE", root / "source"))
    submission = Path(os.environ.get("AUTOGRADER_SUBMISSION", root / "submission"))
    results = Path(os.environ.get("AUTOGRADER_RESULTS", root / "results" / "results.json"))
    python = os.environ.get("AUTOGRADER_PYTHON", sys.executable)
    results.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gradescope-") as tmp:
        student = Path(tmp) / "submissions" / STUDENT
        shutil.copytree(submission, student, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        note = convert_notebook(student, python, source)
        out = Path(tmp) / "out"
        out.mkdir()
        if (source / "visibility.json").is_file():  # when students see each check, chosen at release
            shutil.copy(source / "visibility.json", out / "visibility.json")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")])))
        proc = subprocess.run([python, "-m", "autograder", "grade", ASSIGNMENT, str(student.parent), "--out", str(out),
                               "--workers", "1", "--quiet"], cwd=source, env=env, capture_output=True, text=True)
        print(proc.stdout + proc.stderr)
        graded = out / "results" / (STUDENT + ".json")
        if proc.returncode == 0 and graded.is_file():
            data = json.loads(graded.read_text(encoding="utf-8"))
            if note:
                data["output"] = note + "\\n\\n" + data.get("output", "")
        else:
            data = {{"score": 0, "output": "The autograder could not grade this submission; your instructor can see "
                                         "why in the autograder output. Please tell them.",
                    "stdout_visibility": "hidden", "tests": []}}
        results.write_text(json.dumps(data, indent=2) + "\\n", encoding="utf-8")


def convert_notebook(student, python, source):
    """Write FILENAME from the submitted notebook when there is no FILENAME; return a note for the student."""
    if list(student.rglob(FILENAME)):
        return ""
    notebooks = sorted(student.rglob(ASSIGNMENT + ".ipynb")) or sorted(student.rglob("*.ipynb"))
    if len(notebooks) != 1:
        return ""
    code = ("import sys; from pathlib import Path; from autograder.notebooks import notebook_to_source; "
            "Path(sys.argv[2]).write_text(notebook_to_source(Path(sys.argv[1]).read_bytes()), encoding='utf-8')")
    proc = subprocess.run([python, "-c", code, str(notebooks[0]), str(student / FILENAME)], cwd=source,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return f"{{notebooks[0].name}} could not be read as a notebook: " + proc.stderr.strip().splitlines()[-1]
    return f"Graded the code cells of {{notebooks[0].name}}."


if __name__ == "__main__":
    main()
'''

GRADESCOPE_README = """# Gradescope autograder: {name}

Upload `gradescope/{name}.zip` as a Gradescope programming assignment's autograder (Ubuntu
base image). `setup.sh` installs torch 2.13.0 (CPU), numpy, matplotlib, pytest and this kit;
`run_autograder` grades `/autograder/submission` ({name}.py, or a notebook) with the kit's
judge and writes `/autograder/results/results.json`.

What students see, and when: each check is a Gradescope test with the kit's message. Public
checks (the ones the handout's self-check runs) are `visible` as soon as the submission is
graded; hidden checks are `after_published` by default, so they appear when you publish the
grades, and the summary tells students how many checks wait and until when. The choice is in
`visibility.json` (`public`, `hidden`, and `checks` by test name; levels: hidden,
after_due_date, after_published, visible): pass `--gradescope-visibility` to `release`, or edit
it and upload the zip again.

This archive holds the reference solution and the hidden checks: do not give it to students.
"""


def gradescope_files(assignment: Assignment, visibility: str = "") -> Files:
    """The autograder zip; ``visibility`` (a ``grade --visibility`` spec) says when students see each check."""
    name = assignment.name
    try:
        chosen = vis.parse(visibility, vis.check_names([assignment.suite(True), assignment.suite(False)]))
    except vis.VisibilityError as e:
        raise ReleaseError(f"--gradescope-visibility: {e}") from None
    files = engine_files(assignment, hidden=True)
    files.update({
        f"solutions/{assignment.filename}": (assignment.solution.read_bytes(), REGULAR),
        "pyproject.toml": ((ROOT / "pyproject.toml").read_bytes(), REGULAR),
        "README.md": (GRADESCOPE_README.format(name=name).encode(), REGULAR),
        "setup.sh": (SETUP_SH.format().encode(), EXECUTABLE),
        "run_autograder": (RUN_AUTOGRADER.format(name=name).encode(), EXECUTABLE),
        vis.FILE: ((json.dumps(chosen.to_json(), indent=2) + "\n").encode(), REGULAR),
    })
    return files

"""The Gradescope autograder: setup.sh, run_autograder and the kit with one assignment's full suite."""

from __future__ import annotations

import json

from autograder import visibility as vis
from autograder.assignments import ROOT, Assignment
from autograder.release.files import EXECUTABLE, REGULAR, RELEASE_CODE, Files, ReleaseError, engine_files, fill_template

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

RUN_AUTOGRADER_TEMPLATE = RELEASE_CODE / "gradescope_run_autograder.py"

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
        "run_autograder": (fill_template(RUN_AUTOGRADER_TEMPLATE, ASSIGNMENT=name).encode(), EXECUTABLE),
        vis.FILE: ((json.dumps(chosen.to_json(), indent=2) + "\n").encode(), REGULAR),
    })
    return files

#!/usr/bin/env python3
"""Gradescope entry point: grade /autograder/submission with the kit's judge.

The submission is copied into a temporary class of one student and graded with
`python -m autograder grade` (the reference and the hidden checks stay in the judge; the
student's code runs in a separate process), then that student's results json becomes
/autograder/results/results.json. A notebook (ASSIGNMENT.ipynb, or the only .ipynb) is turned
into ASSIGNMENT.py first. Paths: AUTOGRADER_ROOT (default /autograder), or AUTOGRADER_SOURCE,
AUTOGRADER_SUBMISSION, AUTOGRADER_RESULTS one by one; AUTOGRADER_PYTHON runs the kit.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ASSIGNMENT = ""  # the release fills this line in
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
        # --self-checks: the public checks come too, for 0 points, so students see them at once.
        command = [python, "-m", "autograder", "grade", ASSIGNMENT, str(student.parent), "--out", str(out),
                   "--workers", "1", "--quiet", "--self-checks"]
        proc = subprocess.run(command, cwd=source, env=env, capture_output=True, text=True)
        print(proc.stdout + proc.stderr)
        graded = out / "results" / (STUDENT + ".json")
        if proc.returncode == 0 and graded.is_file():
            data = json.loads(graded.read_text(encoding="utf-8"))
            if note:
                data["output"] = note + "\n\n" + data.get("output", "")
        else:
            data = {"score": 0, "output": "The autograder could not grade this submission; your instructor can see "
                                         "why in the autograder output. Please tell them.",
                    "stdout_visibility": "hidden", "tests": []}
        results.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


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
        return f"{notebooks[0].name} could not be read as a notebook: " + proc.stderr.strip().splitlines()[-1]
    return f"Graded the code cells of {notebooks[0].name}."


if __name__ == "__main__":
    main()

"""Regenerate the bundled sample classes in samples/ from the reference and the mistake catalogue.

    python -m tests.make_samples

Each sample class has reference students (full marks), an untouched stub, a syntax error,
an LMS-style nested folder, and students who each made catalogued mistakes.
"""

from __future__ import annotations

import shutil

from autograder.assignments import ROOT, all_assignments
from autograder.mistakes import Variant
from tests.conftest import catalogue

# (student, how their submission is laid out, which catalogue entries it combines)
ROSTER = [
    ("ada_lovelace", "folder", []),
    ("alan_turing", "file", ["alternative:0", "alternative:2"]),
    ("grace_hopper", "nested", ["mistake:0"]),
    ("john_von_neumann", "file", ["mistake:3", "mistake:8"]),
    ("katherine_johnson", "folder", ["mistake:5"]),
    ("barbara_liskov", "stub", []),
    ("edsger_dijkstra", "syntax", []),
]


def build(name: str) -> None:
    mistakes, alternatives = catalogue(name)
    solution = (ROOT / "solutions" / f"{name}.py").read_text()
    stub = (ROOT / "assignments" / name / f"{name}.py").read_text()
    folder = ROOT / "samples" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for student, layout, picks in ROSTER:
        text = solution
        for pick in picks:
            kind, index = pick.split(":")
            pool = mistakes if kind == "mistake" else alternatives
            try:  # entries that touch the same lines cannot be combined: keep the first
                text = Variant(student, pool[int(index)].edits).source(text)
            except (AssertionError, IndexError):
                continue
        if layout == "stub":
            text = stub
        if layout == "syntax":
            text = solution.replace("):\n", ")\n", 1)
        if layout == "file" or layout in ("stub", "syntax"):
            path = folder / f"{student}.py"
        elif layout == "nested":
            path = folder / student / "Submission attachments" / f"{name}.py"
        else:
            path = folder / student / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if layout == "folder":
            (path.parent / "notes.txt").write_text("Other files in a submission are ignored.\n")


def main() -> None:
    for a in all_assignments():
        build(a.name)
        print(f"wrote samples/{a.name}/")


if __name__ == "__main__":
    main()

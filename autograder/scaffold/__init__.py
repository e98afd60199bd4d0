"""``python -m autograder new NAME``: a new assignment that validates, grades and audits from the start.

Writes, from the templates beside this file (real modules, linted like the rest of the kit, with
``ASSIGNMENT_NAME`` where the name goes):

- ``solutions/NAME.py``: the reference, one example exercise between solution markers;
- ``autograder/suites/NAME/hidden/test_scale.py``: a check against the reference on random inputs;
- ``autograder/suites/NAME/public/test_public.py``: a self-check on a fixed example;
- ``autograder/suites/NAME/mistakes.py``: one catalogued mistake, with its cause, and one correct alternative;
- ``assignments/NAME/README.md`` with its points table, and ``assignments/NAME/NAME.py``, the stub.

Then ``validate NAME`` passes, the reference gets full marks, the stub none, and ``audit NAME``
kills every mutant: replace the example with the real exercises, one at a time, keeping it so.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from autograder.assignments import ROOT, SUITES, Assignment
from autograder.stubs import make_stub

TEMPLATES = Path(__file__).resolve().parent
PLACEHOLDER = "ASSIGNMENT_NAME"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ScaffoldError(ValueError):
    """The assignment cannot be made as asked; the message says why."""


def planned_files(name: str) -> dict[Path, str]:
    """What ``new`` writes, path -> template file name."""
    suite = SUITES / name
    return {
        ROOT / "solutions" / f"{name}.py": "solution.py",
        suite / "__init__.py": "",
        suite / "hidden" / "__init__.py": "",
        suite / "hidden" / "test_scale.py": "hidden_check.py",
        suite / "public" / "__init__.py": "",
        suite / "public" / "test_public.py": "public_check.py",
        suite / "mistakes.py": "mistakes.py",
        ROOT / "assignments" / name / "README.md": "README.md",
    }


def new_assignment(name: str) -> list[Path]:
    """Write a new assignment called ``name``; return the files written."""
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(f"{name!r} cannot name an assignment: use lower case letters, digits and _, starting "
                            "with a letter (it becomes a module name)")
    planned = planned_files(name)
    taken = [p for p in planned if p.exists()] + ([SUITES / name] if (SUITES / name).exists() else [])
    if taken:
        raise ScaffoldError(f"{name} exists already ({taken[0]}): choose another name, or edit it")
    written = []
    for path, template in planned.items():
        text = (TEMPLATES / template).read_text(encoding="utf-8").replace(PLACEHOLDER, name) if template else ""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    assignment = Assignment(name)
    assignment.stub.write_text(make_stub(assignment.solution.read_text(encoding="utf-8")), encoding="utf-8")
    written.append(assignment.stub)
    from autograder.validate import write_table

    write_table(assignment)
    return written

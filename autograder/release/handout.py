"""The student handout: the stub, the same exercise as a notebook, the README and the public checks."""

from __future__ import annotations

import ast

from autograder import handout_diagnosis, notebooks
from autograder.assignments import ROOT, Assignment
from autograder.notebooks import Cell
from autograder.release.files import REGULAR, RELEASE_CODE, Files, engine_files, fill_template
from autograder.stubs import stub_for

CONFTEST_TEMPLATE = RELEASE_CODE / "handout_conftest.py"

HANDOUT_PYTEST_INI = """[pytest]
# Plain `pytest` here runs the public checks on {filename} (conftest.py says how).
testpaths = autograder/suites/{name}/public
python_files = test_*.py
addopts = -p no:cacheprovider -p no:randomly
markers =
    exercise(name, points): the exercise a check belongs to and what it is worth
"""

HANDOUT_README = """
## Working in this folder

- Install once: `python -m pip install -e .` (torch 2.13.0, numpy, matplotlib, pytest, and the
  checker in `autograder/`).
- Write your code in `{filename}`, or in the notebook `{name}.ipynb` (same exercises; its last
  cell runs the self-check on the saved notebook).
- Self-check, public checks only (the grading suite checks more):
  - `python -m autograder check {name}` checks `{filename}` in this folder,
    `python -m autograder check {name} path/to/mine.py` any file;
  - or plain `pytest` (`pytest --module=path/to/mine.py` for another file).
- Submit `{filename}` (or the notebook, if your course takes notebooks).
"""

SELF_CHECK_CELL = """# Save the notebook first (Ctrl-S): the self-check reads the saved file.
if __name__ == "__main__":  # true here in Jupyter; false when your notebook is graded
    from autograder.notebooks import check_notebook

    check_notebook("{name}")
"""


def _title(assignment: Assignment) -> str:
    tree = ast.parse(assignment.solution.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or assignment.name
    return doc.strip().splitlines()[0].rstrip(".")


def handout_notebook(assignment: Assignment, stub: str) -> bytes:
    """The stub as a notebook: instructions as markdown, code as code cells, then the self-check."""
    cells: list[Cell] = []
    for k, seg in enumerate(notebooks.module_cells(stub)):
        if seg.kind == "docstring":
            cells.append(Cell("markdown", notebooks.docstring_markdown(seg.source), "introduction"))
        elif seg.kind == "code":
            cells.append(Cell("code", seg.source, f"code-{k}"))
        else:
            cells.append(Cell("markdown", notebooks.exercise_markdown(seg), f"{seg.name}-instructions"))
            cells.append(Cell("code", seg.source, seg.name, {"autograder": {"exercise": seg.name}}))
    cells.append(Cell("markdown", "## Self-check\n\nThe public checks, on the saved notebook. "
                      "The grading suite checks more.\n", "self-check-instructions"))
    cells.append(Cell("code", SELF_CHECK_CELL.format(name=assignment.name), "self-check"))
    return notebooks.make_notebook(cells)


def _pyproject() -> bytes:
    """The kit's pyproject.toml without its pytest table (the handout's pytest.ini configures pytest)."""
    out, skip = [], False
    for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            skip = line.strip() == "[tool.pytest.ini_options]"
        if not skip:
            out.append(line)
    return ("\n".join(out).rstrip() + "\n").encode()


def handout_files(assignment: Assignment) -> Files:
    name, filename = assignment.name, assignment.filename
    stub = stub_for(assignment.solution)
    readme_path = ROOT / "assignments" / name / "README.md"
    readme = readme_path.read_text(encoding="utf-8") if readme_path.is_file() else f"# {_title(assignment)}\n"
    readme = readme.rstrip() + "\n" + HANDOUT_README.format(name=name, filename=filename)
    files = engine_files(assignment, hidden=False)
    files.update({
        filename: (stub.encode(), REGULAR),
        f"{name}.ipynb": (handout_notebook(assignment, stub), REGULAR),
        "README.md": (readme.encode(), REGULAR),
        "pyproject.toml": (_pyproject(), REGULAR),
        "conftest.py": (fill_template(CONFTEST_TEMPLATE, ASSIGNMENT=name, FILENAME=filename).encode(), REGULAR),
        "pytest.ini": (HANDOUT_PYTEST_INI.format(name=name, filename=filename).encode(), REGULAR),
        # The causes the self-check names, as grading would: what the public checks read from each catalogued mistake.
        f"autograder/suites/{name}/public/{handout_diagnosis.FILENAME}":
            (handout_diagnosis.record(assignment), REGULAR),
    })
    return files

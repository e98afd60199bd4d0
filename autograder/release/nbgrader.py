"""The nbgrader course: a source notebook with solution cells and the suites' checks as test cells.

nbgrader runs a notebook's test cells in the notebook's own kernel, so the public side of the
checks travels with the notebook as ``kit_checks.py`` (from ``kernel_harness.py``): the kit's
wire format, the runner's operations and the public checks, with ``kernel_submission.py`` (the kit's
one ``sub`` API, ``autograder/student_module.py``, over the kernel instead of a runner's socket) and
``kernel_plugin.py`` standing in for ``autograder/submission.py`` and ``autograder/plugin.py``.
Public checks are 0-point cells that show their code. A hidden check's cell holds only its
exercise, its points and a call, ``check_hidden("sgd", 2)``: the checks and the reference are in
``kit_hidden/<assignment>/`` on the course side (never released, never in feedback), where the
course's ``nbgrader_config.py`` points the kernel. No cell differs between the source notebook
and the students' copies, so nbgrader's checksums never change.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

from autograder import notebooks, validate
from autograder.assignments import Assignment
from autograder.mistakes import catalogue
from autograder.notebooks import Cell, Segment
from autograder.release.files import (
    PACKAGE,
    REGULAR,
    Files,
    ReleaseError,
    closure,
    fill_template,
    imports_of,
    module_name,
    package_modules,
    packages_of,
    split_suite,
)
from autograder.stubs import BEGIN, END, split_stub_blocks

HARNESS_FILE = "kit_checks.py"
HIDDEN_FOLDER = "kit_hidden"  # next to nbgrader_config.py: the course side, never released
HERE = Path(__file__).resolve().parent
HARNESS_TEMPLATE = HERE / "kernel_harness.py"
COURSE_CONFIG = HERE / "nbgrader_course_config.py"
# Engine modules the in-kernel harness replaces with its own versions.
SHIMS = {"autograder.plugin": HERE / "kernel_plugin.py", "autograder.submission": HERE / "kernel_submission.py"}
# Where the in-kernel harness starts; it follows their ``autograder.*`` imports.
HARNESS_ROOTS = ("autograder.runner.wire", "autograder.runner.server", "autograder.checks")


@dataclass
class Check:
    """One check of a suite, as an nbgrader test cell sees it."""

    module: str
    name: str
    exercise: str
    points: float
    doc: str
    source: str  # the function, without its decorator
    hidden: bool


def suite_checks(assignment: Assignment, hidden: bool) -> list[Check]:
    """The checks of a suite in pytest's collection order, read from the source (nothing imported)."""
    checks = []
    for c in validate.suite_checks(assignment.suite(hidden)):
        if c.problem or c.decorators != 1 or c.exercise is None or c.points is None:
            why = f" ({c.problem})" if c.problem else ""
            raise ReleaseError(f"{c.where}: {c.name} needs exactly one decorator, @exercise(...) with literal "
                               f"arguments{why}: run `python -m autograder validate`")
        checks.append(Check(module_name(c.path), c.name, c.exercise, c.points, c.doc, c.source, hidden))
    return checks


def _literal(text: str) -> str:
    """A Python literal for ``text``: a readable raw triple-quoted string when that is exact."""
    if "'''" not in text and not text.endswith(("\\", "'")) and "\r" not in text:
        return "r'''" + text + "'''"
    return repr(text)


def _sources_literal(modules: dict[str, tuple[str, bool]], indent: str = "") -> str:
    items = [f"{indent}    {name!r}: ({_literal(source)}, {package}),"
             for name, (source, package) in sorted(modules.items())]
    return "{\n" + "\n".join(items) + f"\n{indent}}}"


def _module_sources(names: list[str], paths: dict[str, Path], packages: list[str],
                    available: set[str]) -> dict[str, tuple[str, bool]]:
    out = {}
    for name in names:
        path = paths[name]
        out[name] = (path.read_text(encoding="utf-8"), path.name == "__init__.py")
    for name in packages:
        if name not in out and name not in available:
            out[name] = ("", True)
    return out


def harness_modules(assignment: Assignment) -> tuple[dict[str, tuple[str, bool]], dict[str, tuple[str, bool]]]:
    """(public, hidden) module sources for the in-kernel harness: the engine's closure, the suite's split."""
    engine = {name: path for name, path in package_modules(PACKAGE).items()
              if not name.startswith("autograder.suites")}
    shims = {name: path.read_text(encoding="utf-8") for name, path in SHIMS.items()}
    # The shims stand in for engine modules, and what they import is served too (the kit's one `sub` API).
    roots = list(HARNESS_ROOTS) + [m for path in SHIMS.values() for m in imports_of(path) if m in engine]
    engine_names = closure(roots, engine, stop=set(shims))
    split = split_suite(assignment)
    # Suite modules import engine modules too (checks, plugin): they must be in the closure.
    suite_needs = {m for s in split.public + split.hidden for m in imports_of(split.paths[s]) if m in engine}
    extra = sorted(suite_needs - set(engine_names) - set(shims))
    engine_names = closure(engine_names + extra, engine, stop=set(shims))
    public = _module_sources(engine_names, engine, [], set())
    public.update({name: (source, False) for name, source in shims.items()})
    public.update(_module_sources(split.public, split.paths, [], set()))
    for package in packages_of(list(public)):
        public.setdefault(package, ("", True))
    hidden = _module_sources(split.hidden, split.paths, packages_of(split.hidden), set(public))
    # A package the public side has as a placeholder but whose real source is hidden: the hidden wins.
    return public, hidden


def _nbgrader_meta(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
                   points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


NBGRADER_DELIMITERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS",
                       "### BEGIN MARK SCHEME", "### END MARK SCHEME")


def _reference_source(solution: str) -> str:
    """The solution without its markers (nbgrader would act on them) and without stub blocks."""
    return notebooks.strip_markers(solution)


def _no_delimiters(text: str, where: str) -> str:
    for delimiter in NBGRADER_DELIMITERS:
        if delimiter in text:
            raise ReleaseError(f"{where} contains {delimiter!r}, which nbgrader would act on")
    return text


def _plural(points: float) -> str:
    return f"{points:g} point{'s' if points != 1 else ''}"


def _test_cell(check: Check, k: int, grade_id: str) -> Cell:
    """A check's cell; a hidden one holds only its exercise, points and a call (``k``: its place in the exercise)."""
    if check.hidden:
        source = (f"# `{check.exercise}`: a hidden test ({_plural(check.points)}), run when your instructor grades\n"
                  f"from kit_checks import check_hidden\n\ncheck_hidden({check.exercise!r}, {k})\n")
        points = check.points
    else:
        _no_delimiters(check.source, f"{check.module}.{check.name}")
        label = f"# `{check.exercise}`: {check.doc} (self-check, not graded)"
        source = (f"{label}\nfrom kit_checks import check\n\n\n{check.source}\n\n\n"
                  f"check({check.name}, {check.module!r})\n")
        points = 0.0
    return Cell("code", source, grade_id, _nbgrader_meta(grade_id, grade=True, locked=True, points=points))


def hidden_check_table(assignment: Assignment) -> dict[str, list[tuple[str, str]]]:
    """Exercise -> its hidden checks in order, as (suite module, check name): what ``check_hidden`` runs."""
    table: dict[str, list[tuple[str, str]]] = {}
    for c in suite_checks(assignment, True):
        table.setdefault(c.exercise, []).append((c.module, c.name))
    return table


def nbgrader_notebook(assignment: Assignment) -> bytes:
    """The solution as an nbgrader source notebook, with the suites' checks as test cells."""
    solution = assignment.solution.read_text(encoding="utf-8")
    public, hidden = suite_checks(assignment, False), suite_checks(assignment, True)
    by_exercise: dict[str, list[Check]] = {}
    for c in public + hidden:
        by_exercise.setdefault(c.exercise, []).append(c)
    cells: list[Cell] = []

    def tests_for(exercise: str) -> None:
        hidden_k = 0
        for k, c in enumerate(by_exercise.pop(exercise, []), 1):
            hidden_k += c.hidden
            grade_id = notebooks.cell_id(f"test-{exercise}-{k}")  # no check names: hidden ones stay hidden
            cells.append(_test_cell(c, hidden_k, grade_id))

    for k, seg in enumerate(notebooks.module_cells(solution)):
        if seg.kind == "docstring":
            cells.append(Cell("markdown", notebooks.docstring_markdown(seg.source), "introduction"))
            continue
        kept, stub_lines = split_stub_blocks(seg.source)
        text, stub_code = "\n".join(kept), textwrap.dedent("\n".join(stub_lines)).strip("\n")
        has_solution = BEGIN in text
        grade_id = seg.name if seg.kind == "exercise" else f"code-{k}"
        if seg.kind == "exercise":
            doc = notebooks.exercise_markdown(Segment(seg.kind, text, seg.name, seg.doc))
            if stub_code:
                doc += f"\nStart from this code (type it in, then fix it):\n\n```python\n{stub_code}\n```\n"
            cells.append(Cell("markdown", doc, f"{seg.name}-instructions"))
        meta = _nbgrader_meta(grade_id, solution=has_solution, locked=not has_solution)
        if seg.kind == "exercise":
            meta["autograder"] = {"exercise": seg.name}
        cells.append(Cell("code", text, grade_id, meta))
        if seg.kind == "exercise":
            tests_for(seg.name)
    for exercise in list(by_exercise):
        tests_for(exercise)
    if BEGIN not in solution or END not in solution:
        raise ReleaseError(f"{assignment.solution}: no {BEGIN} ... {END} block to turn into a solution cell")
    return notebooks.make_notebook(cells)


def harness_source(assignment: Assignment) -> str:
    """``kit_checks.py``: the template with this assignment's name and public modules filled in."""
    public, _ = harness_modules(assignment)
    text = fill_template(HARNESS_TEMPLATE, ASSIGNMENT=assignment.name)
    line = "SOURCES = {}  # the release fills this line in: module name -> (source, is a package)"
    if text.count(line) != 1:
        raise ReleaseError(f"{HARNESS_TEMPLATE}: the line {line!r} must appear once")
    return text.replace(line, f"SOURCES = {_sources_literal(public)}")


def mistake_table(assignment: Assignment) -> list[dict[str, str]]:
    """The catalogue for the course side: each mistake's name, exercise, cause and the reference's source with
    the mistake in it (it answers the exercises: never released, like the reference)."""
    solution = assignment.solution.read_text(encoding="utf-8")
    mistakes, _ = catalogue(assignment.name)
    return [{"name": m.name, "exercise": m.exercise or "", "cause": m.cause,
             "source": _reference_source(m.source(solution))} for m in mistakes]


def nbgrader_files(assignment: Assignment) -> Files:
    """The assignment's source folder, and its course-side folder of hidden checks (never released)."""
    _, hidden_modules = harness_modules(assignment)
    solution = assignment.solution.read_text(encoding="utf-8")
    source, course_side = f"source/{assignment.name}", f"{HIDDEN_FOLDER}/{assignment.name}"
    files = {
        f"{source}/{assignment.name}.ipynb": (nbgrader_notebook(assignment), REGULAR),
        f"{source}/{HARNESS_FILE}": (harness_source(assignment).encode(), REGULAR),
        f"{course_side}/reference.py": (_reference_source(solution).encode(), REGULAR),
        f"{course_side}/checks.json": (json.dumps(hidden_check_table(assignment), indent=1).encode(), REGULAR),
        f"{course_side}/mistakes.json": (json.dumps(mistake_table(assignment), indent=1).encode(), REGULAR),
    }
    for name, (text, package) in hidden_modules.items():
        path = name.replace(".", "/") + ("/__init__.py" if package else ".py")
        files[f"{course_side}/modules/{path}"] = (text.encode(), REGULAR)
    return files


def course_config() -> bytes:
    return COURSE_CONFIG.read_bytes()

"""The nbgrader course: a source notebook with solution cells and the suites' checks as test cells.

nbgrader runs a notebook's test cells in the notebook's own kernel, so the checks travel with
the notebook as ``kit_checks.py``: the kit's wire format, the runner's operations and the
checks (public ones in the file, hidden ones inside ``### BEGIN HIDDEN TESTS`` cells), with
``kernel_submission.py`` standing in for ``autograder/submission.py``.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

from autograder import notebooks
from autograder.assignments import Assignment
from autograder.notebooks import Cell, Segment
from autograder.release.files import (
    PACKAGE,
    REGULAR,
    Files,
    ReleaseError,
    closure,
    imports_of,
    package_modules,
    packages_of,
    module_name,
    split_suite,
)
from autograder.stubs import BEGIN, END, split_stub_blocks

HARNESS_FILE = "kit_checks.py"
# Engine modules the in-kernel harness replaces with its own versions.
PLUGIN_SHIM = (
    '"""nbgrader: a check\'s points live in its cell\'s metadata, so the decorator only marks it."""\n\n\n'
    "def exercise(name, points=1.0, builds_on=()):\n    return lambda test: test\n"
)
SUBMISSION_SHIM = (Path(__file__).resolve().parent / "kernel_submission.py").read_text(encoding="utf-8")
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
    for path in sorted(assignment.suite(hidden).glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test"):
                continue
            where = f"{path}:{node.lineno}"
            marks = [d for d in node.decorator_list
                     if isinstance(d, ast.Call) and getattr(d.func, "id", getattr(d.func, "attr", "")) == "exercise"]
            if len(marks) != 1 or len(node.decorator_list) != 1:
                raise ReleaseError(f"{where}: a check needs exactly one decorator, @exercise(...)")
            try:
                exercise = ast.literal_eval(marks[0].args[0])
                points = float(next((ast.literal_eval(k.value) for k in marks[0].keywords if k.arg == "points"), 1.0))
            except (ValueError, IndexError, TypeError) as e:
                raise ReleaseError(f"{where}: @exercise needs literal arguments ({e})") from None
            doc = (ast.get_docstring(node) or node.name).strip().splitlines()[0].rstrip(".")
            source = "\n".join(lines[node.lineno - 1: node.end_lineno])
            checks.append(Check(module_name(path), node.name, exercise, points, doc, source, hidden))
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
    shims = {"autograder.plugin": PLUGIN_SHIM, "autograder.submission": SUBMISSION_SHIM}
    engine_names = closure(list(HARNESS_ROOTS), engine, stop=set(shims))
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


HARNESS = """\"\"\"Runs the kit's checks inside this notebook's kernel, for the nbgrader test cells of {name}.

Generated by `python -m autograder release` from the kit's own sources: its plain-data wire
format, the runner's operations and the checks, so a check sees the notebook's code as the
kit's grader sees a module (a generator comes back as the list of what it yields, a figure as
its lines and labels, a tensor with its gradient). The kit runs student code in a separate
process; nbgrader runs it in this kernel, so here everything shares one process.
Do not edit: nbgrader puts this file back when it autogrades.
\"\"\"

import importlib
import importlib.abc
import importlib.util
import sys

SOURCES = {sources}


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    \"\"\"Serves the kit's modules from SOURCES (and the hidden ones, once loaded).\"\"\"

    def __init__(self, sources):
        self.sources = dict(sources)

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.sources:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=self.sources[fullname][1])

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        source, _ = self.sources[module.__name__]
        exec(compile(source, "<kit " + module.__name__ + ">", "exec", dont_inherit=True), module.__dict__)


def _install():
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_Finder"]
    for name in [m for m in sys.modules if m == "autograder" or m.startswith("autograder.")]:
        del sys.modules[name]  # an installed kit must not mix with these versions
    finder = _Finder(SOURCES)
    sys.meta_path.insert(0, finder)
    return finder


_finder = _install()
_harness = importlib.import_module("autograder.submission")  # served by _finder


def load_hidden(reference, modules):
    \"\"\"Make the hidden checks' modules importable and load the reference solution they compare with.\"\"\"
    for name, entry in modules.items():
        _finder.sources[name] = entry
        sys.modules.pop(name, None)
    _harness.load_reference("{name}", reference)


def check(test, module):
    \"\"\"Run the kit's check `test` (defined in the calling cell; it comes from suite module `module`).\"\"\"
    _harness.run_check(test, module)
"""


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


def _test_cell(check: Check, load: str | None, grade_id: str) -> Cell:
    _no_delimiters(check.source, f"{check.module}.{check.name}")
    call = f"check({check.name}, {check.module!r})"
    if check.hidden:
        label = f"# `{check.exercise}`: a hidden test ({check.points:g} point{'s' if check.points != 1 else ''})"
        body = "\n".join(x for x in (load, check.source, "", call) if x is not None)
        source = (f"{label}\nfrom kit_checks import check, load_hidden\n\n"
                  f"### BEGIN HIDDEN TESTS\n{body}\n### END HIDDEN TESTS\n")
        points = check.points
    else:
        label = f"# `{check.exercise}`: {check.doc} (self-check, not graded)"
        source = f"{label}\nfrom kit_checks import check\n\n\n{check.source}\n\n\n{call}\n"
        points = 0.0
    return Cell("code", source, grade_id, _nbgrader_meta(grade_id, grade=True, locked=True, points=points))


def nbgrader_notebook(assignment: Assignment) -> bytes:
    """The solution as an nbgrader source notebook, with the suites' checks as test cells."""
    solution = assignment.solution.read_text(encoding="utf-8")
    public, hidden = suite_checks(assignment, False), suite_checks(assignment, True)
    _, hidden_modules = harness_modules(assignment)
    load = _no_delimiters(f"load_hidden(\n    {_literal(_reference_source(solution))},\n"
                          f"    {_sources_literal(hidden_modules, '    ')},\n)\n", "the hidden modules")
    by_exercise: dict[str, list[Check]] = {}
    for c in public + hidden:
        by_exercise.setdefault(c.exercise, []).append(c)
    cells: list[Cell] = []
    loaded = False

    def tests_for(exercise: str) -> None:
        nonlocal loaded
        for k, c in enumerate(by_exercise.pop(exercise, []), 1):
            grade_id = notebooks.cell_id(f"test-{exercise}-{k}")  # no check names: hidden ones stay hidden
            cells.append(_test_cell(c, None if loaded or not c.hidden else load, grade_id))
            loaded = loaded or c.hidden

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


NBGRADER_CONFIG = '''"""nbgrader course made by `python -m autograder release` (d2l linear neural networks).

    nbgrader generate_assignment ASSIGNMENT     # release/ASSIGNMENT: solutions and hidden tests removed
    nbgrader autograde ASSIGNMENT               # grades submitted/<student>/ASSIGNMENT/ASSIGNMENT.ipynb

Assignments: {names}. Each source folder holds the notebook and kit_checks.py, the harness
the test cells use. Public checks are 0-point cells (feedback, as in the kit's self-check);
the hidden checks carry the points, so a grade here equals the kit's.
"""

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "d2l-linear-networks"
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.Execute.timeout = 300  # seconds per cell: a few checks train a model
'''


def nbgrader_files(assignment: Assignment) -> Files:
    public, _ = harness_modules(assignment)
    harness = HARNESS.format(name=assignment.name, sources=_sources_literal(public))
    prefix = f"source/{assignment.name}"
    return {
        f"{prefix}/{assignment.name}.ipynb": (nbgrader_notebook(assignment), REGULAR),
        f"{prefix}/{HARNESS_FILE}": (harness.encode(), REGULAR),
    }

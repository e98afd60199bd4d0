"""Releases for students and platforms, all made from the same sources (the solution and the suites).

``build_release(dest)`` writes, per assignment ``<name>``:

- ``<name>/`` and ``<name>.zip``: the student handout. The stub (generated from the solution),
  the same exercise as a notebook, the README, and the public checks with the engine they need
  (a copy of this package without hidden suites, without suite modules only hidden checks use,
  without this module), runnable as ``python -m autograder check <name> [PATH]`` or plain
  ``pytest`` in the folder. Never the reference solution, never a hidden check.
- ``nbgrader/source/<name>/``: an nbgrader assignment (``<name>.ipynb`` with solution cells and
  test cells, plus ``kit_checks.py``, the in-kernel harness that runs the kit's checks) in an
  nbgrader course (``nbgrader/nbgrader_config.py``). Hidden checks, the reference they compare
  with and the suite modules only they use sit between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS``. Public checks are 0-point cells (feedback, as in the kit), so an
  nbgrader grade equals the kit's.
- ``gradescope/<name>.zip``: a Gradescope autograder (``setup.sh``, ``run_autograder`` and the
  kit with this assignment's full suite and solution). Instructor material: it holds the
  solution, so it is kept out of the handout folder.

Everything is deterministic: the same sources give byte-identical files (fixed zip timestamps
and modes, sorted entries, stable notebook cell ids).
"""

from __future__ import annotations

import argparse
import ast
import io
import shutil
import stat
import sys
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder import notebooks
from autograder.assignments import ROOT, SUITES, Assignment, all_assignments
from autograder.notebooks import Cell, Segment
from autograder.stubs import BEGIN, BEGIN_STUB, END, END_STUB, stub_for

PACKAGE = Path(__file__).resolve().parent
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
EXECUTABLE = 0o755
REGULAR = 0o644
HARNESS_FILE = "kit_checks.py"
# Engine modules the in-kernel harness replaces with its own versions.
PLUGIN_SHIM = (
    '"""nbgrader: a check\'s points live in its cell\'s metadata, so the decorator only marks it."""\n\n\n'
    "def exercise(name, points=1.0):\n    return lambda test: test\n"
)
# Where the in-kernel harness starts; it follows their ``autograder.*`` imports.
HARNESS_ROOTS = ("autograder.runner.wire", "autograder.runner.server", "autograder.checks")


class ReleaseError(RuntimeError):
    """The sources cannot be released as they are; the message says where."""


Files = dict[str, tuple[bytes, int]]  # relative path -> (content, mode)


# ---------------------------------------------------------------- modules and their imports


def module_name(path: Path) -> str:
    parts = list(path.resolve().relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_modules(folder: Path) -> dict[str, Path]:
    return {module_name(p): p for p in sorted(folder.rglob("*.py")) if "__pycache__" not in p.parts}


def _imports(path: Path) -> set[str]:
    """Every module name an ``import`` in this file may load (``from a import b``: ``a`` and ``a.b``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _closure(roots: list[str], universe: dict[str, Path], stop: set[str] = frozenset()) -> list[str]:
    """The modules of ``universe`` that ``roots`` import, transitively (roots included)."""
    seen: list[str] = []
    todo = [r for r in roots if r in universe]
    while todo:
        name = todo.pop()
        if name in seen or name in stop:
            continue
        seen.append(name)
        todo.extend(m for m in _imports(universe[name]) if m in universe and m not in seen)
    return sorted(seen)


def _packages_of(names: list[str]) -> list[str]:
    out = set()
    for name in names:
        parts = name.split(".")
        out.update(".".join(parts[:k]) for k in range(1, len(parts)))
    return sorted(out)


@dataclass
class SuiteSplit:
    """An assignment's suite modules: what the public checks need, and what only hidden checks need."""

    public: list[str]  # modules the public checks need (the public test files included)
    hidden: list[str]  # every other module of the suite
    paths: dict[str, Path]


def split_suite(assignment: Assignment) -> SuiteSplit:
    universe = _package_modules(SUITES / assignment.name)
    public_dir = assignment.suite(hidden=False)
    roots = [module_name(p) for p in sorted(public_dir.glob("*.py"))]
    public = _closure(roots, universe)
    hidden = sorted(m for m in universe if m not in public)
    return SuiteSplit(public, hidden, universe)


# ---------------------------------------------------------------- file sets


def _read(path: Path) -> bytes:
    return path.read_bytes()


def _mode(path: Path) -> int:
    return EXECUTABLE if path.stat().st_mode & stat.S_IXUSR else REGULAR


def _placeholder(name: str) -> bytes:
    return f'"""Package {name} (its content is only needed by the grading suite)."""\n'.encode()


def engine_files(assignment: Assignment, *, hidden: bool) -> Files:
    """This package for one assignment: all of the engine, and its suite (all of it, or what public checks need)."""
    files: Files = {}
    suite = SUITES / assignment.name
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(PACKAGE.parent)
        if not path.is_file() or "__pycache__" in rel.parts or path.suffix in (".pyc", ".pyo"):
            continue
        if path.is_relative_to(SUITES) and path.parent != SUITES and not path.is_relative_to(suite):
            continue  # another assignment's suite
        if not hidden and path == Path(__file__).resolve():
            continue  # making releases needs the solutions: not part of a handout
        files[rel.as_posix()] = (_read(path), _mode(path))
    if hidden:
        return files
    split = split_suite(assignment)
    keep = {split.paths[m] for m in split.public}
    packages = set(_packages_of(split.public))
    for path in sorted(suite.rglob("*")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if rel not in files:
            continue
        inside_public = path.is_relative_to(assignment.suite(hidden=False))
        if path.suffix == ".py" and path in keep or (inside_public and path.suffix != ".py"):
            continue
        del files[rel]
        if path.name == "__init__.py" and module_name(path) in packages:
            files[rel] = (_placeholder(module_name(path)), REGULAR)
    return files


def write_files(dest: Path, files: Files) -> list[Path]:
    written = []
    for rel in sorted(files):
        data, mode = files[rel]
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(mode)
        written.append(path)
    return written


def zip_bytes(files: Files, prefix: str = "") -> bytes:
    """A zip of ``files`` (under ``prefix/``), byte-identical for the same files."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in sorted(files):
            data, mode = files[rel]
            info = zipfile.ZipInfo(f"{prefix}/{rel}" if prefix else rel, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.create_system = 3  # unix, so the modes are honoured
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


# ---------------------------------------------------------------- the student handout


HANDOUT_CONFTEST = '''"""Plain `pytest` in this folder runs the public checks on {filename} (or on --module PATH).

The checks run as `python -m autograder check {name}` runs them: your code is imported in a
separate process and the checks compare what comes back.
"""

import hashlib
import secrets
from pathlib import Path

import pytest

ASSIGNMENT = "{name}"
HERE = Path(__file__).resolve().parent


def pytest_addoption(parser):
    parser.addoption("--module", default=None, help="the module to check (default: {filename} in this folder)")
    parser.addoption("--seed", type=int, default=None, help="seed for the generated inputs (default: random)")


def pytest_configure(config):
    from autograder.assignments import get
    from autograder.intake import check_source
    from autograder.plugin import GradingPlugin, RunConfig, StudentSpec

    path = Path(config.getoption("--module") or HERE / "{filename}")
    error = check_source(path) if path.is_file() else f"{{path}} does not exist"
    source = path.read_bytes() if not error else b""
    spec = StudentSpec(student=path.stem, source=source, error=error,
                       sha256=hashlib.sha256(source).hexdigest() if source else "")
    seed = config.getoption("--seed")
    config.autograder_run = (path, secrets.randbits(32) if seed is None else seed)
    run = RunConfig(seed=config.autograder_run[1], hidden=False)
    config.pluginmanager.register(GradingPlugin(get(ASSIGNMENT), [spec], run, lambda result: None), "autograder")


def pytest_report_header(config):
    path, seed = config.autograder_run
    return f"public checks of {{ASSIGNMENT}} on {{path}} (seed {{seed}}); the grading suite checks more"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    error = call.excinfo.value if call.excinfo else None
    if report.failed and isinstance(error, AssertionError):
        report.longrepr = str(error).split("\\nassert ")[0]  # the message written for you, no traceback
'''

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
        "conftest.py": (HANDOUT_CONFTEST.format(name=name, filename=filename).encode(), REGULAR),
        "pytest.ini": (HANDOUT_PYTEST_INI.format(name=name, filename=filename).encode(), REGULAR),
    })
    return files


# ---------------------------------------------------------------- nbgrader


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
    engine = {name: path for name, path in _package_modules(PACKAGE).items()
              if not name.startswith("autograder.suites")}
    shims = {"autograder.plugin": PLUGIN_SHIM, "autograder.submission": SUBMISSION_SHIM}
    engine_names = _closure(list(HARNESS_ROOTS), engine, stop=set(shims))
    split = split_suite(assignment)
    # Suite modules import engine modules too (checks, plugin): they must be in the closure.
    suite_needs = {m for s in split.public + split.hidden for m in _imports(split.paths[s]) if m in engine}
    extra = sorted(suite_needs - set(engine_names) - set(shims))
    engine_names = _closure(engine_names + extra, engine, stop=set(shims))
    public = _module_sources(engine_names, engine, [], set())
    public.update({name: (source, False) for name, source in shims.items()})
    public.update(_module_sources(split.public, split.paths, [], set()))
    for package in _packages_of(list(public)):
        public.setdefault(package, ("", True))
    hidden = _module_sources(split.hidden, split.paths, _packages_of(split.hidden), set(public))
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

# The in-kernel stand-in for autograder/submission.py: the same API (Submission, Remote, Run,
# SubmissionError), driving the runner's own operations (autograder/runner/server.py) in this
# process through the real wire format instead of a socket.
SUBMISSION_SHIM = '''"""The notebook's code behind the API of the kit's `sub` fixture (in-kernel, for nbgrader)."""

import hashlib
import importlib
import inspect
import time
import timeit
import types

import torch

from autograder.runner import server, wire

CLOCKS = ("time", "perf_counter", "monotonic", "process_time", "thread_time",
          "time_ns", "perf_counter_ns", "monotonic_ns", "process_time_ns")
_reference = {}


class SubmissionError(AssertionError):
    """The notebook's code failed or is missing; the message says so."""

    def __init__(self, message, *, not_implemented=False):
        super().__init__(message)
        self.not_implemented = not_implemented


class _Bytes:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def recv(self, n):
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


def _through_the_wire(header, buffers):
    """What the other end of the kit's socket would receive."""
    return wire.recv(_Bytes(wire.pack(header, list(buffers))))


class _Namespace:
    """The notebook's namespace, seen as the student's module."""

    def __init__(self, namespace):
        self.__dict__ = namespace


class Run:
    def __init__(self, value, args=None, kwargs=None, sent_refs=None):
        self.value, self.args, self.kwargs, self.sent_refs = value, args or [], kwargs or {}, sent_refs or {}

    def is_same_object(self, after, sent):
        ref = getattr(after, "ref", None)
        return ref is not None and ref == self.sent_refs.get(id(sent))


class Remote:
    """An object kept on the notebook's side (a Timer, an nn.Module)."""

    def __init__(self, sub, obj, label):
        self.sub, self.obj, self.label = sub, obj, label

    @property
    def type_name(self):
        return self.obj.type_name

    def call(self, method, *args, **kwargs):
        return self.sub._call({"target": self._target(), "method": method}, f"{self.label}.{method}",
                              args, kwargs).value

    def run(self, method, *args, backward=False, **kwargs):
        header = {"target": self._target()}
        if method:
            header["method"] = method
        return self.sub._call(header, f"{self.label}.{method}" if method else self.label, args, kwargs,
                              backward=backward, report_args=True)

    def __call__(self, *args, **kwargs):
        return self.sub._call({"target": self._target()}, self.label, args, kwargs).value

    def get(self, name):
        header, bufs = self.sub._request({"op": "getattr", "target": self._target(), "name": name},
                                         f"{self.label}.{name}")
        return wire.Decoder(bufs).decode(header.get("value"))

    def state(self):
        header, bufs = self.sub._request({"op": "state", "target": self._target()}, self.label)
        return wire.Decoder(bufs).decode(header.get("value"))

    def items(self):
        header, bufs = self.sub._request({"op": "iterate", "target": self._target()}, f"iterating {self.label}")
        return wire.Decoder(bufs).decode(header.get("value"))

    def _target(self):
        return self.obj.handle

    def _wire(self):
        return {"__handle__": {"id": self._target()}}


def _remote_to_wire(enc, value, depth):
    if isinstance(value, Remote):
        return value._wire()
    raise TypeError(f"cannot send a {type(value).__name__} to the submission")


class Submission:
    """The notebook's code, with the API of the kit's `sub` fixture."""

    def __init__(self, namespace):
        self.namespace = namespace
        self.runner = server.Runner(None)
        self.runner.module = _Namespace(namespace)
        self.runner.filename = "<notebook>"
        self.substituted = set()
        self.dirty = False
        self.output = ""

    @property
    def names(self):
        return sorted(n for n in self.namespace if not n.startswith("_"))

    def has(self, name):
        return name in self.namespace and not name.startswith("_")

    def reseed(self, seed):
        self._request({"op": "seed", "seed": seed}, "seeding")

    def call(self, name, *args, **kwargs):
        return self._call({"target": name}, name, args, kwargs).value

    def run(self, name, *args, backward=False, **kwargs):
        return self._call({"target": name}, name, args, kwargs, backward=backward, report_args=True)

    def new(self, name, *args, **kwargs):
        reply, bufs, _ = self._send_call({"op": "new", "target": name}, name, args, kwargs)
        return Remote(self, wire.Decoder(bufs).decode(reply.get("value")), name)

    def fake_clock(self, start=1000.0):
        self._request({"op": "fake_clock", "start": start}, "installing the test clock")
        self.dirty = True

    def advance_clock(self, seconds):
        self._request({"op": "advance", "dt": seconds}, "advancing the test clock")

    def substitute(self, sources):
        self.substituted.update(sources)
        self._request({"op": "substitute", "sources": sources}, "substituting textbook helpers")
        self.dirty = True

    def _call(self, header, label, args, kwargs, *, backward=False, report_args=False):
        header = dict(header, op="call", backward=backward, report_args=report_args)
        reply, bufs, refs = self._send_call(header, label, args, kwargs)
        dec = wire.Decoder(bufs)
        return Run(dec.decode(reply.get("value")), dec.decode(reply.get("args", [])) or [],
                   dec.decode(reply.get("kwargs", {"__dict__": []})) or {}, refs)

    def _send_call(self, header, label, args, kwargs):
        enc = wire.Encoder(number_tensors=True, to_handle=_remote_to_wire)
        header = dict(header, args=enc.encode(list(args)), kwargs=enc.encode(dict(kwargs)))
        target = header.get("target")
        if isinstance(target, str) and not self.has(target):
            raise SubmissionError(f"`{target}` is missing from the notebook: define it (and run its cell) with the "
                                  "name and signature given in the assignment")
        reply, bufs = self._request(header, label, enc.buffers)
        return reply, bufs, enc.refs

    def _request(self, header, label, buffers=()):
        header, buffers = _through_the_wire(header, buffers)
        try:
            reply, bufs = getattr(self.runner, "op_" + header["op"])(header, buffers)
        except Exception as e:  # the notebook's code failed: the check fails with its error
            raise SubmissionError(f"{label} raised {type(e).__name__}: {e}",
                                  not_implemented=isinstance(e, NotImplementedError)) from e
        return _through_the_wire(reply, bufs)


def load_reference(name, source):
    module = types.ModuleType(f"reference_{name}")
    exec(compile(source, f"<reference {name}>", "exec", dont_inherit=True), module.__dict__)
    _reference["ref"] = module


def _seed(test):
    return int.from_bytes(hashlib.sha256(f"0:notebook:{test}".encode()).digest()[:7], "big")


def run_check(test, module):
    """Run a check defined in a notebook cell, with its suite module's names, on the notebook's code."""
    namespace = test.__globals__
    home = importlib.import_module(module)
    test = types.FunctionType(test.__code__, home.__dict__, test.__name__, test.__defaults__, test.__closure__)
    sub = Submission(namespace)
    seed = _seed(test.__name__)
    clocks = {name: getattr(time, name) for name in CLOCKS if hasattr(time, name)}
    default_timer = timeit.default_timer
    saved = dict(namespace)
    try:
        sub.reseed(seed)
        fixtures = {}
        for param in inspect.signature(test).parameters:
            if param == "sub":
                fixtures[param] = sub
            elif param == "rng":
                fixtures[param] = torch.Generator().manual_seed(seed)
            elif param == "ref":
                if "ref" not in _reference:
                    raise RuntimeError("the reference is not loaded: run the notebook from the top")
                fixtures[param] = _reference["ref"]
            else:
                raise TypeError(f"{test.__name__} asks for {param!r}, which this harness does not provide")
        test(**fixtures)
    finally:
        for name, clock in clocks.items():
            setattr(time, name, clock)
        timeit.default_timer = default_timer
        real = list(clocks.values()) + [default_timer]
        for name in sub.substituted | {k for k, v in saved.items() if any(v is c for c in real)}:
            if name in saved:
                namespace[name] = saved[name]
            else:
                namespace.pop(name, None)
'''


def _without_stub_blocks(text: str) -> tuple[str, str]:
    """(the text without ``### BEGIN STUB`` blocks, the code those blocks hold, uncommented)."""
    kept, stub_code, inside = [], [], False
    for line in text.splitlines():
        marker = line.strip()
        if marker == BEGIN_STUB:
            inside = True
        elif marker == END_STUB:
            inside = False
        elif inside:
            body = line.lstrip()
            pad = line[: len(line) - len(body)]
            stub_code.append(pad + (body[2:] if body.startswith("# ") else body[1:]) if body else "")
        else:
            kept.append(line)
    return "\n".join(kept), textwrap.dedent("\n".join(stub_code)).strip("\n")


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
        text, stub_code = _without_stub_blocks(seg.source)
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


# ---------------------------------------------------------------- Gradescope


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

This archive holds the reference solution and the hidden checks: do not give it to students.
"""


def gradescope_files(assignment: Assignment) -> Files:
    name = assignment.name
    files = engine_files(assignment, hidden=True)
    files.update({
        f"solutions/{assignment.filename}": (_read(assignment.solution), REGULAR),
        "pyproject.toml": (_read(ROOT / "pyproject.toml"), REGULAR),
        "README.md": (GRADESCOPE_README.format(name=name).encode(), REGULAR),
        "setup.sh": (SETUP_SH.format().encode(), EXECUTABLE),
        "run_autograder": (RUN_AUTOGRADER.format(name=name).encode(), EXECUTABLE),
    })
    return files


# ---------------------------------------------------------------- the release


RELEASE_README = """# Releases (made by `python -m autograder release`; do not edit, rebuild)

| for | what | where |
| --- | --- | --- |
| students | handout: stub, notebook, README, public checks | `<assignment>/`, `<assignment>.zip` |
| nbgrader courses | course folder: `nbgrader_config.py`, `source/<assignment>/` | `nbgrader/` |
| Gradescope | autograder zip (holds the solution and hidden checks: instructors only) | `gradescope/<assignment>.zip` |

Assignments: {names}.
"""


def build_release(dest: Path = Path("release"), names: list[str] | None = None) -> list[Path]:
    """Write the releases of ``names`` (default: every assignment) into ``dest``; return what was made.

    Returns the top-level artifacts: per assignment the handout folder and zip, the nbgrader
    source folder and the Gradescope zip, then the nbgrader config. Outputs of earlier builds
    for the same assignments are replaced; nothing else in ``dest`` is touched.
    """
    known = [a.name for a in all_assignments()]
    names = list(known if names is None else names)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ReleaseError(f"unknown assignment(s) {', '.join(unknown)}; known: {', '.join(known)}")
    dest.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    for name in names:
        assignment = Assignment(name)
        handout = handout_files(assignment)
        _replace(dest / name)
        write_files(dest / name, handout)
        (dest / f"{name}.zip").write_bytes(zip_bytes(handout, prefix=name))
        _replace(dest / "nbgrader" / "source" / name)
        write_files(dest / "nbgrader", nbgrader_files(assignment))
        (dest / "gradescope").mkdir(exist_ok=True)
        (dest / "gradescope" / f"{name}.zip").write_bytes(zip_bytes(gradescope_files(assignment)))
        made += [dest / name, dest / f"{name}.zip", dest / "nbgrader" / "source" / name,
                 dest / "gradescope" / f"{name}.zip"]
    course = sorted(p.name for p in (dest / "nbgrader" / "source").iterdir() if p.is_dir())
    (dest / "nbgrader" / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(names=", ".join(course)),
                                                          encoding="utf-8")
    released = sorted({p.stem for p in dest.glob("*.zip")} & set(known))
    (dest / "README.md").write_text(RELEASE_README.format(names=", ".join(released)), encoding="utf-8")
    return made + [dest / "nbgrader" / "nbgrader_config.py"]


def _replace(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.release", description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment")
    parser.add_argument("--out", default="release", help="where to write (default: release/)")
    args = parser.parse_args(argv)
    try:
        made = build_release(Path(args.out), args.assignments or None)
    except ReleaseError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

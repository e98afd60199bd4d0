"""Runs the kit's checks inside an nbgrader notebook's kernel: ``kit_checks.py`` of one assignment.

Written into each nbgrader assignment by `python -m autograder release`, from
autograder/release/kernel_harness.py with ASSIGNMENT and SOURCES filled in. SOURCES holds the
kit's plain-data wire format, the runner's operations and the public checks, so a check sees the
notebook's code as the kit's grader sees a module (a generator comes back as the list of what it
yields, a figure as its lines and labels, a tensor with its gradient).

Nothing here answers a graded exercise: the hidden checks and the reference they compare with
live on the course side, in ``kit_hidden/<assignment>/`` next to the course's nbgrader_config.py,
which points KIT_HIDDEN_CHECKS at it. That folder is never released and never part of feedback.
A hidden check cell in a student's copy only says that it runs at grading time.

The kit runs student code in a separate process; nbgrader runs it in this kernel, so here
everything shares one process. Do not edit: nbgrader puts this file back when it autogrades.
"""

import importlib
import importlib.abc
import importlib.util
import json
import os
import sys
from pathlib import Path

ASSIGNMENT = ""  # the release fills this line in
SOURCES = {}  # the release fills this line in: module name -> (source, is a package)
HIDDEN_ENV = "KIT_HIDDEN_CHECKS"  # set by the course's nbgrader_config.py


class CheckFailed(AssertionError):
    """A check failed; the message says what to fix (the kit's internals are not the student's concern)."""


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the kit's modules from SOURCES (and the hidden ones, once loaded)."""

    def __init__(self, sources):
        self.sources = dict(sources)
        self.files = {}  # module name -> its file on the course side (hidden modules read their folder)

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.sources:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=self.sources[fullname][1])

    def create_module(self, spec):
        return None

    def get_source(self, fullname):
        """What inspect and the kit's book.sources read: these modules have no file to read it from."""
        return self.sources[fullname][0] if fullname in self.sources else None

    def exec_module(self, module):
        source, _ = self.sources[module.__name__]
        if module.__name__ in self.files:
            module.__file__ = self.files[module.__name__]
        # Not a file name: a traceback through these modules shows no source line.
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
_hidden = {}  # exercise -> [(module, check)], once the course side is loaded


def _hidden_folder():
    """The course side's folder of this assignment; None where the notebook is not being graded."""
    root = os.environ.get(HIDDEN_ENV)
    if root:
        folder = Path(root) / ASSIGNMENT
        if not (folder / "checks.json").is_file():
            raise RuntimeError(f"{HIDDEN_ENV} is {root}, which holds no hidden checks of {ASSIGNMENT}: "
                               "rebuild the course with `python -m autograder release`")
        return folder
    # nbgrader grades in autograded/<student>/<assignment>/: there a hidden check that cannot run
    # must fail, never pass unseen.
    if Path.cwd().parent.parent.name == "autograded":
        raise RuntimeError(f"nbgrader is grading, but {HIDDEN_ENV} is not set: run nbgrader in the course "
                           "folder, whose nbgrader_config.py says where the hidden checks are")
    return None


def _load_hidden(folder):
    if _hidden:
        return
    modules = folder / "modules"
    for path in sorted(modules.rglob("*.py")):
        parts = list(path.relative_to(modules).with_suffix("").parts)
        package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if package else parts)
        _finder.sources[name] = (path.read_text(encoding="utf-8"), package)
        _finder.files[name] = str(path)
        sys.modules.pop(name, None)
    _harness.load_reference(ASSIGNMENT, (folder / "reference.py").read_text(encoding="utf-8"))
    mistakes = folder / "mistakes.json"  # the catalogue, to name the cause of a failed check as grading does
    if mistakes.is_file():
        _harness.load_mistakes(json.loads(mistakes.read_text(encoding="utf-8")))
    for exercise, checks in json.loads((folder / "checks.json").read_text(encoding="utf-8")).items():
        _hidden[exercise] = [tuple(c) for c in checks]


def _failure(test, module, namespace):
    """What the student reads when the check fails (None when it passes): its message, not the kit's frames."""
    try:
        _harness.run_check(test, module, namespace, ASSIGNMENT)
    except AssertionError as e:
        return str(e) or "the check's condition does not hold"
    except Exception as e:  # noqa: BLE001  (whatever a check raises, the student reads it as a failure)
        return f"{type(e).__name__}: {e}"
    return None


def check(test, module):
    """Run the kit's public check `test` (defined in the calling cell; it comes from suite module `module`)."""
    failure = _failure(test, module, sys._getframe(1).f_globals)
    if failure:
        raise CheckFailed(failure)


def check_hidden(exercise, k):
    """Run the `k`-th hidden check of `exercise`, read from the course side when nbgrader grades."""
    folder = _hidden_folder()
    if folder is None:
        print(f"A hidden check of `{exercise}`: it runs when your instructor grades this notebook.")
        return
    _load_hidden(folder)
    module, name = _hidden[exercise][k - 1]
    failure = _failure(getattr(importlib.import_module(module), name), module, sys._getframe(1).f_globals)
    if failure:
        raise CheckFailed(failure)

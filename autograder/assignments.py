"""Where each assignment's parts live, by convention:

- ``solutions/<name>.py``                      the hidden reference solution (single source)
- ``assignments/<name>/<name>.py``             the student stub, generated from the solution
- ``autograder/suites/<name>/public/test_*.py``  checks students may run (no reference needed)
- ``autograder/suites/<name>/hidden/test_*.py``  the grading suite (compares with the reference)

The exercise ids are the solution's public top-level functions and classes, in file order.

A student handout (``autograder.release``) carries this package without ``solutions/`` and
without hidden suites: there the stub sits next to the package (``<name>.py``), exercises
are read from it, and the assignments are those with public checks.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SUITES = Path(__file__).resolve().parent / "suites"


@dataclass(frozen=True)
class Assignment:
    name: str

    @property
    def solution(self) -> Path:
        return ROOT / "solutions" / f"{self.name}.py"

    @property
    def stub(self) -> Path:
        if _is_handout():
            return ROOT / self.filename
        return ROOT / "assignments" / self.name / f"{self.name}.py"

    @property
    def filename(self) -> str:
        return f"{self.name}.py"

    def suite(self, hidden: bool = True) -> Path:
        return SUITES / self.name / ("hidden" if hidden else "public")

    @cached_property
    def exercises(self) -> list[str]:
        source = self.solution if self.solution.exists() else self.stub  # a handout has no solution
        tree = ast.parse(source.read_text(encoding="utf-8"))
        return [
            node.name for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
        ]

    @cached_property
    def uses_optimizer(self) -> bool:
        """Whether the exercise uses ``torch.optim`` (its runners' zygote then warms it up)."""
        source = self.solution if self.solution.exists() else self.stub
        return "torch.optim" in source.read_text(encoding="utf-8")

    @cached_property
    def textbook(self) -> dict[str, str] | None:
        """The book's version of each exercise a check builds on, by name; None where it is not shipped.

        A handout leaves it out, because the book's code answers graded exercises: there a check that
        builds on another exercise runs on the student's own version of it (see ``plugin.exercise``).
        """
        module = f"autograder.suites.{self.name}.textbook"
        if importlib.util.find_spec(module) is None:
            return None
        return dict(importlib.import_module(module).TEXTBOOK)

    def load_reference(self) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"reference_{self.name}", self.solution)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def _is_handout() -> bool:
    return not (ROOT / "solutions").is_dir()


# The chapter's order; an assignment not listed here comes after these, alphabetically.
ORDER = ("linear_regression", "linear_regression_concise", "gradient_descent", "logistic_regression")


def all_assignments() -> list[Assignment]:
    kind = "public" if _is_handout() else "hidden"
    names = [p.name for p in SUITES.iterdir() if (p / kind).is_dir()]
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return [Assignment(n) for n in names]


def get(name: str) -> Assignment:
    names = [a.name for a in all_assignments()]
    if name not in names:
        raise KeyError(f"unknown assignment {name!r}; known: {', '.join(names)}")
    return Assignment(name)

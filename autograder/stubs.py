"""Make a student stub from a reference solution, nbgrader-style, so the two never drift.

In ``solutions/<name>.py``:

- ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` is removed from the stub and replaced by
  ``# TODO`` and ``raise NotImplementedError("<function>: not implemented yet")``;
- a ``### BEGIN STUB`` ... ``### END STUB`` block right after it replaces it instead; its
  lines are comments in the solution (``# ``-prefixed) and become code in the stub. This is
  how a fix-the-bug exercise ships the buggy code.

Everything else (signatures, docstrings, imports) is copied as is.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_STUB, END_STUB = "### BEGIN STUB", "### END STUB"
_DEF = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+(\w+)")


class MarkerError(ValueError):
    """The solution's markers are unbalanced or misplaced."""


def _enclosing(lines: list[str], index: int, indent: int) -> str:
    names = []
    for line in reversed(lines[:index]):
        m = _DEF.match(line)
        if m and len(m.group(1)) < indent:
            names.append(m.group(3))
            indent = len(m.group(1))
            if indent == 0:
                break
    return ".".join(reversed(names)) or "this exercise"


def _directly_in_a_class(lines: list[str], index: int, indent: int) -> bool:
    for line in reversed(lines[:index]):
        m = _DEF.match(line)
        if m and len(m.group(1)) < indent:
            return m.group(2) == "class"
    return False


def make_stub(source: str, path: str = "<solution>") -> str:
    lines = source.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped == BEGIN:
            indent = len(line) - len(line.lstrip())
            try:
                end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == END)
            except StopIteration:
                raise MarkerError(f"{path}:{i + 1}: {BEGIN} without {END}") from None
            if any(lines[j].strip() in (BEGIN, BEGIN_STUB) for j in range(i + 1, end)):
                raise MarkerError(f"{path}:{i + 1}: nested markers")
            begin, i = i, end + 1
            if i < len(lines) and lines[i].strip() == BEGIN_STUB:
                try:
                    stub_end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == END_STUB)
                except StopIteration:
                    raise MarkerError(f"{path}:{i + 1}: {BEGIN_STUB} without {END_STUB}") from None
                for body in lines[i + 1 : stub_end]:
                    out.append(_uncomment(body, path, i + 1))
                i = stub_end + 1
            else:
                if _directly_in_a_class(lines, begin, indent):
                    raise MarkerError(f"{path}:{begin + 1}: a solution block directly in a class body would make the "
                                      "stub raise when the module is imported: put one block in each method")
                name = _enclosing(lines, begin, indent)
                pad = " " * indent
                out.append(f"{pad}# TODO: implement {name} (see the docstring above).")
                out.append(f'{pad}raise NotImplementedError("{name}: not implemented yet")')
            continue
        if stripped in (END, BEGIN_STUB, END_STUB):
            raise MarkerError(f"{path}:{i + 1}: {stripped} without its opening marker")
        out.append(line)
        i += 1
    return "\n".join(out) + "\n"


def _uncomment(line: str, path: str, lineno: int) -> str:
    body = line.lstrip()
    pad = line[: len(line) - len(body)]
    if not body:
        return ""
    if not body.startswith("#"):
        raise MarkerError(f"{path}:{lineno}: lines of a stub block must be comments in the solution")
    return pad + (body[2:] if body.startswith("# ") else body[1:])


def split_stub_blocks(text: str, path: str = "<solution>") -> tuple[list[str], list[str]]:
    """(the lines outside ``### BEGIN STUB`` blocks, the code those blocks hold, uncommented)."""
    kept, stub_code, inside = [], [], False
    for lineno, line in enumerate(text.splitlines(), 1):
        marker = line.strip()
        if marker == BEGIN_STUB:
            inside = True
        elif marker == END_STUB:
            inside = False
        elif inside:
            stub_code.append(_uncomment(line, path, lineno))
        else:
            kept.append(line)
    return kept, stub_code


def stub_for(solution: Path) -> str:
    return make_stub(solution.read_text(encoding="utf-8"), str(solution))


def _raises_not_implemented(body: list[ast.stmt]) -> bool:
    for node in body:
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                return True
    return False


def still_stubs(source: bytes | str) -> set[str]:
    """The top-level functions and classes of a student's module that still raise NotImplementedError as the stub
    does (in their body, or in one of their methods' bodies). Read from the source, never run; a module that does
    not parse has none."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _raises_not_implemented(node.body):
            found.add(node.name)
        elif isinstance(node, ast.ClassDef) and any(_raises_not_implemented(m.body) for m in node.body
                                                    if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)):
            found.add(node.name)
    return found

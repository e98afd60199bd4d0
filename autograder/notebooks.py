"""Jupyter notebooks, read and written as plain JSON (no nbformat/nbconvert at grading time).

Reading, for grading a notebook submission::

    source = notebook_to_source(path.read_bytes())   # str: a Python module; ValueError if not a notebook

The contract of ``notebook_to_source``:

- input: the bytes of an ``.ipynb`` file, nbformat 4 (any minor version), UTF-8 (a BOM is accepted);
- output: the module made of the notebook's code cells, in order, separated by two blank lines,
  ending with a newline (``""`` when there is no code). Nothing is executed or imported.
- dropped: markdown and raw cells; nbgrader test cells (``metadata.nbgrader.grade`` true and
  ``solution`` false: they are the grader's tests, not the student's code); a cell whose first
  non-blank line starts with ``%%`` (a cell magic: its body is not Python, e.g. ``%%bash``);
  each line whose first non-blank character is ``%`` or ``!`` (a line magic or a shell escape),
  which becomes ``pass`` when indented so that the block around it stays valid Python.
- raises ``ValueError`` (message for the student) if the bytes are not UTF-8 JSON, not a
  notebook, or an nbformat 3 notebook.

Writing: ``make_notebook(cells)`` gives the bytes of an nbformat 4.5 notebook, byte-identical
for the same cells (stable cell ids, sorted keys), and ``module_cells`` splits a module into
the segments a notebook shows (the module docstring, plain code, one cell per exercise).
``check_notebook`` is what a handout notebook's last cell calls to self-check the saved notebook.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

NBFORMAT, NBFORMAT_MINOR = 4, 5
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
_ID = re.compile(r"[^A-Za-z0-9_-]+")


# ---------------------------------------------------------------- reading


def _text(source: object) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    raise ValueError("not a Jupyter notebook: a cell's source is neither text nor a list of lines")


def _is_nbgrader_test(cell: dict) -> bool:
    meta = cell.get("metadata")
    nb = meta.get("nbgrader") if isinstance(meta, dict) else None
    return isinstance(nb, dict) and bool(nb.get("grade")) and not nb.get("solution")


def _strip_magics(code: str) -> str:
    lines = code.splitlines()
    first = next((ln.lstrip() for ln in lines if ln.strip()), "")
    if first.startswith("%%"):
        return ""
    out = []
    for line in lines:
        body = line.lstrip()
        if body.startswith(("%", "!")):
            indent = line[: len(line) - len(body)]
            if indent:
                out.append(f"{indent}pass")
            continue
        out.append(line.rstrip())
    return "\n".join(out).strip("\n")


def read_notebook(data: bytes) -> dict:
    """The notebook's JSON, checked to be an nbformat 4 notebook; ValueError otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"not a Jupyter notebook: the file is not UTF-8 text (byte {e.start})") from None
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise ValueError(f"not a Jupyter notebook: the file is not valid JSON ({e})") from None
    if not isinstance(nb, dict) or ("cells" not in nb and "worksheets" not in nb):
        raise ValueError("not a Jupyter notebook: the JSON has no cells")
    version = nb.get("nbformat", 4)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"not a Jupyter notebook: its nbformat is {type(version).__name__}, not a number")
    if "worksheets" in nb or version < 4:
        raise ValueError("this notebook is in the old nbformat 3: open it in Jupyter and save it again")
    if not isinstance(nb["cells"], list) or not all(isinstance(c, dict) for c in nb["cells"]):
        raise ValueError("not a Jupyter notebook: its cells are not a list of cells")
    return nb


def notebook_to_source(data: bytes) -> str:
    """The Python module made of a notebook's code cells (see the module docstring for the contract)."""
    nb = read_notebook(data)
    chunks = []
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code" or _is_nbgrader_test(cell):
            continue
        code = _strip_magics(_text(cell.get("source", "")))
        if code.strip():
            chunks.append(code)
    return "\n\n\n".join(chunks) + "\n" if chunks else ""


def code_cells(data: bytes) -> list[dict]:
    """The code cells of a notebook (the raw JSON dicts), for tools that fill or inspect them."""
    return [c for c in read_notebook(data)["cells"] if c.get("cell_type") == "code"]


# ---------------------------------------------------------------- writing


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    source: str
    id: str = ""  # stable id; derived from the content when empty
    metadata: dict = field(default_factory=dict)


def cell_id(text: str) -> str:
    """A valid nbformat cell id (``[A-Za-z0-9_-]``, at most 64 characters) made from ``text``."""
    slug = _ID.sub("-", text).strip("-") or "cell"
    if len(slug) <= 64:
        return slug
    return f"{slug[:55]}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def make_notebook(cells: Iterable[Cell], *, metadata: dict | None = None) -> bytes:
    """An nbformat 4.5 notebook as bytes, deterministic: same cells, same bytes.

    Cell ids are the given ids (made unique with a counter when repeated) or derived from
    the cell's content; keys are sorted and indented as Jupyter writes them.
    """
    seen: dict[str, int] = {}
    out = []
    for k, cell in enumerate(cells):
        base = cell_id(cell.id) if cell.id else cell_id(f"{cell.kind}-{k}-"
                                                         f"{hashlib.sha256(cell.source.encode()).hexdigest()[:8]}")
        seen[base] = seen.get(base, 0) + 1
        cid = base if seen[base] == 1 else cell_id(f"{base}-{seen[base]}")
        entry = {"cell_type": cell.kind, "id": cid, "metadata": dict(cell.metadata), "source": _lines(cell.source)}
        if cell.kind == "code":
            entry["execution_count"] = None
            entry["outputs"] = []
        out.append(entry)
    meta = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    meta.update(metadata or {})
    nb = {"cells": out, "metadata": meta, "nbformat": NBFORMAT, "nbformat_minor": NBFORMAT_MINOR}
    return (json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------- modules as cells


@dataclass
class Segment:
    kind: str  # "docstring" (the module docstring), "code" or "exercise"
    source: str  # the text; for "docstring" the docstring itself
    name: str = ""  # the exercise (a public top-level function or class)
    doc: str = ""  # the exercise's instructions, as markdown


def _exercise_doc(node: ast.FunctionDef | ast.ClassDef) -> str:
    doc = ast.get_docstring(node) or ""
    if isinstance(node, ast.ClassDef):
        methods = [
            f"- `{m.name}`: {(ast.get_docstring(m) or '').strip().splitlines()[0]}"
            for m in node.body
            if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef) and ast.get_docstring(m)
        ]
        if methods:
            doc = f"{doc}\n\nMethods:\n\n" + "\n".join(methods)
    return doc


def module_cells(source: str) -> list[Segment]:
    """Split a module into its docstring, runs of plain code, and one segment per exercise.

    An exercise is a public top-level function or class (as ``Assignment.exercises`` counts
    them). Comments and blank lines before a statement belong to that statement's segment.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    body = list(tree.body)
    segments: list[Segment] = []
    start = 0  # first line (0-based) not yet assigned
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        segments.append(Segment("docstring", ast.get_docstring(tree) or ""))
        start = body[0].end_lineno
        body = body[1:]
    pending: list[str] = []

    def flush() -> None:
        text = "\n".join(pending).strip("\n")
        if text.strip():
            segments.append(Segment("code", text))
        pending.clear()

    for i, node in enumerate(body):
        end = node.end_lineno if i + 1 < len(body) else len(lines)
        # Comments indented under the statement (a trailing "### END SOLUTION") are not in its
        # AST range but belong to it.
        while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end].strip()):
            end += 1
        while end > node.end_lineno and not lines[end - 1].strip():
            end -= 1
        chunk = lines[start:end]
        start = end
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            flush()
            segments.append(Segment("exercise", "\n".join(chunk).strip("\n"), node.name, _exercise_doc(node)))
        else:
            pending.extend(chunk)
    pending.extend(lines[start:])
    flush()
    return segments


def docstring_markdown(doc: str) -> str:
    """A module docstring as markdown: the first line becomes the title."""
    first, _, rest = doc.strip().partition("\n")
    return f"# {first.strip()}\n\n{rest.strip()}".rstrip() + "\n"


def exercise_markdown(segment: Segment) -> str:
    return f"## `{segment.name}`\n\n{segment.doc.strip()}".rstrip() + "\n"


def strip_markers(text: str) -> str:
    """A solution's text as a student would write it: no solution markers, no stub blocks."""
    from autograder.stubs import BEGIN, END, split_stub_blocks

    out = [line for line in split_stub_blocks(text)[0] if line.strip() not in (BEGIN, END)]
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def fill_notebook(data: bytes, source: str) -> bytes:
    """The notebook with each exercise's code cell (``metadata.autograder.exercise``) replaced by
    that exercise's code in the module ``source`` (markers stripped): a notebook a student filled in."""
    nb = read_notebook(data)
    code = {seg.name: strip_markers(seg.source) for seg in module_cells(source) if seg.kind == "exercise"}
    for cell in nb["cells"]:
        meta = cell.get("metadata") or {}
        name = (meta.get("autograder") or {}).get("exercise")
        if cell.get("cell_type") == "code" and name in code:
            cell["source"] = _lines(code[name])
    return (json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------- the handout's self-check


def check_notebook(assignment: str, path: str | Path | None = None) -> int:
    """Self-check the saved notebook: its code cells, as a module, against the public checks.

    Called from a handout notebook's last cell; the notebook must be saved first (the check
    reads the file). Runs ``python -m autograder check`` in a separate process, prints its
    report and returns its exit code (0 when every public check passes).
    """
    import os
    import subprocess
    import sys
    import tempfile
    import time

    nb_path = Path(path) if path else Path.cwd() / f"{assignment}.ipynb"
    if not nb_path.is_file():
        print(f"{nb_path} not found: save the notebook, or pass its path: check_notebook({assignment!r}, 'my.ipynb')")
        return 2
    age = time.time() - nb_path.stat().st_mtime
    print(f"Checking the saved {nb_path.name} (saved {age:.0f} s ago; save again to check your latest edits)\n")
    try:
        source = notebook_to_source(nb_path.read_bytes())
    except ValueError as e:
        print(e)
        return 2
    package_parent = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
    with tempfile.TemporaryDirectory() as tmp:
        module = Path(tmp) / f"{assignment}.py"
        module.write_text(source, encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "autograder", "check", assignment, str(module)],
                              cwd=package_parent, env=env, capture_output=True, text=True)
    print((proc.stdout + proc.stderr).replace(str(module), nb_path.name).rstrip())
    return proc.returncode

"""What releases are made of: the kit's modules and their imports, file sets, deterministic zips."""

from __future__ import annotations

import ast
import io
import json
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import SUITES, Assignment

PACKAGE = Path(__file__).resolve().parent.parent  # the autograder package
RELEASE_CODE = Path(__file__).resolve().parent  # making releases needs the solutions: never in a handout
SCAFFOLD = PACKAGE / "scaffold"  # the templates of `new`
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
EXECUTABLE = 0o755
REGULAR = 0o644


class ReleaseError(RuntimeError):
    """The sources cannot be released as they are; the message says where."""


Files = dict[str, tuple[bytes, int]]  # relative path -> (content, mode)


def module_name(path: Path) -> str:
    parts = list(path.resolve().relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(folder: Path) -> dict[str, Path]:
    return {module_name(p): p for p in sorted(folder.rglob("*.py")) if "__pycache__" not in p.parts}


def imports_of(path: Path) -> set[str]:
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


def closure(roots: list[str], universe: dict[str, Path], stop: set[str] = frozenset()) -> list[str]:
    """The modules of ``universe`` that ``roots`` import, transitively (roots included)."""
    seen: list[str] = []
    todo = [r for r in roots if r in universe]
    while todo:
        name = todo.pop()
        if name in seen or name in stop:
            continue
        seen.append(name)
        todo.extend(m for m in imports_of(universe[name]) if m in universe and m not in seen)
    return sorted(seen)


def packages_of(names: list[str]) -> list[str]:
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
    universe = package_modules(SUITES / assignment.name)
    public_dir = assignment.suite(hidden=False)
    roots = [module_name(p) for p in sorted(public_dir.glob("*.py"))]
    # The engine imports an assignment's error hints by name (hints.exercise_causes), so no import
    # reaches them; they are what a student is told, and the self-check tells them too.
    roots += [m for m in universe if m.endswith(".error_hints")]
    public = closure(roots, universe)
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
        if not hidden and (path.is_relative_to(RELEASE_CODE) or path.is_relative_to(SCAFFOLD)):
            continue  # making releases needs the solutions, authoring is the instructor's: neither is a student's
        files[rel.as_posix()] = (_read(path), _mode(path))
    if hidden:
        return files
    split = split_suite(assignment)
    keep = {split.paths[m] for m in split.public}
    packages = set(packages_of(split.public))
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


def fill_template(template: Path, **values: str) -> str:
    """A template module with its ``NAME = ""  # the release fills this line in`` lines set to ``values``."""
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        line = f'{name} = ""  # the release fills this line in'
        if text.count(line) != 1:
            raise ReleaseError(f"{template}: the line {line!r} must appear once")
        text = text.replace(line, f"{name} = {json.dumps(value)}")
    return text


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

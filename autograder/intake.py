"""Finding each student's module in a folder of real-world submissions.

Accepted: ``SUBMISSIONS/<student>/...`` (the module anywhere up to one folder deep, as LMS
downloads nest it), ``<student>.py``, ``<student>.ipynb`` and ``<student>.zip``. Zips are
never extracted to disk: their listing is checked (no absolute or ``..`` paths, no links,
bounded file count, size and compression ratio) and only the module's bytes are read.
A submission without a usable module is still listed, with the reason, so it gets 0 and
feedback instead of vanishing. Nothing here executes submission code.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_SOURCE_BYTES = 2 * 1024 * 1024
MAX_ZIP_FILES = 500
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_ZIP_RATIO = 200


@dataclass
class Found:
    student: str
    source: bytes = b""
    error: str = ""
    origin: str = ""  # where the module came from, for messages

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source).hexdigest() if self.source and not self.error else ""


class Rejected(Exception):
    """This submission cannot be graded; the message is for the student."""


def student_id(name: str) -> str:
    """A file-system-safe id: letters, digits, ``._-@``; anything else becomes ``_``."""
    cleaned = re.sub(r"[^A-Za-z0-9._@-]", "_", name).strip("._") or "student"
    return cleaned[:100]


def decode_module(data: bytes, name: str) -> bytes:
    """The Python source to grade from a file's bytes (notebooks are converted), or Rejected."""
    if name.endswith(".ipynb"):
        from autograder.notebooks import notebook_to_source

        try:
            return notebook_to_source(data).encode("utf-8")
        except ValueError as e:
            raise Rejected(f"{name} is not a readable Jupyter notebook ({e})") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise Rejected(f"{name} is larger than {MAX_SOURCE_BYTES // 1024} KiB; submit only the module")
    if not data.strip():
        raise Rejected(f"{name} is empty")
    if b"\0" in data:
        raise Rejected(f"{name} is not a Python source file (it contains binary data)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Rejected(f"{name} is not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    return data


def _pick(paths: list[PurePosixPath], assignment: str, where: str) -> PurePosixPath:
    """The one module among the paths: by the assignment's name, else the only Python file."""
    shallow = [p for p in paths if len(p.parts) <= 2 and not any(part.startswith((".", "__")) for part in p.parts)]
    for names in ({f"{assignment}.py"}, {f"{assignment}.ipynb"}):
        named = [p for p in shallow if p.name in names]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            listed = ", ".join(sorted(map(str, named)))
            raise Rejected(f"{where} holds more than one {named[0].name} ({listed}): submit exactly one")
    code = [p for p in shallow if p.suffix in (".py", ".ipynb")]
    if len(code) == 1:
        return code[0]
    if not code:
        raise Rejected(f"no {assignment}.py found in {where}: name your module {assignment}.py")
    listed = ", ".join(sorted(map(str, code)))
    raise Rejected(f"{where} holds several Python files ({listed}) and none is named {assignment}.py")


def from_folder(folder: Path, assignment: str) -> bytes:
    paths = []
    for p in folder.rglob("*"):
        if p.is_symlink():
            continue  # a link could point anywhere on the grader's machine
        if p.is_file() and p.suffix in (".py", ".ipynb"):
            paths.append(PurePosixPath(p.relative_to(folder).as_posix()))
    chosen = _pick(paths, assignment, "your submission")
    try:
        data = (folder / chosen).read_bytes()
    except OSError as e:
        raise Rejected(f"{chosen} could not be read ({e.strerror})") from None
    return decode_module(data, str(chosen))


def from_zip(path: Path, assignment: str) -> bytes:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise Rejected(f"your zip file could not be opened ({e})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_FILES:
            raise Rejected(f"your zip holds {len(infos)} files (at most {MAX_ZIP_FILES})")
        total = 0
        members = {}
        for info in infos:
            name = PurePosixPath(info.filename)
            if info.filename.startswith(("/", "\\")) or ".." in name.parts or ":" in info.filename:
                raise Rejected(f"your zip holds an unsafe path ({info.filename!r})")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise Rejected(f"your zip holds a symbolic link ({info.filename!r})")
            if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) and info.file_size > 1024**2:
                raise Rejected(f"your zip looks like a zip bomb ({info.filename!r} is compressed "
                               f"{info.file_size // max(info.compress_size, 1)}:1)")
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise Rejected(f"your zip unpacks to more than {MAX_ZIP_BYTES // 1024**2} MiB")
            if not info.is_dir() and "__MACOSX" not in name.parts:
                members[name] = info
        # A zip of a folder nests everything one level deeper: look through that folder.
        tops = {p.parts[0] for p in members if len(p.parts) > 1}
        strip = len(tops) == 1 and all(len(p.parts) > 1 for p in members)
        view = {PurePosixPath(*p.parts[1:]) if strip else p: p for p in members}
        chosen = _pick(list(view), assignment, "your zip")
        info = members[view[chosen]]
        if info.file_size > MAX_SOURCE_BYTES * 8:
            raise Rejected(f"{chosen} is too large")
        try:
            data = archive.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as e:
            raise Rejected(f"{chosen} could not be read from your zip ({e})") from None
    return decode_module(data, str(chosen))


def read_submission(entry: Path, assignment: str) -> bytes:
    if entry.is_dir():
        return from_folder(entry, assignment)
    if entry.suffix == ".zip":
        return from_zip(entry, assignment)
    try:
        data = entry.read_bytes()
    except OSError as e:
        raise Rejected(f"your file could not be read ({e.strerror})") from None
    return decode_module(data, entry.name)


def find_submissions(folder: Path, assignment: str) -> list[Found]:
    entries: dict[str, list[Path]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        # is_file() is true only for regular files: a FIFO named alice.py would block a read.
        if entry.is_dir() or (entry.is_file() and entry.suffix in (".py", ".ipynb", ".zip")):
            entries.setdefault(student_id(entry.stem if entry.is_file() else entry.name), []).append(entry)
    found = []
    for sid, paths in entries.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            found.append(Found(sid, error=f"several submissions map to the student id {sid!r} ({names}): "
                                          "keep exactly one"))
            continue
        try:
            found.append(Found(sid, read_submission(paths[0], assignment), origin=paths[0].name))
        except Rejected as e:
            found.append(Found(sid, error=str(e), origin=paths[0].name))
    return found


def check_source(path: Path) -> str:
    """Why this file cannot be graded, or '' when it can (used by the self-check)."""
    try:
        read_submission(path, path.stem)
    except Rejected as e:
        return str(e)
    return ""

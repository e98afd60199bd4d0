"""Finding each student's module in a folder of real-world submissions.

Accepted: ``SUBMISSIONS/<student>/...`` (the module anywhere up to one folder deep, as LMS
downloads nest it), ``<student>.py``, ``<student>.ipynb`` and ``<student>.zip``.

Every upload is one row, whatever it holds: ``find_submissions`` reads each one inside its own
guard, so any failure, of any kind, becomes that student's 0 with a message and the batch goes
on. Ids come from upload names (``student_ids``). One size limit holds on every route: a ``.py``,
a notebook before and after conversion, and a zip member, each read against that byte budget
(``unzip`` for zips, whatever their headers claim). Zips are never extracted to disk: their
listing is checked (no absolute or ``..`` paths, no links, bounded file count) and only the
module's bytes are read. Nothing here executes submission code.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from autograder.student_ids import assign_ids, student_id
from autograder.unzip import MemberError, read_member

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # the module, on every route
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a zip on disk: it bounds the listing zipfile builds in memory
MAX_FILES = 500  # in a zip, or in a folder and its subfolders
MAX_ZIP_BYTES = 50 * 1024 * 1024  # what a zip's listing may claim in all
MAX_ZIP_RATIO = 200
UPLOAD_SUFFIXES = (".py", ".ipynb", ".zip")

__all__ = ["Found", "Rejected", "check_source", "find_submissions", "read_guarded", "read_submission", "student_id"]


@dataclass
class Found:
    student: str
    source: bytes = b""
    error: str = ""
    origin: str = ""  # where the module came from, for messages
    note: str = ""  # why the id is not simply the upload's name, for the feedback

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source).hexdigest() if self.source and not self.error else ""

    def record(self) -> dict:
        """The student as a judge's job carries it (``judge.student_spec`` reads it back)."""
        # Intake checked the source is UTF-8 (a notebook was converted to it).
        return {"student": self.student, "source": "" if self.error else self.source.decode("utf-8"),
                "error": self.error, "sha256": self.sha256, "note": self.note}


class Rejected(Exception):
    """This submission cannot be graded; the message is for the student."""


def _size_message(name: str) -> str:
    return f"{name} is larger than {MAX_SOURCE_BYTES // 1024} KiB; submit only the module"


def decode_module(data: bytes, name: str) -> bytes:
    """The Python source to grade from a file's bytes (notebooks are converted), or Rejected."""
    if len(data) > MAX_SOURCE_BYTES:
        raise Rejected(_size_message(name) + (" (clear the notebook's outputs and save it again)"
                                             if name.endswith(".ipynb") else ""))
    if name.endswith(".ipynb"):
        from autograder.notebooks import notebook_to_source

        try:
            data = notebook_to_source(data).encode("utf-8")
        except ValueError as e:
            raise Rejected(f"{name} is not a readable Jupyter notebook ({e})") from None
        if len(data) > MAX_SOURCE_BYTES:
            raise Rejected(f"the code cells of {name} add up to more than {MAX_SOURCE_BYTES // 1024} KiB")
    if not data.strip():
        raise Rejected(f"{name} is empty")
    if b"\0" in data:
        raise Rejected(f"{name} is not a Python source file (it contains binary data)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Rejected(f"{name} is not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    return data


def _read_bounded(path: Path, limit: int, name: str) -> bytes:
    """At most ``limit`` bytes of a regular file, or Rejected: a 40 MB upload is never read whole."""
    try:
        with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NOFOLLOW | os.O_NONBLOCK)) as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise Rejected(f"{name} is not a regular file")
            data = f.read(limit + 1)
    except OSError as e:
        raise Rejected(f"{name} could not be read ({e.strerror})") from None
    if len(data) > limit:
        raise Rejected(_size_message(name))
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


def _listing(folder: Path) -> list[PurePosixPath]:
    """The Python files in a folder and its subfolders (the depth ``_pick`` looks at), links left out."""
    paths: list[PurePosixPath] = []
    seen = 0
    subfolders = [folder]
    while subfolders:  # the folder itself, then the subfolders found in it (never deeper)
        where = subfolders.pop(0)
        for entry in os.scandir(where):
            seen += 1  # counted before anything is kept: a million entries cost one pass, not a list
            if seen > MAX_FILES:
                raise Rejected(f"your submission holds more than {MAX_FILES} files: submit only the module")
            # A link could point anywhere on the grader's machine.
            if where == folder and entry.is_dir(follow_symlinks=False):
                subfolders.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False) and entry.name.endswith((".py", ".ipynb")):
                paths.append(PurePosixPath(Path(entry.path).relative_to(folder).as_posix()))
    return sorted(paths)


def from_folder(folder: Path, assignment: str) -> bytes:
    chosen = _pick(_listing(folder), assignment, "your submission")
    return decode_module(_read_bounded(folder / chosen, MAX_SOURCE_BYTES, str(chosen)), str(chosen))


def _check_listing(infos: list[zipfile.ZipInfo]) -> dict[PurePosixPath, zipfile.ZipInfo]:
    """The zip's files by path, once its listing is known to be safe; Rejected otherwise."""
    if len(infos) > MAX_FILES:
        raise Rejected(f"your zip holds {len(infos)} files (at most {MAX_FILES})")
    total = 0
    members = {}
    for info in infos:
        name = PurePosixPath(info.filename)
        if info.filename.startswith(("/", "\\")) or ".." in name.parts or ":" in info.filename:
            raise Rejected(f"your zip holds an unsafe path ({info.filename!r})")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise Rejected(f"your zip holds a symbolic link ({info.filename!r})")
        # What the headers claim, refused early; read_member holds whatever they claim.
        if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) and info.file_size > 1024**2:
            raise Rejected(f"your zip looks like a zip bomb ({info.filename!r} is compressed "
                           f"{info.file_size // max(info.compress_size, 1)}:1)")
        total += info.file_size
        if total > MAX_ZIP_BYTES:
            raise Rejected(f"your zip unpacks to more than {MAX_ZIP_BYTES // 1024**2} MiB")
        if not info.is_dir() and "__MACOSX" not in name.parts:
            members[name] = info
    return members


def from_zip(path: Path, assignment: str) -> bytes:
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise Rejected(f"your zip is larger than {MAX_UPLOAD_BYTES // 1024**2} MiB: zip only the module")
    with open(path, "rb") as raw:
        try:
            archive = zipfile.ZipFile(raw)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise Rejected(f"your zip file could not be opened ({e})") from None
        with archive:
            members = _check_listing(archive.infolist())
            # A zip of a folder nests everything one level deeper: look through that folder.
            tops = {p.parts[0] for p in members if len(p.parts) > 1}
            strip = len(tops) == 1 and all(len(p.parts) > 1 for p in members)
            view = {PurePosixPath(*p.parts[1:]) if strip else p: p for p in members}
            chosen = _pick(list(view), assignment, "your zip")
            try:
                data = read_member(raw, members[view[chosen]], MAX_SOURCE_BYTES)
            except MemberError as e:
                raise Rejected(f"{chosen} could not be read from your zip: {e}") from None
    return decode_module(data, str(chosen))


def read_submission(entry: Path, assignment: str) -> bytes:
    """The module to grade from one upload (a folder, a zip, a .py or a notebook), or Rejected."""
    if entry.is_symlink():
        raise Rejected(f"{entry.name} is a symbolic link, not an upload")
    if entry.is_dir():
        return from_folder(entry, assignment)
    if entry.suffix not in UPLOAD_SUFFIXES:
        raise Rejected(f"{entry.name} is not a .py, .ipynb or .zip file")
    if entry.suffix == ".zip":
        return from_zip(entry, assignment)
    return decode_module(_read_bounded(entry, MAX_SOURCE_BYTES, entry.name), entry.name)


def _is_upload(entry: Path) -> bool:
    """Everything in the folder is an upload except what file systems and tools leave there
    (``.DS_Store``, ``.git``, ``.ipynb_checkpoints``): hidden names that are not a module or a zip."""
    return not entry.name.startswith(".") or (entry.suffix in UPLOAD_SUFFIXES and not entry.is_dir())


def _id_source(entry: Path) -> str:
    return entry.stem if entry.suffix in UPLOAD_SUFFIXES and not entry.is_dir() else entry.name


def _unexpected(e: BaseException) -> str:
    return (f"your upload could not be read ({type(e).__name__}); nothing of it was graded. "
            "If it opens on your computer, tell your instructor")


def read_guarded(entry: Path, assignment: str) -> tuple[bytes, str]:
    """``(source, "")``, or ``(b"", why)`` for the student: the guard around one upload, whatever happens."""
    try:  # even the existence test is inside: stat() itself can fail (a folder without permission)
        if not entry.exists() and not entry.is_symlink():
            return b"", f"{entry} does not exist"
        return read_submission(entry, assignment), ""
    except Rejected as e:
        return b"", str(e)
    except Exception as e:  # noqa: BLE001 - whatever one upload does, the batch goes on
        return b"", _unexpected(e)


def find_submissions(folder: Path, assignment: str) -> list[Found]:
    """One ``Found`` per upload in ``folder``, never an exception for any one upload."""
    entries = sorted((e for e in folder.iterdir() if _is_upload(e)), key=lambda e: e.name)
    ids = assign_ids({e.name: _id_source(e) for e in entries})
    found = []
    for entry in entries:
        source, error = read_guarded(entry, assignment)
        sid = ids[entry.name]
        found.append(Found(sid.id, source, _text(error), origin=_text(entry.name), note=_text(sid.note)))
    return found


def _text(message: str) -> str:
    """A message that can be written as UTF-8: a file name that is not UTF-8 shows its bad bytes as ``?``."""
    return message.encode("utf-8", "replace").decode("utf-8")


def check_source(path: Path) -> str:
    """Why this file cannot be graded, or '' when it can (used by the handout's self-check)."""
    return read_guarded(path, path.stem)[1]

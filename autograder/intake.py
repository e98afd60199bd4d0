"""Finding each student's module in a folder of submissions.

Accepted layouts: ``SUBMISSIONS/<student>/<assignment>.py`` (also nested one level, as
LMS downloads are) and ``SUBMISSIONS/<student>.py``. A submission without a usable
module is still listed, with the reason, so it gets 0 and feedback instead of vanishing.
Submission files are only read as bytes here; nothing in them is executed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

MAX_SOURCE_BYTES = 2 * 1024 * 1024


@dataclass
class Found:
    student: str
    path: Path | None
    error: str = ""
    sha256: str = ""

    def job(self) -> dict:
        return {"student": self.student, "path": str(self.path) if self.path else "", "error": self.error,
                "sha256": self.sha256}


def student_id(name: str) -> str:
    """A file-system-safe id: letters, digits, ``._-@``; anything else becomes ``_``."""
    cleaned = re.sub(r"[^A-Za-z0-9._@-]", "_", name).strip("._") or "student"
    return cleaned[:100]


def _candidates(folder: Path, filename: str) -> list[Path]:
    found = [folder / filename] if (folder / filename).is_file() else []
    if not found:
        found = sorted(p for p in folder.glob(f"*/{filename}") if p.is_file())
    return found


def check_source(path: Path) -> str:
    """Why this file cannot be graded, or '' when it can."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return f"your file could not be read ({e.strerror})"
    if len(data) > MAX_SOURCE_BYTES:
        return f"your file is larger than {MAX_SOURCE_BYTES // 1024} KiB; submit only the module"
    if not data.strip():
        return "your file is empty"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"your file is not UTF-8 text (byte {e.start}); save it as UTF-8"
    return ""


def find_submissions(folder: Path, assignment: str) -> list[Found]:
    filename = f"{assignment}.py"
    found: dict[str, Found] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            sid = student_id(entry.name)
            candidates = _candidates(entry, filename)
            if not candidates:
                item = Found(sid, None, f"no {filename} found in your submission: name your module {filename}")
            elif len(candidates) > 1:
                names = ", ".join(str(p.relative_to(entry)) for p in candidates)
                item = Found(sid, None, f"more than one {filename} in your submission ({names}): submit exactly one")
            else:
                item = Found(sid, candidates[0])
        elif entry.suffix == ".py":
            item = Found(student_id(entry.stem), entry)
        else:
            continue
        if item.path is not None:
            item.error = check_source(item.path)
            if not item.error:
                item.sha256 = hashlib.sha256(item.path.read_bytes()).hexdigest()
        if item.student in found:
            item = Found(item.student, None, f"two submissions map to the student id {item.student!r}")
            found[item.student] = item
            continue
        found[item.student] = item
    return list(found.values())

"""Student ids from upload names: safe as file names, unique, and stable from run to run.

An id keeps the letters (of any script) and digits of the upload's name, and ``.``, ``_``, ``-``
and ``@`` between them; anything else becomes ``_``. Where that would make two uploads' ids equal
(ignoring case, as macOS and Windows file systems do), or leave one empty, each affected id gets
a short hash of its upload's full name, and both students' feedback says so. The hash depends on
the upload's own name only, so an id never changes because a classmate uploaded later.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

MAX_ID_BYTES = 120  # UTF-8 bytes: "<id>.json" and its temporary file stay far below a file name's 255
_BASE_BYTES = 100  # the part before a hash suffix
_UNSAFE = re.compile(r"[^\w.@-]")
_EDGES = "._-@"  # never first or last: a hidden file, a command-line option, a spreadsheet formula


@dataclass(frozen=True)
class StudentId:
    id: str
    note: str = ""  # for the student's feedback when the id is not simply their upload's name


def _truncate(text: str, max_bytes: int) -> str:
    while len(text.encode("utf-8")) > max_bytes:
        text = text[:-1]
    return text


def student_id(name: str) -> str:
    """The safe form of a name (see the module docstring); ``""`` when nothing of it is left."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(_EDGES)
    return _truncate(cleaned, MAX_ID_BYTES).strip(_EDGES)


def _suffixed(base: str, upload: str, digits: int) -> str:
    digest = hashlib.sha256(upload.encode("utf-8", "surrogateescape")).hexdigest()[:digits]
    base = _truncate(base, _BASE_BYTES).strip(_EDGES)
    return f"{base}-{digest}" if base else f"student-{digest}"


def assign_ids(uploads: dict[str, str]) -> dict[str, StudentId]:
    """``{upload's full name: the name the id comes from}`` to each upload's unique ``StudentId``."""
    plain = {upload: student_id(name) for upload, name in uploads.items()}
    groups: dict[str, list[str]] = defaultdict(list)
    for upload, sid in plain.items():
        groups[sid.casefold()].append(upload)
    assigned: dict[str, StudentId] = {}
    for members in groups.values():
        sid = plain[members[0]]
        if len(members) == 1 and sid:
            assigned[members[0]] = StudentId(sid)
            continue
        # One upload named exactly like the id keeps it; every other one is told why its id differs.
        exact = [m for m in members if uploads[m] == sid and sid]
        keeps = exact[0] if len(exact) == 1 else None
        others = ", ".join(sorted(members))
        for upload in members:
            if upload == keeps:
                assigned[upload] = StudentId(sid, f"your upload {upload} and {others} map to the id {sid!r}: "
                                                  f"yours keeps it, the others get a suffix")
            elif not sid:
                assigned[upload] = StudentId(_suffixed("", upload, 6),
                                             f"the name of your upload {upload} has no letter or digit, "
                                             "so it is graded under a made-up id")
            else:
                new = _suffixed(sid, upload, 6)
                assigned[upload] = StudentId(new, f"the uploads {others} would all be graded as {sid!r}: "
                                                  f"yours ({upload}) is graded as {new!r}")
    # A suffixed id could equal another upload's plain one: lengthen its hash until every id is unique.
    taken: dict[str, str] = {}
    for upload in sorted(assigned):
        current = assigned[upload]
        digits = 6
        while current.id.casefold() in taken:
            digits += 2
            new = _suffixed(plain[upload], upload, digits)
            current = StudentId(new, f"{current.note}; made longer, as {new!r}, to be unique".lstrip("; "))
        taken[current.id.casefold()] = upload
        assigned[upload] = current
    return assigned

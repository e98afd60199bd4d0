"""Fuzzing intake: whatever a folder of uploads holds, every upload is one row and nothing escapes.

Derandomised, with a fixed number of examples: the same inputs on every run, well under a minute.
"""

from __future__ import annotations

import json
import os
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.assignments import Assignment
from autograder.intake import UPLOAD_SUFFIXES, find_submissions
from autograder.student_ids import student_id
from tests.uploads import METHODS, make_zip

ASSIGNMENT = Assignment("linear_regression")
REFERENCE = ASSIGNMENT.solution.read_bytes()
NAME = ASSIGNMENT.filename
MEMORY_BUDGET = 256 * 1024**2  # what intake may hold at once, whatever an upload is

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
# A value of every JSON type, so each field meets each wrong one.
wrong_types = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=5),
                        st.lists(json_values, max_size=3),
                        st.dictionaries(st.text(max_size=5), json_values, max_size=3))


FIELDS = ["cells", "metadata", "nbformat", "nbformat_minor", "worksheets",
          "cells.0", "cells.0.cell_type", "cells.0.source", "cells.0.metadata", "cells.0.metadata.nbgrader"]


def _valid_notebook() -> dict:
    return {"cells": [{"cell_type": "code", "source": REFERENCE.decode(), "metadata": {}, "outputs": []}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def with_field(field: str, value: object) -> bytes:
    """A valid notebook whose ``field`` (a dotted path) holds ``value`` instead."""
    nb = _valid_notebook()
    *path, last = field.split(".")
    holder = nb
    for part in path:
        holder = holder[int(part)] if part.isdigit() else holder[part]
    holder[int(last) if last.isdigit() else last] = value
    return json.dumps(nb).encode()


@st.composite
def odd_notebooks(draw) -> bytes:
    kind = draw(st.sampled_from(["deep", "huge", "bytes", "text"]))
    if kind == "deep":
        depth = draw(st.integers(1, 200_000))
        return b'{"cells": ' + b"[" * depth + b"]" * depth + b', "nbformat": 4}'
    if kind == "huge":
        nb = _valid_notebook()
        nb["cells"][0]["source"] = "x = 1\n" * draw(st.integers(300_000, 500_000))
        return json.dumps(nb).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    return json.dumps(draw(json_values)).encode()


@st.composite
def zips(draw) -> bytes:
    paths = st.sampled_from([NAME, f"hw/{NAME}", "other.py", "../evil.py", "__MACOSX/x.py", "a/b/c.py", "x.ipynb"])
    contents = st.sampled_from([REFERENCE, b"", b"\0\xff" * 50, "é".encode("latin-1") * 10])
    members = draw(st.dictionaries(paths, contents, min_size=1, max_size=4))
    data = make_zip(members, draw(st.sampled_from(METHODS)))
    kind = draw(st.sampled_from(["valid", "truncated", "corrupted", "lying", "nested", "many"]))
    if kind == "truncated":
        data = data[:draw(st.integers(0, len(data) - 1))]
    elif kind == "corrupted":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at + 16:]
    elif kind == "lying":
        # Every "uncompressed size" field, local and central, claims another number.
        claim = struct.pack("<I", draw(st.integers(0, 2**32 - 1)))
        out = bytearray(data)
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            start = out.find(signature)
            while start >= 0:
                out[start + offset:start + offset + 4] = claim
                start = out.find(signature, start + 4)
        data = bytes(out)
    elif kind == "nested":
        data = make_zip({"inner.zip": data, "readme.txt": b"see inner.zip"})
    elif kind == "many":
        data = make_zip({f"f{i}.py": b"x = 1\n" for i in range(draw(st.integers(400, 600)))}, zipfile.ZIP_STORED)
    return data


file_names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1,
                     max_size=30).filter(lambda s: s not in (".", "..") and len(s.encode()) <= 200)
SETTINGS = settings(max_examples=80, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


def _expected_rows(folder: Path) -> int:
    """Every entry, except hidden names that are not a module or a zip (as intake documents)."""
    return sum(1 for p in folder.iterdir()
               if not p.name.startswith(".") or (p.suffix in UPLOAD_SUFFIXES and not p.is_dir()))


def _intake(folder: Path) -> list:
    """find_submissions, checked: one row per upload, unique safe ids, memory bounded, the classmate exact."""
    tracemalloc.start()
    try:
        found = find_submissions(folder, ASSIGNMENT.name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(found) == _expected_rows(folder)
    ids = [f.student for f in found]
    assert len({i.casefold() for i in ids}) == len(ids), ids
    assert all(i and student_id(i) == i for i in ids), ids
    assert all((f.error == "") == bool(f.source) for f in found)
    assert peak < MEMORY_BUDGET, f"intake held {peak >> 20} MiB at once"
    [honest] = [f for f in found if f.origin == "honest.py"]
    assert honest.student == "honest" and honest.source == REFERENCE and not honest.error
    return found


def _folder(tmp_path_factory, suffix: str = "", uploads: list[bytes] = ()) -> Path:
    """A fresh folder: the honest classmate, and ``upload<k><suffix>`` holding each of ``uploads``."""
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "honest.py").write_bytes(REFERENCE)
    for k, data in enumerate(uploads):
        (folder / f"upload{k}{suffix}").write_bytes(data)
    return folder


@SETTINGS
@given(st.lists(zips(), min_size=1, max_size=3))
def test_zips(tmp_path_factory, archives):
    _intake(_folder(tmp_path_factory, ".zip", archives))


@pytest.mark.parametrize("field", FIELDS)
@settings(SETTINGS, max_examples=25)
@given(value=wrong_types)
def test_notebook_fields_of_every_type(tmp_path_factory, field, value):
    _intake(_folder(tmp_path_factory, ".ipynb", [with_field(field, value)]))


@SETTINGS
@given(st.lists(odd_notebooks(), min_size=1, max_size=3))
def test_odd_notebooks(tmp_path_factory, documents):
    _intake(_folder(tmp_path_factory, ".ipynb", documents))


@SETTINGS
@given(st.lists(st.tuples(file_names, st.sampled_from(UPLOAD_SUFFIXES + ("", ".txt", "/"))), min_size=1,
                max_size=6))
def test_file_names(tmp_path_factory, names):
    folder = _folder(tmp_path_factory)
    for name, suffix in names:
        target = folder / (name + (suffix if suffix != "/" else ""))
        if target.exists():
            continue  # the same name drawn twice is one upload
        if suffix == "/":
            target.mkdir()
            (target / NAME).write_bytes(REFERENCE)
        elif suffix == ".zip":
            target.write_bytes(make_zip({NAME: REFERENCE}))
        else:
            target.write_bytes(REFERENCE)
    found = _intake(folder)
    assert all(f.error == "" for f in found if f.origin.endswith((".py", ".zip")) or (folder / f.origin).is_dir())


@SETTINGS
@given(st.lists(st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\0" not in b
                                                          and b not in (b".", b"..")), min_size=1, max_size=6))
def test_file_names_that_are_not_utf8(tmp_path_factory, names):
    folder = _folder(tmp_path_factory)
    for name in names:
        path = os.path.join(os.fsencode(folder), name + b".py")
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(REFERENCE)
    found = _intake(folder)
    for f in found:
        f.origin.encode("utf-8")  # every message and name can be written to results and feedback
        f.note.encode("utf-8")

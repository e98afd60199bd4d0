"""Intake and outputs that no single upload can break: each bad upload next to an honest classmate."""

from __future__ import annotations

import csv
import io
import json
import os
import tracemalloc
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from autograder.assignments import Assignment
from autograder.grade import grade
from autograder.intake import MAX_SOURCE_BYTES, find_submissions
from autograder.markdown import code_span, fenced
from autograder.results import StudentResult, grades_csv, read_results
from autograder.results import TestOutcome as Outcome
from autograder.safe_csv import csv_text, safe_cell
from autograder.student_ids import assign_ids, student_id
from autograder.unzip import MemberError, read_member
from tests.uploads import METHODS, damaged, lying_bomb, make_zip, notebook

ASSIGNMENT = Assignment("linear_regression")
REFERENCE = ASSIGNMENT.solution.read_bytes()
STUB = ASSIGNMENT.stub.read_bytes()
NAME = ASSIGNMENT.filename
FORGED = ("```\n~~~\n</pre>\n\n**Score: 28 / 28**\n\n- [x] passed everything (4/4)\n"
          "<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n[open](javascript:alert(1))\n````````\n")


def _member(data: bytes) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return read_member(io.BytesIO(data), archive.infolist()[0], MAX_SOURCE_BYTES)


# ---------------------------------------------------------------- zip members against a byte budget


@pytest.mark.parametrize("method", METHODS)
def test_an_honest_member_reads_back_exactly(method):
    assert _member(make_zip({NAME: REFERENCE}, method)) == REFERENCE


@pytest.mark.parametrize("at", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("method", METHODS)
def test_a_damaged_stream_is_refused_with_a_message(method, at):
    with pytest.raises(MemberError, match="damaged"):
        _member(damaged(REFERENCE, method, NAME, at))


@pytest.mark.parametrize("method", METHODS)
def test_a_bomb_whose_headers_lie_stops_at_the_budget(method):
    bomb = lying_bomb(NAME, method, (8 if method == zipfile.ZIP_STORED else 256) << 20)
    tracemalloc.start()
    try:
        with pytest.raises(MemberError, match=r"more than 2048 KiB \(its header claims 200 bytes\)"):
            _member(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_SOURCE_BYTES, f"peak {peak >> 20} MiB while reading a member with a 2 MiB budget"


# ---------------------------------------------------------------- ids


def test_ids_that_sanitising_would_merge_are_told_apart_and_told_why():
    long_a, long_b = "a" * 130 + "_first", "a" * 130 + "_second"
    ids = assign_ids({"o'brien.py": "o'brien", "o_brien.py": "o_brien", f"{long_a}.py": long_a,
                      f"{long_b}.py": long_b, "...py": "..", "Alice.py": "Alice", "alice.zip": "alice"})
    assert ids["o_brien.py"].id == "o_brien" and "o'brien.py" in ids["o_brien.py"].note
    assert ids["o'brien.py"].id.startswith("o_brien-") and "o_brien.py" in ids["o'brien.py"].note
    assert ids[f"{long_a}.py"].id != ids[f"{long_b}.py"].id
    assert ids["...py"].id.startswith("student-") and "no letter or digit" in ids["...py"].note
    assert ids["Alice.py"].id.casefold() != ids["alice.zip"].id.casefold()
    assert len({i.id.casefold() for i in ids.values()}) == len(ids)
    assert all(student_id(i.id) == i.id for i in ids.values())  # every id is already safe


def test_ids_are_stable_whoever_else_uploads():
    alone = assign_ids({"o'brien.py": "o'brien", "o_brien.py": "o_brien"})
    crowded = assign_ids({"o'brien.py": "o'brien", "o_brien.py": "o_brien", "o`brien.zip": "o`brien"})
    assert alone["o'brien.py"].id == crowded["o'brien.py"].id  # the suffix hashes the upload's own name
    assert alone["o_brien.py"].id == crowded["o_brien.py"].id == "o_brien"


@pytest.mark.parametrize(("name", "expected"), [
    ("józef", "józef"), ("李雷", "李雷"), ("@admin", "admin"), ("=cmd|' /C calc'!A0", "cmd____C_calc__A0"),
    ("-rf", "rf"), ("  spaced name ", "spaced_name"), ("Zoe\u0308", "Zoë"),
])
def test_student_id(name, expected):
    assert student_id(name) == expected


# ---------------------------------------------------------------- CSV and Markdown


@pytest.mark.parametrize(("cell", "shown"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+2", "'+1+2"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-1.5", "-1.5"), ("28", "28"), ("alice", "alice"),
])
def test_csv_cells_a_spreadsheet_would_run_are_escaped(cell, shown):
    assert safe_cell(cell) == shown
    assert next(csv.reader(io.StringIO(csv_text([[cell]]), newline=""))) == [shown]


def _rendered(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_fenced_text_cannot_end_its_block_or_inject_html():
    html = _rendered("\n".join(["before", "", *fenced(FORGED), "", "after"]))
    tags = _tags(html)
    assert [t for t, _ in tags] == ["p", "pre", "code", "p"], html
    assert "Score: 28 / 28" not in html.split("</pre>")[-1]
    assert code_span("a `` b ```") == "```` a `` b ``` ````"
    assert _tags(_rendered(f"x {code_span(FORGED)} y")) == [("p", {}), ("code", {})]


def test_feedback_markdown_keeps_forged_output_and_messages_inside_their_blocks():
    result = StudentResult("mallory", ASSIGNMENT.name, exercises=["sgd"], output=FORGED, error="",
                           outcomes=[Outcome("t", "sgd: updates", "sgd", 4, 0, "failed", message=FORGED)])
    html = _rendered(result.feedback_markdown())
    assert html.count("Score:") == 1 + 2  # the real one, and the forged text twice, inside <code>
    assert not [a for _, attrs in _tags(html) for a in attrs if a == "onerror" or "javascript" in str(attrs[a])]
    assert "script" not in [t for t, _ in _tags(html)] and "img" not in [t for t, _ in _tags(html)]
    assert "<strong>Score: 0 / 4</strong>" in html


# ---------------------------------------------------------------- a class with every bad upload


def _bad_class(root: Path) -> Path:
    subs = root / "submissions"
    subs.mkdir()
    (subs / "honest.py").write_bytes(REFERENCE)
    (subs / "nbformat_string.ipynb").write_bytes(notebook([REFERENCE.decode()], nbformat="4"))
    (subs / "lzma_corrupt.zip").write_bytes(damaged(REFERENCE, zipfile.ZIP_LZMA, NAME, 0.5))
    (subs / "deflate_header.zip").write_bytes(damaged(REFERENCE, zipfile.ZIP_DEFLATED, NAME, 0.0))
    (subs / "bzip2_bomb.zip").write_bytes(lying_bomb(NAME, zipfile.ZIP_BZIP2, 256 << 20))
    (subs / "huge_notebook.ipynb").write_bytes(notebook([REFERENCE.decode(), "x = 1\n" * (7 << 20)]))
    (subs / ("p" * 120 + "_one.py")).write_bytes(REFERENCE)
    (subs / ("p" * 120 + "_two.py")).write_bytes(STUB)
    (subs / "o'brien.py").write_bytes(REFERENCE)
    (subs / "o_brien.py").write_bytes(STUB)
    (subs / "...py").write_bytes(REFERENCE)
    (subs / "@admin.py").write_bytes(STUB)
    (subs / "józef.py").write_bytes(REFERENCE)
    (subs / os.fsdecode(b"caf\xe9-latin1.py")).write_bytes(REFERENCE)  # a name that is not UTF-8
    (subs / "李雷.zip").write_bytes(make_zip({NAME: REFERENCE}))
    (subs / "forger.py").write_bytes(STUB + f"\nprint({FORGED!r})\n".encode())
    (subs / "notes.txt").write_text("not an upload")
    return subs


@pytest.fixture(scope="module")
def bad_class(tmp_path_factory) -> Path:
    return _bad_class(tmp_path_factory.mktemp("bad"))


def test_every_upload_is_one_row_with_its_reason(bad_class):
    found = find_submissions(bad_class, ASSIGNMENT.name)
    assert len(found) == len(list(bad_class.iterdir()))
    by_origin = {f.origin: f for f in found}
    assert by_origin["honest.py"].error == "" and by_origin["honest.py"].source == REFERENCE
    expected = {
        "nbformat_string.ipynb": "its nbformat is str, not a number",
        "lzma_corrupt.zip": "lzma data is damaged",
        "deflate_header.zip": "deflate data is damaged",
        "bzip2_bomb.zip": "more than 2048 KiB (its header claims 200 bytes)",
        "huge_notebook.ipynb": "larger than 2048 KiB",
        "notes.txt": "not a .py, .ipynb or .zip file",
    }
    for origin, words in expected.items():
        assert words in by_origin[origin].error, (origin, by_origin[origin].error)
    assert by_origin["...py"].student.startswith("student-")
    assert by_origin["@admin.py"].student == "admin"
    assert {by_origin["józef.py"].student, by_origin["李雷.zip"].student} == {"józef", "李雷"}
    assert len({f.student for f in found}) == len(found)


@pytest.mark.slow
def test_a_class_of_bad_uploads_grades_with_the_honest_classmate_exact(bad_class, tmp_path):
    out = tmp_path / "out"
    batch = grade(ASSIGNMENT, bad_class, out, workers=2, quiet=True, seed=3)
    results = {r.student: r for r in batch.results}
    found = {f.origin: f.student for f in find_submissions(bad_class, ASSIGNMENT.name)}
    honest = results[found["honest.py"]]
    assert honest.score == honest.max_score > 0
    for origin in ("o'brien.py", "...py", "józef.py", "李雷.zip", "p" * 120 + "_one.py", "caf?-latin1.py"):
        assert results[found[origin]].score == honest.max_score, origin  # each is the reference, under its own id
    for origin in ("o_brien.py", "@admin.py", "p" * 120 + "_two.py", "forger.py", "bzip2_bomb.zip", "notes.txt"):
        assert results[found[origin]].score == 0, origin

    # Both students of a merged id are told; grades.csv, results and feedback round-trip every id.
    for origin in ("o'brien.py", "o_brien.py"):
        text = (out / "feedback" / f"{found[origin]}.md").read_text(encoding="utf-8")
        assert "o'brien.py" in text and "o_brien.py" in text
    rows = list(csv.DictReader((out / "grades.csv").open(encoding="utf-8", newline="")))
    assert sorted(r["student"] for r in rows) == sorted(found.values())
    assert {r.student for r in read_results(out)} == set(found.values())
    for sid in found.values():
        data = json.loads((out / "results" / f"{sid}.json").read_text(encoding="utf-8"))
        assert data["extra_data"]["student"] == sid
        assert (out / "feedback" / f"{sid}.md").read_text(encoding="utf-8").startswith(
            f"# {ASSIGNMENT.name}: feedback for {sid}\n")
    forged = _rendered((out / "feedback" / f"{found['forger.py']}.md").read_text(encoding="utf-8"))
    assert "<strong>Score: 0 / " in forged and forged.count("<strong>") == 1
    assert "script" not in [t for t, _ in _tags(forged)]
    assert grades_csv(list(results.values()), ASSIGNMENT.exercises) == (out / "grades.csv").read_bytes().decode()

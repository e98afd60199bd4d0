"""The similarity section: planted near-copies are found, independently written solutions are not paired."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest

from autograder import similarity
from autograder.assignments import ROOT, Assignment
from autograder.report import similarity_page
from tests.near_copies import TRANSFORMS

LR = Assignment("linear_regression")
STUB = LR.stub.read_text(encoding="utf-8")
BOILERPLATE = [STUB, *similarity.book_sources(LR)]
INDEPENDENT = {p.stem: p.read_text(encoding="utf-8")
               for p in sorted((ROOT / "tests" / "independent" / "linear_regression").glob("*.py"))}


def generated_class() -> dict[str, str]:
    """The independently written solutions, and near-copies of one of them made as a student hides a copy."""
    sources = dict(INDEPENDENT)
    for name, transform in TRANSFORMS.items():
        sources[f"{name}_copy_of_student_2"] = transform(INDEPENDENT["student_2"])
    return sources


def own(sources: dict[str, str]) -> dict[str, str]:
    return {s: similarity.own_code(text, STUB, s) for s, text in sources.items()}


def test_the_independent_solutions_are_correct_and_written_apart():
    assert len(INDEPENDENT) >= 4
    for text in INDEPENDENT.values():
        assert "NotImplementedError" not in text
    # That they get full marks is shown end to end: test_grading_lists_the_copies_in_the_report.


def test_planted_near_copies_are_found_and_no_independent_pair_is():
    pairs, qualified = similarity.compare(own(generated_class()), BOILERPLATE)
    listed = {frozenset((p.a, p.b)) for p in pairs}
    assert {frozenset((f"{name}_copy_of_student_2", "student_2")) for name in TRANSFORMS} <= listed
    independent = {frozenset(pair) for pair in itertools.combinations(INDEPENDENT, 2)}
    assert not listed & independent
    assert all(p.share >= similarity.THRESHOLD and p.shared >= similarity.MIN_SHARED for p in pairs)
    assert len(qualified) == len(pairs)  # under the listing limit


def test_the_screen_measures_what_copydetect_measures():
    from copydetect import compare_files

    code = own(generated_class())
    common = similarity._boilerplate_hashes(BOILERPLATE)
    prints = {s: similarity._fingerprint(text, common) for s, text in code.items()}
    plain = {s: similarity._Positions(f) for s, f in prints.items()}
    runs = {s: similarity._Positions(f, similarity.separator(s)) for s, f in prints.items()}
    for a, b in itertools.combinations(sorted(prints), 2):
        shared, (share_a, _), _ = compare_files(prints[a], prints[b])
        assert plain[a].shared_tokens(plain[b]) == shared, (a, b)  # the same measure, vectorised
        assert plain[a].coverage == prints[a].token_coverage and abs(shared / plain[a].coverage - share_a) < 1e-9
        # Within runs only: less, never more, on both sides of the fraction.
        assert runs[a].shared_tokens(runs[b]) <= shared and runs[a].coverage <= plain[a].coverage
        assert runs[a].shared_tokens(runs[b]) <= runs[a].coverage


def test_an_exact_copy_shares_all_of_its_code():
    sources = {"ada": INDEPENDENT["student_3"], "alan": INDEPENDENT["student_3"]}
    pairs, _ = similarity.compare(own(sources), BOILERPLATE)
    assert [(p.share_a, p.share_b) for p in pairs] == [(1.0, 1.0)]


def test_following_the_book_or_leaving_the_stub_is_not_copying():
    book = "\n".join(similarity.book_sources(LR))
    sources = {"untouched_1": STUB, "untouched_2": STUB, "book_1": STUB + "\n" + book, "book_2": STUB + "\n" + book}
    pairs, _ = similarity.compare(own(sources), BOILERPLATE)
    assert pairs == []


def test_the_same_class_gives_the_same_pairs_whatever_the_hash_seed():
    script = ("import json, sys; from tests.test_similarity import generated_class, own, BOILERPLATE; "
              "from autograder import similarity; pairs, _ = similarity.compare(own(generated_class()), BOILERPLATE); "
              "print(json.dumps([[p.a, p.b, p.share_a, p.share_b, p.shared, p.slices_a] for p in pairs]))")
    seen = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        seen.add(proc.stdout)
    assert len(seen) == 1 and json.loads(seen.pop())


def test_a_failure_is_recorded_and_never_raised(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(similarity, "compare", broken)
    found = similarity.update(tmp_path, LR, {"ada": STUB + "\nx = 1\n", "alan": STUB})
    assert found.error == "RecursionError: maximum recursion depth exceeded"
    assert similarity.read(tmp_path).error == found.error


def test_one_submission_or_a_kit_without_the_stub_is_no_error(tmp_path, monkeypatch):
    assert similarity.update(tmp_path / "one", LR, {"ada": STUB}).error == ""  # Gradescope: one at a time
    monkeypatch.setattr(Assignment, "stub", property(lambda self: tmp_path / "missing.py"))
    found = similarity.update(tmp_path / "two", LR, {"ada": STUB, "alan": STUB})
    assert found.error.startswith("FileNotFoundError") and found.pairs == []


def test_an_upload_at_the_size_limit_is_compared_on_a_bounded_part():
    huge = STUB + ("x = [" + "1, " * 100 + "]\n") * 6000  # 1.8 MB of tokens: half a minute to tokenise whole
    own = similarity.own_code(huge, STUB, "ada")
    assert len(own) <= similarity.MAX_OWN_CHARS and own.endswith("]\n")
    similarity.compare({"ada": own, "alan": similarity.own_code(huge, STUB, "alan")}, BOILERPLATE)  # no error


def test_odd_uploads_are_compared_without_error(tmp_path):
    short_runs = STUB.replace("raise NotImplementedError(", "x = 1\nraise NotImplementedError(")  # each run < K
    sources = {"binaryish": "\x00\x01 def (((\n" * 2000, "unclosed": 'x = """' + "a" * 5000, "empty": "",
               "short_1": short_runs, "short_2": short_runs, **generated_class()}
    found = similarity.update(tmp_path, LR, sources)
    assert found.error == "" and found.compared == len(sources) and found.pairs
    for pair in found.pairs:
        assert (tmp_path / similarity.PAGES / pair.page).is_file()
    again = similarity.update(tmp_path, LR, sources)  # unchanged: read back, not recomputed
    assert again.seconds == found.seconds and [p.page for p in again.pairs] == [p.page for p in found.pairs]


def test_the_side_by_side_page_escapes_the_code_and_marks_what_is_shared():
    pair = similarity.Pair("ada", "alan", 1.0, 0.5, 200, slices_a=((0, 16),), slices_b=((4, 20),))
    cut = similarity.separator("ada")
    page = similarity_page("linear_regression", pair, f"<script>alert(1)</script>\n{cut}\nrest",
                           "abc <script>alert(1)</script>", (cut, similarity.separator("alan")))
    assert "<script>alert" not in page and cut not in page
    assert "<mark>&lt;script&gt;alert(1)</mark>&lt;/script&gt;\n\u22ef\nrest" in page
    assert "abc <mark>&lt;script&gt;alert(1)</mark>&lt;/script&gt;" in page
    assert "100% of what <b>ada</b> wrote also appears" in page


@pytest.mark.slow
def test_grading_lists_the_copies_in_the_report(tmp_path):
    from autograder.grade import grade
    from tests.test_report import Page

    folder = tmp_path / "class"
    folder.mkdir()
    for student, text in generated_class().items():
        (folder / f"{student}.py").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    batch = grade(LR, folder, out, workers=2, quiet=True)
    assert {r.student: r.score for r in batch.results if r.student in INDEPENDENT} == \
        dict.fromkeys(INDEPENDENT, batch.results[0].max_score)
    page = Page((out / "report.html").read_text(encoding="utf-8"))
    links = [h for h in page.hrefs if h.startswith("similarity/")]
    assert "similarity/disguised_copy_of_student_2--student_2.html" in links
    assert not any("student_1" in h or "student_3" in h or "student_4" in h for h in links)
    for href in links:
        assert (out / href).is_file()

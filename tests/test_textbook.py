"""The book's code the judge substitutes is real code that earns full marks where the reference does."""

from __future__ import annotations

import ast

import pytest

from autograder.assignments import Assignment, all_assignments
from autograder.grade import grade


@pytest.mark.parametrize("name", [a.name for a in all_assignments()])
def test_each_book_version_is_an_exercise_of_the_solution_and_valid_code(name):
    assignment = Assignment(name)
    book = assignment.textbook
    assert book, f"{name} has no book versions"
    for exercise, source in book.items():
        assert exercise in assignment.exercises, exercise
        defined = {n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        assert exercise in defined, (exercise, defined)


@pytest.mark.slow
@pytest.mark.parametrize("name", [a.name for a in all_assignments()])
def test_the_reference_with_any_book_version_in_its_place_gets_full_marks(name, tmp_path):
    """What a check is given in place of an exercise must itself pass that exercise's checks: else one
    student's correct code would be judged against a broken stand-in."""
    assignment = Assignment(name)
    solution = assignment.solution.read_text(encoding="utf-8")
    folder = tmp_path / "subs"
    folder.mkdir()
    for exercise, source in assignment.textbook.items():
        # Defined after the reference's own: at import, the book's version is the one the module holds.
        (folder / f"book_{exercise}.py").write_text(solution + "\n\n# the book's version\n" + source,
                                                    encoding="utf-8")
    batch = grade(assignment, folder, tmp_path / "out", workers=2, quiet=True)
    for r in batch.results:
        assert r.score == r.max_score, (r.student, [(o.name, o.message) for o in r.outcomes if o.earned < o.points])

"""The validator: an assignment as authored, with each problem said where it is and what to do."""

from __future__ import annotations

import sys

import pytest

from autograder import assignments, validate
from autograder.assignments import Assignment, all_assignments
from autograder.validate import BEGIN_TABLE, END_TABLE, points_table, problems, write_table

SOLUTION = '''"""Toy."""


def double(x):
    """2 * x."""
    ### BEGIN SOLUTION
    return x * 2
    ### END SOLUTION


def relu(x):
    """max(x, 0)."""
    ### BEGIN SOLUTION
    return x.clamp(min=0)
    ### END SOLUTION
'''

HIDDEN = '''from autograder.plugin import exercise


@exercise("double", points=2)
def test_double(sub):
    """doubles"""


@exercise("dobule", points=1)
def test_misspelt(sub):
    """a misspelt exercise"""


@exercise("relu", points=0)
def test_worth_nothing(sub):
    """worth nothing"""


def test_unmarked(sub):
    """no mark"""


@exercise("relu", points=1, builds_on=("softmax",))
def test_builds_on_nothing(sub):
    """builds on an exercise that does not exist"""
'''

PUBLIC = '''from autograder.plugin import exercise


@exercise("double")
def test_double_small(sub):
    """doubles 1"""
'''

CATALOGUE = '''from autograder.mistakes import mistake

MISTAKES = [mistake("double_adds", "double", ("x * 2", "x + 2"), cause="x + 2 adds 2: return x * 2")]
ALTERNATIVES = []
'''


@pytest.fixture
def toy(tmp_path, monkeypatch):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "toy.py").write_text(SOLUTION)
    suites = tmp_path / "autograder" / "suites"
    for part, text in (("hidden", HIDDEN), ("public", PUBLIC)):
        (suites / "toy" / part).mkdir(parents=True)
        (suites / "toy" / part / "test_toy.py").write_text(text)
    (suites / "toy" / "mistakes.py").write_text(CATALOGUE)
    (tmp_path / "assignments" / "toy").mkdir(parents=True)
    (tmp_path / "assignments" / "toy" / "README.md").write_text(f"# Toy\n\n{BEGIN_TABLE}\n| stale |\n{END_TABLE}\n")
    for module in (assignments, validate):
        monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(assignments, "SUITES", suites)
    monkeypatch.setitem(sys.modules, "autograder.suites.toy.mistakes", _module_from(suites / "toy" / "mistakes.py"))
    return Assignment("toy")


def _module_from(path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("autograder.suites.toy.mistakes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", [a.name for a in all_assignments()])
def test_every_assignment_of_the_kit_is_valid(name):
    assert problems(Assignment(name)) == []


def test_each_problem_is_named_where_it_is(toy):
    found = problems(toy)
    hidden = "autograder/suites/toy/hidden/test_toy.py"
    assert found == [
        f"{hidden}:10: test_misspelt is marked for 'dobule', which is not an exercise of toy (double, relu)",
        f"{hidden}:15: test_worth_nothing is worth 0 points; a check is worth more than 0",
        f"{hidden}:19: test_unmarked has 0 @exercise(...) marks, needs exactly one",
        f"{hidden}:24: test_builds_on_nothing builds on 'softmax', which is not another exercise of toy",
        "toy: `relu` has no public check (in autograder/suites/toy/public)",
        "toy: `relu` has no catalogued mistake (in autograder/suites/toy/mistakes.py): nothing shows that its "
        "checks catch one",
        "assignments/toy/README.md: the points table is not what the suite awards: run "
        "`python -m autograder validate --write`",
    ]


def test_the_points_table_is_generated_from_the_suite(toy):
    assert points_table(toy) == "\n".join([
        "| exercise | points | what |", "| --- | ---: | --- |",
        "| `double` | 2 | 2 * x. |", "| `relu` | 1 | max(x, 0). |",  # test_worth_nothing adds 0
        "| **total** | **3** | |",
    ])
    assert write_table(toy)
    text = (validate.readme_path(toy)).read_text()
    assert text.startswith("# Toy\n\n") and points_table(toy) in text and "| stale |" not in text
    assert not any("points table" in p for p in problems(toy))
    validate.readme_path(toy).write_text("# Toy without markers\n")
    assert not write_table(toy)


def test_a_mark_that_is_not_literal_is_refused(toy):
    hidden = toy.suite(True) / "test_toy.py"
    hidden.write_text('from autograder.plugin import exercise\n\nNAME = "double"\n\n\n'
                      '@exercise(NAME)\ndef test_double(sub):\n    """doubles"""\n')
    assert problems(toy)[0] == ("autograder/suites/toy/hidden/test_toy.py:7: test_double @exercise(...) needs "
                                "literal arguments: a name, points=NUMBER, builds_on=(NAMES)")

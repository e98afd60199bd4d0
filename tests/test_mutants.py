"""The mutant maker: the changes it makes, only where students write code, and each one a valid module."""

from __future__ import annotations

import json

import pytest

from autograder import audit as audit_module
from autograder.assignments import Assignment, all_assignments
from autograder.audit import Audit, AuditError, Verdict, equivalents
from autograder.mutants import mutants, solution_lines

SOURCE = '''"""A toy."""

import torch

LIMIT = 3


def sgd(params, lr, batch_size):
    """Step."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
    ### END SOLUTION


def total(x):
    """Sum."""
    y = x.reshape(-1) * 2
    ### BEGIN SOLUTION
    return x.sum(dim=0)
    ### END SOLUTION
'''


def _changes(source: str = SOURCE) -> set[tuple[str, str, str, str]]:
    return {(m.exercise, m.operator, m.before, m.after) for m in mutants(source, ["sgd", "total"])}


def test_the_operators_make_the_mistakes_students_make():
    step = "param -= lr * param.grad / batch_size"
    assert _changes() == {
        ("sgd", "dropped statement", "with torch.no_grad():", "if True:"),
        ("sgd", "in place", step, "param = param - lr * param.grad / batch_size"),
        ("sgd", "arithmetic operator", step, "param += lr * param.grad / batch_size"),
        ("sgd", "arithmetic operator", step, "param -= lr * param.grad * batch_size"),
        ("sgd", "arithmetic operator", step, "param -= lr * param.grad // batch_size"),
        ("sgd", "arithmetic operator", step, "param -= lr / param.grad / batch_size"),
        ("sgd", "dropped statement", "param.grad.zero_()", "pass"),
        ("total", "trivial return", "return x.sum(dim=0)", "return None"),
        ("total", "reduction", "return x.sum(dim=0)", "return x.mean(dim=0)"),
        ("total", "dim", "return x.sum(dim=0)", "return x.sum(dim=1)"),
        ("total", "dim", "return x.sum(dim=0)", "return x.sum(dim=-1)"),
        # The constant 0 becomes 1 too, but that module is the `dim` one above: each mutant is made once.
        ("total", "constant", "return x.sum(dim=0)", "return x.sum(dim=2)"),
        # Each exercise as the handout's stub has it: untouched (or, in a fix-the-bug exercise, with the bug).
        ("sgd", "stub", "with torch.no_grad(): | for param in params:",
         'raise NotImplementedError("sgd: not implemented yet")'),
        ("total", "stub", "return x.sum(dim=0)", 'raise NotImplementedError("total: not implemented yet")'),
    }


def test_only_solution_blocks_change_and_every_mutant_is_a_new_valid_module():
    editable = solution_lines(SOURCE)
    found = mutants(SOURCE, ["sgd", "total"])
    lines = SOURCE.splitlines()
    assert {lines[k - 1].strip() for k in editable} >= {"return x.sum(dim=0)", "param.grad.zero_()"}
    assert "y = x.reshape(-1) * 2" not in {m.before for m in found}  # outside the block: the stub's own code
    assert all(m.line in editable for m in found if m.operator != "stub")
    assert len({m.source for m in found}) == len(found) and SOURCE not in {m.source for m in found}
    for m in found:
        compile(m.source, m.id, "exec")
        assert "LIMIT = 3" in m.source.splitlines()
    assert len({m.id for m in found}) == len(found)
    assert [m.id for m in mutants(SOURCE, ["sgd", "total"])] == [m.id for m in found]  # stable


def test_an_id_does_not_depend_on_where_the_code_sits():
    moved = SOURCE.replace('LIMIT = 3\n', 'LIMIT = 3\nOTHER = 4\n')
    assert {m.id for m in mutants(moved, ["sgd", "total"])} == {m.id for m in mutants(SOURCE, ["sgd", "total"])}


@pytest.mark.parametrize("name", [a.name for a in all_assignments()])
def test_every_exercise_of_every_assignment_has_mutants(name):
    assignment = Assignment(name)
    found = mutants(assignment.solution.read_text(encoding="utf-8"), assignment.exercises)
    assert {m.exercise for m in found} == set(assignment.exercises)
    if name == "linear_regression_concise":  # the fix-the-bug exercise: its stub is the bug
        assert [m.after for m in found if m.exercise == "Net" and m.operator == "stub"] == ["out = self.predict(out)"]


def test_the_equivalents_file_needs_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(audit_module, "SUITES", tmp_path)
    (tmp_path / "toy").mkdir()
    path = tmp_path / "toy" / audit_module.EQUIVALENTS_FILE
    assert equivalents(Assignment("toy")) == {}
    path.write_text(json.dumps([{"id": "sgd-1", "reason": "the same step"}]))
    assert equivalents(Assignment("toy")) == {"sgd-1": "the same step"}
    for bad in ([{"id": "sgd-1"}], [{"id": "sgd-1", "reason": " "}], {"id": "x"}):
        path.write_text(json.dumps(bad))
        with pytest.raises(AuditError, match="needs an \"id\" and a \"reason\""):
            equivalents(Assignment("toy"))
    path.write_text("{")
    with pytest.raises(AuditError, match="not valid JSON"):
        equivalents(Assignment("toy"))


def test_the_verdicts_sort_killed_survived_equivalent_and_cross_exercise_losses():
    found = {m.operator: m for m in mutants(SOURCE, ["sgd", "total"])}
    verdicts = [Verdict(found["in place"], {"sgd": 1.0}), Verdict(found["reduction"], {}),
                Verdict(found["trivial return"], {"total": 2.0, "sgd": 1.0}),
                Verdict(found["dim"], {}, equivalent="sums the one row")]
    result = Audit("toy", verdicts, ["sgd", "total"])
    data = result.to_json()
    assert (data["mutants"], data["killed"], data["score"]) == (4, 2, round(2 / 3, 4))
    assert [s["operator"] for s in data["survivors"]] == ["reduction"]
    assert [(c["operator"], c["lost"]) for c in data["cross_exercise"]] == [("trivial return", {"sgd": 1.0})]
    assert data["equivalent"][0]["reason"] == "sums the one row"
    assert data["by_exercise"]["total"] == {"mutants": 3, "killed": 1, "survived": 1, "equivalent": 1,
                                           "cost_another": 1}
    table = result.table()
    assert "4 mutants, 2 killed, 1 survived, 1 equivalent (score 66.7%)" in table
    assert "`return x.sum(dim=0)` -> `return x.mean(dim=0)`" in table and "loses sgd 1" in table


# ---------------------------------------------------------------- the audit, end to end, on a toy

TOY_SOLUTION = '''"""A toy assignment: two exercises."""

import torch


def double(x: torch.Tensor) -> torch.Tensor:
    """2 * x, elementwise."""
    ### BEGIN SOLUTION
    return x * 2
    ### END SOLUTION


def relu(x: torch.Tensor) -> torch.Tensor:
    """max(x, 0), elementwise."""
    ### BEGIN SOLUTION
    return x.clamp(min=0)
    ### END SOLUTION
'''

TOY_HIDDEN = '''import torch

from autograder.checks import expect_close
from autograder.plugin import exercise


@exercise("double", points=1)
def test_double_of_zero(sub):
    """double(0) is 0: a deliberately weak check (x * 2, x + 2, x ** 2 all pass it but one)"""
    expect_close(sub.call("double", torch.zeros(3)), torch.zeros(3), "double(0)")


@exercise("relu", points=1)
def test_relu(sub, rng):
    """relu on values of both signs"""
    x = torch.randn(20, generator=rng)
    expect_close(sub.call("relu", x), x.clamp(min=0), "relu(x)")
'''

TOY_PUBLIC = '''import torch

from autograder.checks import expect_close
from autograder.plugin import exercise


@exercise("relu", points=1)
def test_relu_small(sub):
    """relu([-1, 2])"""
    expect_close(sub.call("relu", torch.tensor([-1.0, 2.0])), torch.tensor([0.0, 2.0]), "relu([-1, 2])")
'''


@pytest.mark.slow
def test_the_audit_reports_a_deliberately_weak_check(tmp_path):
    """A copy of the kit with a toy assignment whose check of `double` only tries 0: the audit must name the
    mutants that check lets through, and none of `relu`, whose check is sound."""
    import shutil
    import subprocess
    import sys

    from autograder.assignments import ROOT

    kit = tmp_path / "kit"
    shutil.copytree(ROOT / "autograder", kit / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    (kit / "solutions").mkdir()
    (kit / "solutions" / "toy.py").write_text(TOY_SOLUTION)
    suite = kit / "autograder" / "suites" / "toy"
    for part, text in (("hidden", TOY_HIDDEN), ("public", TOY_PUBLIC)):
        (suite / part).mkdir(parents=True)
        (suite / part / "__init__.py").write_text("")
        (suite / part / "test_toy.py").write_text(text)
    (suite / "__init__.py").write_text("")
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PYTEST_")}
    env.update(OMP_NUM_THREADS="1", PYTHONPATH=str(kit))
    proc = subprocess.run([sys.executable, "-m", "autograder", "audit", "toy", "--json", str(tmp_path / "a.json")],
                          cwd=kit, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # survivors: not a clean audit
    data = json.loads((tmp_path / "a.json").read_text())
    survivors = {(s["exercise"], s["after"]) for s in data["survivors"]}
    assert ("double", "return x / 2") in survivors and ("double", "return x * 3") in survivors, survivors
    assert {e for e, _ in survivors} == {"double"}
    assert data["by_exercise"]["relu"]["survived"] == 0 < data["by_exercise"]["relu"]["killed"]
    assert ("double", "return None") not in survivors  # a trivial return fails even this check
    assert "Survivors" in proc.stdout and "return x / 2" in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", [a.name for a in all_assignments()])
def test_the_readme_shows_each_assignments_audit_as_measured(name):
    """The kit measures its own suites: the README's audit table is what the audit finds now, and no mutant
    costs an exercise other than its own."""
    import re

    from autograder.assignments import ROOT
    from autograder.audit import audit

    result = audit(Assignment(name), workers=2)
    assert not [v.row() for v in result.verdicts if v.cross], "a mutant costs another exercise"
    row = re.search(rf"^\| {name} \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|", (ROOT / "README.md").read_text(), re.M)
    assert row, f"the README has no audit row for {name}"
    measured = (len(result.verdicts), len(result.killed), len(result.equivalent), len(result.survivors))
    assert tuple(map(int, row.groups())) == measured, (
        f"README says {row.groups()}, the audit finds {measured}: {[v.row() for v in result.survivors]}")

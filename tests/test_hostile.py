"""Hostile submissions get no credit they did not earn, and the batch completes around them
with every honest grade exact."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from autograder.assignments import Assignment
from autograder.grade import grade
from autograder.results import NOT_IMPLEMENTED, PASSED
from autograder.sandbox import Limits

pytestmark = pytest.mark.slow  # end to end: grades whole batches

ASSIGNMENT = Assignment("linear_regression")
SECRET = "s3cr3t-grader-token-93412"

# Prepended to the untouched stub: the module implements nothing and tries to win anyway.
PREFIX = {
    "patches_comparisons": """
        import numpy, torch
        torch.allclose = lambda *a, **k: True
        torch.equal = lambda *a, **k: True
        torch.isclose = lambda a, b, *x, **k: torch.ones_like(a, dtype=torch.bool)
        numpy.allclose = lambda *a, **k: True
        torch.Tensor.__eq__ = lambda self, other: True
        import builtins
        builtins.abs = lambda x: 0
    """,
    "patches_pytest_and_runner": """
        import sys, types
        fake = types.ModuleType("pytest")
        fake.main = lambda *a, **k: 0
        sys.modules["pytest"] = fake
        try:
            import autograder.runner.server as server
            server.Runner.describe = lambda self, e: {"type": "None", "message": "", "where": []}
        except Exception:
            pass
    """,
    "exits_at_import": "import sys\nsys.exit(0)\n",
    "os_exit_at_import": "import os\nos._exit(0)\n",
}

# Replacing the whole module: it "implements" everything with values that lie.
ALWAYS_EQUAL = """
import torch

class Anything(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __gt__(self, other): return True
    def __abs__(self): return Anything(0.0)
    def __float__(self): return 0.0
    __hash__ = float.__hash__

class Everything(torch.Tensor):
    def __eq__(self, other): return True

def _anything(*args, **kwargs):
    return Anything(0.0)

def _everything(*args, **kwargs):
    return torch.zeros(3).as_subclass(Everything)

normal = plot_normals = add_loop = add_vectorized = benchmark_addition = _everything
synthetic_data = data_iter = linreg = squared_loss = sgd = train = closed_form = _everything

class Timer:
    times = [Anything(0.0)]
    def __init__(self): pass
    start = stop = avg = sum = cumsum = _anything
"""

FORGES_WIRE = """
import autograder.runner.wire as wire
import json, struct

_real = wire.send
def send(sock, header, buffers=()):
    # Claim success with a pickled payload and a tensor record that lies about its size.
    bad = {"ok": True, "value": {"__pickle__": "gASVAAAAAAAAAAB9lC4="}, "buffers": []}
    head = json.dumps(bad).encode()
    sock.sendall(struct.pack("!Q", len(head)) + head)
wire.send = send
"""

LEAKS_ENVIRONMENT = """
import os
def normal(x, mu, sigma):
    return repr(dict(os.environ)) + open("/proc/1/environ", "rb").read().decode(errors="replace")
"""


def _stub() -> str:
    return ASSIGNMENT.stub.read_text()


def _reference() -> str:
    return ASSIGNMENT.solution.read_text()


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    subs = root / "submissions"
    subs.mkdir()
    for name, prefix in PREFIX.items():
        (subs / f"{name}.py").write_text(textwrap.dedent(prefix) + "\n" + _stub())
    # A conftest.py beside the module that would force every test to pass under plain pytest.
    (subs / "ships_conftest").mkdir()
    (subs / "ships_conftest" / "linear_regression.py").write_text(_stub())
    (subs / "ships_conftest" / "conftest.py").write_text(textwrap.dedent("""
        import pytest
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(item, call):
            outcome = yield
            outcome.get_result().outcome = "passed"
    """))
    (subs / "always_equal.py").write_text(ALWAYS_EQUAL)
    (subs / "forges_wire.py").write_text(FORGES_WIRE + "\n" + _stub())
    (subs / "leaks_environment.py").write_text(_stub() + "\n" + LEAKS_ENVIRONMENT)
    reference = _reference()
    (subs / "loops_in_sgd.py").write_text(reference.replace(
        "    with torch.no_grad():\n        for param in params:",
        "    while True:\n        pass\n    with torch.no_grad():\n        for param in params:"))
    (subs / "os_exit_in_linreg.py").write_text(reference.replace(
        "    return torch.matmul(X, w) + b\n", "    import os\n    os._exit(3)\n"))
    for k in range(2):
        (subs / f"honest_{k}.py").write_text(reference)
    shutil.copy(ASSIGNMENT.stub, subs / "honest_stub.py")
    import os

    os.environ["GRADER_SECRET"] = SECRET
    try:
        batch = grade(ASSIGNMENT, subs, root / "out", workers=2, limits=Limits(call_seconds=3), quiet=True)
    finally:
        del os.environ["GRADER_SECRET"]
    return {r.student: r for r in batch.results}, root / "out"


@pytest.mark.parametrize("name", [*PREFIX, "ships_conftest", "always_equal", "forges_wire", "leaks_environment"])
def test_hostile_submission_gets_nothing(hostile_batch, name):
    results, _ = hostile_batch
    result = results[name]
    assert result.score == 0, [(o.name, o.message) for o in result.outcomes if o.status == PASSED]


def test_exit_at_import_is_explained(hostile_batch):
    results, _ = hostile_batch
    for name, words in (("exits_at_import", "raised SystemExit"), ("os_exit_at_import", "while being imported")):
        messages = {o.message for o in results[name].outcomes}
        assert len(messages) == 1, messages
        assert words in messages.pop()


def test_infinite_loop_costs_only_its_exercise(hostile_batch):
    results, _ = hostile_batch
    result = results["loops_in_sgd"]
    points = result.exercise_points()
    assert points["sgd"] == 0
    assert all(points[e] == sum(o.points for o in t) for e, t in result.by_exercise().items() if e != "sgd")
    assert any("did not return within 3 s" in o.message for o in result.outcomes if o.exercise == "sgd")


def test_process_exit_in_one_function_costs_only_its_exercise(hostile_batch):
    results, _ = hostile_batch
    result = results["os_exit_in_linreg"]
    points = result.exercise_points()
    assert points["linreg"] == 0
    # train runs with the textbook helpers substituted, so it is unaffected
    assert all(points[e] == sum(o.points for o in t) for e, t in result.by_exercise().items() if e != "linreg")
    # "ended" while the zygote has not reaped it yet, "exited with status N" once it has
    assert any(re.search(r"process (ended|exited with status \d+)\b.* during linreg", o.message)
               for o in result.outcomes), [o.message for o in result.outcomes if o.exercise == "linreg"]


def test_honest_submissions_beside_them_are_graded_exactly(hostile_batch):
    results, _ = hostile_batch
    for k in range(2):
        assert results[f"honest_{k}"].score == results[f"honest_{k}"].max_score
    assert results["honest_stub"].score == 0
    assert all(o.status == NOT_IMPLEMENTED for o in results["honest_stub"].outcomes)


def test_grader_environment_never_reaches_any_output(hostile_batch):
    _, out = hostile_batch
    for path in Path(out).rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(errors="replace"), path

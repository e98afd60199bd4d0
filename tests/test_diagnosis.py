"""Diagnosis from the catalogue: a cause is named only where the student's code read on a check exactly as a
catalogued mistake's did, and each mistake's run of a check is made once per batch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.diagnosis import Diagnosis, agree, same_run, with_causes
from autograder.mistakes import alternative, mistake
from autograder.runner.wire import Axes, FigureInfo, Iterated, Line, RemoteObject


def _sent(value: torch.Tensor, ref: int | None) -> torch.Tensor:
    value.ref = ref
    value.grad_fn_name = None
    return value


def test_values_agree_up_to_float_rounding_only():
    assert agree(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-6]))
    assert not agree(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.01]))
    assert not agree(torch.tensor([1.0, 2.0]), torch.tensor([[1.0, 2.0]]))  # the shape is part of the value
    assert not agree(torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64))
    assert agree(torch.tensor([float("nan")]), torch.tensor([float("nan")]))
    assert agree(1.0, 1.0 + 1e-9) and not agree(1.0, 1.1)
    assert agree(np.arange(3.0), np.arange(3.0)) and not agree(np.arange(3.0), np.arange(3.0) + 1)
    assert not agree(True, 1) and not agree(None, 0) and not agree("a", "b") and agree("a", "a")
    assert not agree([1.0], (1.0,)) and agree({"a": [1.0]}, {"a": [1.0]}) and not agree({"a": 1.0}, {"b": 1.0})


def test_tensors_agree_in_what_a_check_can_see_besides_values():
    same = torch.zeros(2)
    assert not agree(_sent(same.clone(), 1), _sent(same.clone(), None))  # the tensor passed in, or a new one
    assert not agree(same.clone().requires_grad_(), same.clone())
    with_grad, without = same.clone().requires_grad_(), same.clone().requires_grad_()
    with_grad.grad = torch.ones(2)
    assert not agree(with_grad, without)
    made = _sent(same.clone(), None)
    made.grad_fn_name = "SubBackward0"
    assert not agree(made, _sent(same.clone(), None))


def test_remote_objects_iterables_and_figures_agree_by_what_they_show():
    assert agree(RemoteObject(1, "Timer", "<Timer at 0x1>"), RemoteObject(7, "Timer", "<Timer at 0x2>"))
    assert not agree(RemoteObject(1, "Timer"), RemoteObject(1, "Clock"))
    gen, listed = Iterated([1.0]), Iterated([1.0])
    gen.type_name, listed.type_name = "generator", "list_iterator"
    assert not agree(gen, listed)
    line = Line(np.arange(3.0), np.arange(3.0), "fit", "#ff0000", "-", 5.0)
    moved = Line(np.arange(3.0), np.arange(3.0) + 1, "fit", "#ff0000", "-", 5.0)
    assert agree(FigureInfo([Axes(lines=[line])]), FigureInfo([Axes(lines=[line])]))
    assert not agree(FigureInfo([Axes(lines=[line])]), FigureInfo([Axes(lines=[moved])]))


def test_a_run_agrees_only_as_a_whole():
    assert same_run([("returned", 1.0), "timeout"], [("returned", 1.0), "timeout"])
    assert not same_run([("returned", 1.0)], [("returned", 1.0), ("returned", 2.0)])
    assert not same_run([("raised", "TypeError", "x")], [("raised", "TypeError", "y")])


HALF = mistake("forgets_half", "loss", ("/ 2", ""), cause="the loss is not halved: divide by 2")
SQUARED = mistake("squares_twice", "loss", ("** 2", "** 4"), cause="the error is raised to the 4th power: square it")
ALSO_HALF = mistake("drops_the_half", "loss", ("/ 2", "* 1"), cause="the loss is not halved: divide by 2")


def test_the_cause_is_named_only_where_a_mistake_read_the_same():
    replays = {"forgets_half": [("returned", 2.0)], "squares_twice": [("returned", 16.0)]}
    diagnosis = Diagnosis([HALF, SQUARED])
    assert diagnosis.causes("c", "loss", [("returned", 2.0)], lambda m: replays[m.name]) == [HALF.cause]
    assert diagnosis.causes("c", "loss", [("returned", 3.0)], lambda m: replays[m.name]) == []
    assert diagnosis.causes("c", "other", [("returned", 2.0)], lambda m: replays[m.name]) == []


def test_a_mistake_that_passes_the_check_names_nothing():
    diagnosis = Diagnosis([HALF])
    assert diagnosis.causes("c", "loss", [], lambda m: None) == []


def test_each_mistake_runs_each_check_once_per_batch():
    runs = []

    def replay(m):
        runs.append(m.name)
        return [("returned", 2.0)]

    diagnosis = Diagnosis([HALF, SQUARED])
    for _ in range(3):
        diagnosis.causes("c", "loss", [("returned", 2.0)], replay)
    diagnosis.causes("d", "loss", [("returned", 2.0)], replay)
    assert runs == ["forgets_half", "squares_twice"] * 2


def test_mistakes_with_one_cause_name_it_once():
    diagnosis = Diagnosis([HALF, ALSO_HALF])
    assert diagnosis.causes("c", "loss", [("returned", 2.0)], lambda m: [("returned", 2.0)]) == [HALF.cause]


def test_messages_state_what_differs_then_the_established_cause():
    assert with_causes("loss is 2.0, expected 1.0", []) == "loss is 2.0, expected 1.0"
    assert with_causes("loss is 2.0, expected 1.0", ["divide by 2"]) == "loss is 2.0, expected 1.0\nCause: divide by 2"
    assert with_causes("w did not change", ["a", "b"]) == "w did not change\nCause, one of: a; or b"


def test_a_catalogued_mistake_needs_a_cause():
    with pytest.raises(ValueError, match="needs its cause"):
        mistake("no_cause", "loss", ("/ 2", ""), cause=" ")
    assert alternative("fine", ("/ 2", "* 0.5")).cause == ""


REWRITTEN = {
    # Catalogued mistakes written as a student might: the same behaviour, other code.
    "rebinds_otherwise": ("sgd", "sgd_rebinds_param",
                          ("            param -= lr * param.grad / batch_size",
                           "            param = param - param.grad * lr / batch_size")),
    "no_division_otherwise": ("sgd", "sgd_no_division_by_batch_size",
                              ("            param -= lr * param.grad / batch_size",
                               "            param -= param.grad * lr")),
    "never_starts_otherwise": ("Timer", "timer_never_started",
                               ("        self.times: list[float] = []\n        self.start()\n",
                                "        self.times = list()\n")),
}
# Wrong in a way no catalogued mistake is: the feedback says what differs, and names no cause.
UNCATALOGUED = {
    "doubles_the_step": ("sgd", ("            param -= lr * param.grad / batch_size",
                                 "            param -= 2 * lr * param.grad / batch_size")),
    "squared_loss_cubed": ("squared_loss", ("return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2",
                                            "return (y_hat - y.reshape(y_hat.shape)) ** 3 / 2")),
}


@pytest.mark.slow
def test_a_cause_is_named_where_established_and_only_there(tmp_path):
    from autograder.assignments import Assignment
    from autograder.grade import grade
    from autograder.mistakes import Variant, catalogue
    from autograder.results import PASSED

    assignment = Assignment("linear_regression")
    reference = assignment.solution.read_text(encoding="utf-8")
    causes = {m.name: m.cause for m in catalogue(assignment.name)[0]}
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, (_, _, edit) in REWRITTEN.items():
        (subs / f"{name}.py").write_text(Variant(name, (edit,)).source(reference), encoding="utf-8")
    for name, (_, edit) in UNCATALOGUED.items():
        (subs / f"{name}.py").write_text(Variant(name, (edit,)).source(reference), encoding="utf-8")
    # A module that ends while being imported is no catalogued mistake, whatever a replay of one reads.
    (subs / "exits_at_import.py").write_text("import os\nos._exit(0)\n" + reference, encoding="utf-8")
    results = {r.student: r for r in grade(assignment, subs, tmp_path / "out", workers=1, quiet=True).results}
    assert results["exits_at_import"].score == 0
    assert not [o.message for o in results["exits_at_import"].outcomes if "Cause" in o.message]

    def failed(student, exercise):
        return [o for o in results[student].outcomes if o.exercise == exercise and o.status != PASSED]

    for name, (exercise, catalogued, _) in REWRITTEN.items():
        first = failed(name, exercise)[0]
        assert first.message.endswith(f"\nCause: {causes[catalogued]}"), first.message
    # Where the cause is established, it stands in place of the hint the check or the error table would guess.
    for result in results.values():
        for o in result.outcomes:
            assert "Cause" not in o.message or "Likely cause" not in o.message, o.message
    for name, (exercise, _) in UNCATALOGUED.items():
        messages = [o.message for o in failed(name, exercise)]
        assert messages and not any("Cause" in m for m in messages), messages


# At import: a thread that prints every other module it can find under the runners' temporary folder, for as long
# as its runner lives. The catalogue's mistakes are reference code; none may be in a runner while this one lives.
PEEKS_AT_OTHER_RUNNERS = '''
import glob as _glob, os as _os, threading as _threading, time as _time

def _peek():
    own = _os.path.abspath(__file__)
    base = _os.path.dirname(_os.path.dirname(own))
    seen = set()
    while True:
        for path in _glob.glob(_os.path.join(base, "runner-*", "*.py")):
            if path != own and path not in seen:
                seen.add(path)
                try:
                    print("PEEKED", path, open(path).read(), flush=True)
                except OSError:
                    pass
        _time.sleep(0.002)

_threading.Thread(target=_peek, daemon=True).start()
'''


@pytest.mark.slow
def test_no_reference_code_runs_while_a_students_code_is_alive(tmp_path):
    from autograder.assignments import Assignment
    from autograder.grade import grade

    assignment = Assignment("linear_regression")
    stub = assignment.stub.read_text(encoding="utf-8")
    # Only sgd written, with a catalogued mistake: its failed checks are diagnosed by running the reference's sgd
    # mistakes; the stub holds no solution line, so any the thread finds came from the kit.
    wrong_sgd = stub.replace('    raise NotImplementedError("sgd: not implemented yet")',
                             "    with torch.no_grad():\n        for param in params:\n"
                             "            param -= lr * param.grad\n            param.grad.zero_()", 1)
    assert wrong_sgd != stub
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "peeker.py").write_text(PEEKS_AT_OTHER_RUNNERS + wrong_sgd, encoding="utf-8")
    [result] = grade(assignment, subs, tmp_path / "out", workers=1, quiet=True).results
    sgd = [o for o in result.outcomes if o.exercise == "sgd"]
    assert any("Cause:" in o.message for o in sgd), [o.message for o in sgd]  # the mistakes did run
    solution = assignment.solution.read_text(encoding="utf-8")
    kit_only = [line.strip() for line in solution.splitlines() if line.strip() and line.strip() not in stub]
    leaked = [line for line in kit_only if len(line) > 20 and line in result.output]
    assert not leaked, leaked[:3]

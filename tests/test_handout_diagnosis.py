"""The diagnosis table a handout ships: plain data that keeps what diagnosis.agree compares, and nothing else."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder import handout_diagnosis
from autograder.assignments import Assignment
from autograder.diagnosis import same_run
from autograder.mistakes import mistake
from autograder.runner import wire

CHECK = "autograder.suites.linear_regression.public.test_public::test_sgd_small"


def _observed(scale: float = 1.0) -> list:
    w = torch.tensor([[1.0], [2.0]]) * scale
    w.requires_grad_()
    w.grad = torch.ones(2, 1)
    w.ref, w.grad_fn_name = 0, None
    y = torch.tensor([3.0]) * scale
    y.ref, y.grad_fn_name = None, "MulBackward0"
    iterated = wire.Iterated([np.arange(3.0)])
    iterated.type_name = "generator"
    figure = wire.FigureInfo([wire.Axes(xlabel="x", lines=[wire.Line(np.zeros(2), np.ones(2), "a", "r", "-")])])
    return [("has", "sgd", True), ("returned", y, [[w]], {}), ("returned", wire.RemoteObject(3, "Timer", "<at 0x1>")),
            ("returned", iterated), ("returned", figure), ("raised", "ValueError", "no"), "timeout"]


def _table(observed: list | None) -> bytes:
    cause = "the step is not divided by batch_size"
    return handout_diagnosis.encode([mistake("sgd_no_division", "sgd", ("a", "b"), cause=cause)],
                                    {(CHECK, "sgd_no_division"): observed}, seed=7)


def test_a_table_keeps_what_agree_compares_and_no_code():
    data = _table(_observed())
    seed, diagnosis = handout_diagnosis.decode(data)
    assert seed == 7 and diagnosis.fixed
    (m,) = diagnosis.by_exercise["sgd"]
    assert (m.name, m.cause, m.edits) == ("sgd_no_division", "the step is not divided by batch_size", ())
    kept = diagnosis.replays[(CHECK, "sgd_no_division")]
    assert same_run(_observed(), kept)
    assert not same_run(_observed(1.5), kept)  # other values
    other = _observed()
    other[1][1].grad_fn_name = None  # the same values, but not the result of an operation
    assert not same_run(other, kept)
    assert b"0x1" not in data  # a handle's text (an address) is left out: agree compares its type only


def test_a_fixed_diagnosis_names_causes_from_the_table_and_never_replays():
    _, diagnosis = handout_diagnosis.decode(_table(_observed()))

    def replay(m):
        raise AssertionError("a handout has no mistake to run")

    assert diagnosis.causes(CHECK, "sgd", _observed(), replay) == ["the step is not divided by batch_size"]
    assert diagnosis.causes(CHECK, "sgd", _observed(2.0), replay) == []
    assert diagnosis.causes("another::check", "sgd", _observed(), replay) == []
    _, passing = handout_diagnosis.decode(_table(None))  # the mistake passed this check: nothing to match
    assert passing.causes(CHECK, "sgd", _observed(), replay) == []


@pytest.mark.parametrize("damage", ["truncated", "appended", "not a table", "bad mistakes"])
def test_a_damaged_table_is_refused(damage):
    data = _table(_observed())
    broken = {"truncated": data[:-3], "appended": data + b"x",
              "not a table": wire.pack({"format": 99}, []),
              "bad mistakes": wire.pack({"format": handout_diagnosis.FORMAT, "seed": 1, "mistakes": [1], "replays": []},
                                        [])}[damage]
    with pytest.raises(wire.ProtocolError):
        handout_diagnosis.decode(broken)


def test_the_kit_has_no_table_and_a_damaged_one_is_ignored(tmp_path, monkeypatch):
    assignment = Assignment("linear_regression")
    assert handout_diagnosis.load(assignment) is None  # the kit replays its catalogue live
    (tmp_path / handout_diagnosis.FILENAME).write_bytes(b"\0" * 5)
    monkeypatch.setattr(Assignment, "suite", lambda self, hidden: tmp_path)
    assert handout_diagnosis.load(assignment) is None

"""Accumulator: n running sums, read back as Python floats, and zeroed by reset()."""

import torch

from autograder.checks import expect, expect_python_float
from autograder.plugin import exercise


def _sums(acc, n, when):
    return [expect_python_float(acc.call("__getitem__", i), f"acc[{i}] {when}",
                                hint="add float(b) to each sum, so a tensor added is kept as a number")
            for i in range(n)]


@exercise("Accumulator", points=1)
def test_adds_each_argument_to_its_own_sum(sub, rng):
    """add(*args) adds the i-th argument (a number or a one-element tensor) to the i-th sum; [i] reads it"""
    values = torch.randint(-9, 10, (3, 3), generator=rng).double() / 4
    acc = sub.new("Accumulator", 3)
    acc.call("add", float(values[0, 0]), int(values[0, 1] * 4), values[0, 2].reshape(()))
    acc.call("add", values[1, 0].reshape(()), float(values[1, 1]), float(values[1, 2]))
    acc.call("add", float(values[2, 0]), float(values[2, 1]), values[2, 2].reshape(1))
    values[0, 1] = int(values[0, 1] * 4)
    expected = [float(v) for v in values.sum(dim=0)]
    got = _sums(acc, 3, "after three add(...) calls")
    expect(got == expected, f"after adding {values.tolist()} row by row, the sums are {got}, expected {expected}")


@exercise("Accumulator", points=1)
def test_reset_zeroes_every_sum(sub):
    """reset() sets every sum back to 0.0 and keeps n of them, so adding again starts from zero"""
    acc = sub.new("Accumulator", 2)
    acc.call("add", 3.0, 4.0)
    acc.call("reset")
    got = _sums(acc, 2, "after reset()")
    expect(got == [0.0, 0.0], f"after add(3.0, 4.0) and reset(), the sums are {got}, expected [0.0, 0.0]")
    acc.call("add", 1.5, torch.tensor(2.0))
    got = _sums(acc, 2, "after reset() and add(1.5, torch.tensor(2.0))")
    expect(got == [1.5, 2.0], f"after reset() and add(1.5, torch.tensor(2.0)), the sums are {got}, expected "
           "[1.5, 2.0]")

"""add_loop, add_vectorized and benchmark_addition (d2l 3.1.2, vectorisation)."""

import torch

from autograder.checks import expect, expect_close, expect_float, expect_sequence, expect_tensor
from autograder.plugin import exercise
from autograder.suites.linear_regression.textbook import FOR_BENCHMARK


@exercise("add_loop", points=1)
def test_add_loop_values(sub, rng):
    """adds two 1-D tensors elementwise"""
    a, b = torch.randn(37, generator=rng), torch.randn(37, generator=rng)
    got = expect_tensor(sub.call("add_loop", a, b), "add_loop(a, b)", shape=(37,),
                        hint="create c = torch.zeros(len(a)) and fill c[i] = a[i] + b[i]")
    expect_close(got, a + b, "add_loop(a, b)", rtol=1e-6, atol=1e-6, hint="c[i] = a[i] + b[i] for every i")


@exercise("add_vectorized", points=1)
def test_add_vectorized_values(sub, rng):
    """adds two 1-D tensors elementwise"""
    a, b = torch.randn(1000, generator=rng), torch.randn(1000, generator=rng)
    got = expect_tensor(sub.call("add_vectorized", a, b), "add_vectorized(a, b)", shape=(1000,))
    expect_close(got, a + b, "add_vectorized(a, b)", rtol=1e-6, atol=1e-6, hint="return a + b")


@exercise("benchmark_addition", points=1)
def test_benchmark_returns_two_timings(sub):
    """returns (loop_seconds, vectorized_seconds), the loop the slower"""
    sub.substitute(FOR_BENCHMARK)
    result = expect_sequence(sub.call("benchmark_addition", 2000), "benchmark_addition(2000)", length=2,
                             hint="return (loop_seconds, vectorized_seconds)")
    loop, vec = (expect_float(v, "each timing") for v in result)
    expect(loop >= 0 and vec >= 0, f"benchmark_addition returned negative times ({loop:g}, {vec:g})")
    expect(loop > 0, "the loop timing is 0: time add_loop between timer.start() and timer.stop()")
    expect(loop > vec,
           f"the loop took {loop:.3g} s and the vectorized addition {vec:.3g} s: measure each with its own "
           "start()/stop() pair, the loop first, and return them in the order (loop, vectorized)")

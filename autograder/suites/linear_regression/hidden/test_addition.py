"""add_loop, add_vectorized and benchmark_addition (d2l 3.1.2, vectorisation)."""

import time

import torch

from autograder import book
from autograder.checks import expect, expect_close, expect_float, expect_sequence, expect_tensor, fail
from autograder.plugin import exercise
from autograder.suites.linear_regression.hidden import clocked
from autograder.suites.linear_regression.textbook import FOR_BENCHMARK, TIMER

LOOP_N = 37  # and twice as many: a loop over the elements makes at least one more operation per element
VECTOR_N = 500


def _added(sub, name: str, a: torch.Tensor, b: torch.Tensor, hint: str = ""):
    """``name(a, b)`` at len(a) and at twice that: each sum checked, then both runs with their operation counts."""
    runs = []
    for n in (len(a) // 2, len(a)):
        run = sub.operations(name, a[:n], b[:n])
        what = f"{name}(a, b) for tensors of {n} elements"
        got = expect_tensor(run.value, what, shape=(n,), hint=hint)
        expect_close(got, a[:n] + b[:n], what, rtol=1e-6, atol=1e-6, hint=hint)
        runs.append(run)
    return runs


@exercise("add_loop", points=1)
def test_add_loop_values(sub, rng):
    """adds two 1-D tensors elementwise, one element at a time in a Python for loop"""
    a, b = torch.randn(2 * LOOP_N, generator=rng), torch.randn(2 * LOOP_N, generator=rng)
    small, large = _added(sub, "add_loop", a, b, hint="create c = torch.zeros(len(a)) and fill c[i] = a[i] + b[i]")
    # The sums are right; now how they were made. Reading the tensors into Python and adding there loops too.
    expect(small.to_python or large.ops - small.ops >= LOOP_N,
           f"add_loop(a, b) made {small.ops} torch operations for tensors of {LOOP_N} elements and {large.ops} "
           f"for {2 * LOOP_N}: it does not go one element at a time. Write the Python loop the docstring asks "
           "for: for i in range(len(a)): c[i] = a[i] + b[i]")


@exercise("add_vectorized", points=1)
def test_add_vectorized_values(sub, rng):
    """adds two 1-D tensors elementwise, with a single tensor operation"""
    a, b = torch.randn(2 * VECTOR_N, generator=rng), torch.randn(2 * VECTOR_N, generator=rng)
    small, large = _added(sub, "add_vectorized", a, b, hint="return a + b")
    into_python = ", and read the tensors into Python" if small.to_python or large.to_python else ""
    expect(large.ops == small.ops and not into_python,
           f"add_vectorized(a, b) made {small.ops} torch operations for tensors of {VECTOR_N} elements and "
           f"{large.ops} for {2 * VECTOR_N}{into_python}: one tensor operation makes as many at any length. "
           "Add the whole tensors at once, return a + b, with no loop")


CALLS = 3  # the ordering must hold in most of them: one preempted measurement on a loaded machine changes nothing
SWAPPED = "the two timings are swapped: return them in the order (loop, vectorized)"  # benchmark_times_reversed


@exercise("benchmark_addition", points=1)
def test_benchmark_returns_two_timings(sub):
    """returns (loop_seconds, vectorized_seconds), each measured during the call, the loop the slower"""
    sub.substitute(FOR_BENCHMARK)
    timings = []
    for _ in range(CALLS):
        # On both clocks a Timer may read (the book's reads time.time()): they need not advance alike.
        started, started_wall = time.perf_counter(), time.time()
        result = expect_sequence(sub.call("benchmark_addition", 2000), "benchmark_addition(2000)", length=2,
                                 hint="return (loop_seconds, vectorized_seconds)")
        took = max(time.perf_counter() - started, time.time() - started_wall)
        loop, vec = (expect_float(v, "each timing") for v in result)
        expect(loop >= 0 and vec >= 0, f"benchmark_addition returned negative times ({loop:g}, {vec:g})")
        # What the call reports cannot exceed how long it really took (measured here, around the whole call).
        expect(loop + vec <= took, f"benchmark_addition(2000) reported {loop:.3g} s and {vec:.3g} s, but the call "
               f"itself took {took:.3g} s: return the values of timer.stop(), not numbers of your own")
        timings.append((loop, vec))
    expect(len(set(timings)) > 1, f"benchmark_addition returned {timings[0]} on each of {CALLS} calls: "
           "measure the two additions with a Timer instead of returning fixed numbers")
    expect(all(loop > 0 for loop, _ in timings), "the loop timing is 0: time add_loop between timer.start() and "
           "timer.stop()")
    slower = sum(loop > vec for loop, vec in timings)
    # Established by the check (timings are never the same twice, so no replay of a mistake can match them).
    expect(slower > 0 or not all(vec > 10 * loop for loop, vec in timings),
           f"in each of {CALLS} calls the 'vectorized' time is over 10 times the 'loop' time ({timings}): {SWAPPED}")
    expect(slower * 2 > CALLS,
           f"in {CALLS - slower} of {CALLS} calls the loop was not the slower ({timings}): measure each addition "
           "with its own start()/stop() pair, the loop first, and return them in the order (loop, vectorized)")


@exercise("benchmark_addition", points=1)
def test_each_timing_covers_its_own_addition(sub, rng):
    """the loop timing covers add_loop(a, b) and the vectorized one add_vectorized(a, b), each read from a Timer,
    for a = b = torch.ones(n)"""
    sub.fake_clock()
    sub.substitute({"Timer": TIMER, **book.sources(clocked, "add_loop", "add_vectorized")})
    first = int(torch.randint(1000, 3000, (1,), generator=rng))
    for n in (first, first + int(torch.randint(1, 500, (1,), generator=rng))):
        loop_seconds, vectorized_seconds = n * clocked.LOOP_SECONDS, n * clocked.VECTORIZED_SECONDS
        call = (f"benchmark_addition({n}), where add_loop takes {loop_seconds:g} s and add_vectorized "
                f"{vectorized_seconds:g} s on the test clock")
        result = expect_sequence(sub.call("benchmark_addition", n), call, length=2,
                                 hint="return (loop_seconds, vectorized_seconds)")
        loop, vec = (expect_float(v, f"each timing of {call}") for v in result)
        if (loop, vec) == (vectorized_seconds, loop_seconds):
            fail(f"{call}, returned ({loop:g}, {vec:g})", hint=SWAPPED)
        expect(loop == loop_seconds, f"{call}, returned {loop:g} s for the loop: time exactly add_loop(a, b) on "
               "a = b = torch.ones(n), timer = Timer() (or timer.start()) just before it and loop_seconds = "
               "timer.stop() just after")
        expect(vec == vectorized_seconds, f"{call}, returned {vec:g} s for the vectorized addition: call "
               "add_vectorized(a, b) between timer.start() and timer.stop(), and time nothing else")

"""Kit code for the benchmark check (``book.sources``): the two additions, each taking a known time per element on
the test clock (``sub.fake_clock``), so the Timer readings benchmark_addition(n) returns are exact and the same under
any load: n * LOOP_SECONDS if its first timing covers add_loop, n * VECTORIZED_SECONDS if its second covers
add_vectorized. The check calls it with two sizes, so no constant answer fits. Powers of two keep every reading
exact in binary."""

import time

LOOP_SECONDS, VECTORIZED_SECONDS = 2.0**-9, 2.0**-13  # per element


def add_loop(a, b):
    time.advance_fake_clock(len(a) * LOOP_SECONDS)
    return a + b


def add_vectorized(a, b):
    time.advance_fake_clock(len(a) * VECTORIZED_SECONDS)
    return a + b

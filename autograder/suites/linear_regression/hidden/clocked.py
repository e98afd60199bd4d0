"""Kit code for the benchmark check (``book.sources``): the two additions, each taking a known time on the test
clock (``sub.fake_clock``), so the Timer readings benchmark_addition returns are exact and the same under any
load: LOOP_SECONDS if its first timing covers add_loop, VECTORIZED_SECONDS if its second covers add_vectorized."""

import time

LOOP_SECONDS, VECTORIZED_SECONDS = 3.0, 0.25


def add_loop(a, b):
    time.advance_fake_clock(LOOP_SECONDS)
    return a + b


def add_vectorized(a, b):
    time.advance_fake_clock(VECTORIZED_SECONDS)
    return a + b

"""Timer, checked against a fake clock the judge moves (no real sleeps)."""

from autograder.checks import expect, expect_float, expect_python_floats, expect_sequence, fail, kind
from autograder.plugin import exercise

# What the docstring says, not a cause: a wrong stop() has many, and the catalogue's diagnosis names the one it
# establishes (timer_never_started, timer_stop_forgets_to_append, ...).
STARTS = "a new Timer is started, and stop() returns the time now minus the time of the last start"


@exercise("Timer", points=1)
def test_init_starts_the_timer(sub):
    """__init__ starts the timer, so stop() alone measures from creation"""
    sub.fake_clock(start=1000.0)
    timer = sub.new("Timer")
    sub.advance_clock(1.5)
    seconds = expect_float(timer.call("stop"), "Timer().stop()", hint=f"{STARTS}, as a float")
    expect(abs(seconds - 1.5) < 1e-6,
           f"Timer().stop() returned {seconds:g} when 1.5 s passed since the Timer was created: {STARTS}")
    times = expect_sequence(timer.get("times"), "timer.times", length=1,
                            hint="stop() appends each measured time to self.times")
    expect(abs(float(times[0]) - 1.5) < 1e-6, f"timer.times is {times}, expected [1.5]")


@exercise("Timer", points=1)
def test_start_restarts_and_stop_records(sub):
    """start() restarts the clock and every stop() appends its time"""
    sub.fake_clock(start=50.0)
    timer = sub.new("Timer")
    sub.advance_clock(7.0)
    timer.call("start")
    sub.advance_clock(0.25)
    first = expect_float(timer.call("stop"), "stop()")
    expect(abs(first - 0.25) < 1e-6,
           f"stop() returned {first:g} for 0.25 s since the last start(): start() must remember the current time "
           "(self.tik = time.time()) and stop() must subtract it")
    timer.call("start")
    sub.advance_clock(2.0)
    second = expect_float(timer.call("stop"), "the second stop()")
    expect(abs(second - 2.0) < 1e-6,
           f"the second stop() returned {second:g} for 2 s since the last start(): stop() returns the time it has "
           "just measured, the last of self.times")
    times = expect_sequence(timer.get("times"), "timer.times",
                            hint="stop() appends each measured time to self.times")
    values = [round(float(t), 6) for t in times]
    expect(values[-2:] == [0.25, 2.0] and len(values) in (2, 3),
           f"after timing 0.25 s and 2 s, timer.times is {values}; expected [0.25, 2.0]: stop() appends "
           "exactly one time per call and start() does not append")


@exercise("Timer", points=1)
def test_avg_sum_cumsum(sub):
    """avg(), sum() and cumsum() summarise the recorded times"""
    sub.fake_clock(start=0.0)
    timer = sub.new("Timer")
    for seconds in (1.5, 0.25, 2.0):
        timer.call("start")
        sub.advance_clock(seconds)
        timer.call("stop")
    avg = expect_float(timer.call("avg"), "avg()")
    expect(abs(avg - 1.25) < 1e-6, f"avg() of [1.5, 0.25, 2.0] returned {avg:g}, expected 1.25: "
           "sum(self.times) / len(self.times)")
    total = expect_float(timer.call("sum"), "sum()")
    expect(abs(total - 3.75) < 1e-6, f"sum() of [1.5, 0.25, 2.0] returned {total:g}, expected 3.75")
    cumsum_returned = timer.call("cumsum")
    cumsum = expect_sequence(cumsum_returned, "cumsum()", length=3,
                             hint="return running totals as a list, e.g. np.array(self.times).cumsum().tolist()")
    got = [round(float(expect_float(v, "an item of cumsum()")), 6) for v in cumsum]
    expect(got == [1.5, 1.75, 3.75], f"cumsum() of [1.5, 0.25, 2.0] returned {got}, expected [1.5, 1.75, 3.75]")
    # "as a list of floats": the values are right, now their kind
    if not isinstance(cumsum_returned, list):
        fail(f"cumsum() is {kind(cumsum_returned)}, expected a list of Python floats",
             hint="e.g. np.array(self.times).cumsum().tolist()")
    expect_python_floats(cumsum_returned, "cumsum()", hint="e.g. np.array(self.times).cumsum().tolist()")

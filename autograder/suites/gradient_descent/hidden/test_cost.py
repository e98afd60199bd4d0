"""cost: the mean of the losses over the data (loss and forward are the lecture's)."""

from autograder.checks import expect_close, expect_float
from autograder.plugin import exercise
from autograder.suites.gradient_descent import XS, YS, away_from_best, close, random_data, uniform
from autograder.suites.gradient_descent.textbook import FOR_COST

FORMULA = "add up loss(x, y, w) over zip(xs, ys) with `total += ...`, and after the loop return total / len(xs)"


def _hint(got: float, xs: list[float], ys: list[float], w: float) -> str:
    losses = [(x * w - y) ** 2 for x, y in zip(xs, ys)]
    n = len(xs)
    mean = sum(losses) / n
    if close(got, sum(losses)):
        return "this is the sum of the losses; the cost is their mean: divide by len(xs)"
    if close(got, losses[0] / n) or close(got, losses[0]):
        return ("only the first sample was counted: the `return` is inside the for loop; "
                "move it out of the loop (one indentation level less)")
    if close(got, losses[-1] / n) or close(got, losses[-1]):
        return ("only the last sample was counted: accumulate with `total += loss(x, y, w)`, not `total = ...`")
    if close(got, mean / 2):
        return "the value is half the mean squared error: do not divide by 2; " + FORMULA
    return FORMULA


@exercise("cost", points=1)
def test_mean_of_losses_on_random_data(sub, ref, rng):
    """is the mean of loss(x, y, w) over random data"""
    sub.substitute(FOR_COST)
    xs, ys = random_data(rng)
    w = away_from_best(rng, xs, ys)
    got = expect_float(sub.call("cost", xs, ys, w), f"cost(xs, ys, {w})", hint="return a single number")
    expect_close(got, ref.cost(xs, ys, w), f"cost(xs, ys, {w}) for xs = {xs}, ys = {ys}", rtol=1e-6, atol=1e-9,
                 hint=_hint(got, xs, ys, w))


@exercise("cost", points=1)
def test_lecture_data(sub, rng):
    """on the lecture's data, cost(xs, ys, w) = 14 / 3 * (w - 2) ** 2"""
    sub.substitute(FOR_COST)
    for w in (2.0, uniform(rng, -1.0, 1.5), uniform(rng, 2.5, 5.0)):
        got = expect_float(sub.call("cost", XS, YS, w), f"cost({XS}, {YS}, {w})", hint="return a single number")
        expect_close(got, 14 / 3 * (w - 2) ** 2, f"cost({XS}, {YS}, {w})", rtol=1e-6, atol=1e-9,
                     hint=_hint(got, XS, YS, w))

"""gradient: the derivative of the cost, on random data and on the lecture's data."""

from autograder.checks import expect_close, expect_float
from autograder.plugin import exercise
from autograder.suites.gradient_descent import XS, YS, away_from_best, close, random_data, uniform
from autograder.suites.gradient_descent.textbook import FOR_LOSS

FORMULA = "the gradient is the mean of 2 * x * (x * w - y) over zip(xs, ys)"


def _hint(got: float, xs: list[float], ys: list[float], w: float) -> str:
    terms = [2 * x * (x * w - y) for x, y in zip(xs, ys)]
    mean = sum(terms) / len(xs)
    if close(got, mean / 2):
        return "the value is half the expected one: the factor 2 of the derivative of (x * w - y) ** 2 is missing; " \
               + FORMULA
    if close(got, -mean):
        return "the sign is wrong: the derivative of (x * w - y) ** 2 is 2 * x * (x * w - y), not 2 * x * (y - x * w)"
    if close(got, sum(terms)) or close(got, sum(terms) / 2):
        return "this is the sum over the samples; the cost is a mean, so divide by len(xs)"
    if close(got, terms[-1] / len(xs)) or close(got, terms[-1]):
        return "only the last sample was counted: accumulate with `grad += ...`, not `grad = ...`"
    if close(got, terms[0] / len(xs)) or close(got, terms[0]):
        return "only the first sample was counted: the `return` is inside the for loop; move it out of the loop"
    return FORMULA


@exercise("gradient", points=1)
def test_random_data(sub, ref, rng):
    """is the mean of 2 * x * (x * w - y) on random data"""
    sub.substitute(FOR_LOSS)  # in case gradient calls forward
    xs, ys = random_data(rng)
    w = away_from_best(rng, xs, ys)
    got = expect_float(sub.call("gradient", xs, ys, w), f"gradient(xs, ys, {w})", hint="return a single number")
    expect_close(got, ref.gradient(xs, ys, w), f"gradient(xs, ys, {w}) for xs = {xs}, ys = {ys}", rtol=1e-6,
                 atol=1e-9, hint=_hint(got, xs, ys, w))


@exercise("gradient", points=1)
def test_lecture_data(sub, rng):
    """on the lecture's data, gradient(xs, ys, w) = 28 / 3 * (w - 2), the slope of the cost curve"""
    sub.substitute(FOR_LOSS)
    for w in (uniform(rng, -1.0, 1.5), uniform(rng, 2.5, 5.0)):
        got = expect_float(sub.call("gradient", XS, YS, w), f"gradient({XS}, {YS}, {w})",
                           hint="return a single number")
        expect_close(got, 28 / 3 * (w - 2), f"gradient({XS}, {YS}, {w})", rtol=1e-6, atol=1e-9,
                     hint=_hint(got, XS, YS, w))

"""grid_search: one cost per candidate w, and the best w (the lecture's cost is substituted)."""

import numpy as np
import torch

from autograder.checks import expect, expect_close, expect_float, expect_python_floats, expect_sequence, fail, kind
from autograder.plugin import exercise
from autograder.suites.gradient_descent import XS, YS, best_w, expect_floats, random_data, uniform
from autograder.suites.gradient_descent.textbook import FOR_TRAINING


def _search(sub, xs, ys, ws):
    result = expect_sequence(sub.call("grid_search", xs, ys, ws), "grid_search(xs, ys, ws)", length=2,
                             hint="return best_w, costs")
    costs = expect_floats(result[1], "costs", length=len(ws), hint="one cost per candidate w, in the order of ws")
    return result[0], costs, result[1]


def _cost(xs, ys, w):
    return sum((x * w - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


@exercise("grid_search", points=1)
def test_one_cost_per_candidate(sub, rng):
    """costs[i] = cost(xs, ys, ws[i]) for every candidate, in order"""
    sub.substitute(FOR_TRAINING)
    xs, ys = random_data(rng)
    low = uniform(rng, -1.0, 0.5)
    ws = [round(w, 3) for w in np.linspace(low, low + uniform(rng, 3.0, 5.0), 17).tolist()]
    _, costs, returned = _search(sub, xs, ys, ws)
    expected = [_cost(xs, ys, w) for w in ws]
    hint = "costs[i] must be cost(xs, ys, ws[i]): append the cost of every w in ws, in the order of ws"
    if costs == sorted(costs) and expected != sorted(expected):
        hint = "the costs are sorted: keep them in the order of ws"
    expect_close(np.array(costs), np.array(expected), "costs", rtol=1e-6, atol=1e-9, hint=hint)
    # "as a list of floats": the values are right, now their kind
    as_list = "append float(cost(xs, ys, w)) for each w to a list"
    if not isinstance(returned, list):
        fail(f"costs is {kind(returned)}, expected a list of Python floats", hint=as_list)
    expect_python_floats(returned, "costs", hint=as_list)


@exercise("grid_search", points=1)
def test_best_w(sub, rng):
    """best_w is the candidate w with the smallest cost (the lecture's grid and a shuffled random grid)"""
    sub.substitute(FOR_TRAINING)
    xs, ys = random_data(rng)
    grid = torch.linspace(best_w(xs, ys) - uniform(rng, 1.0, 2.0), best_w(xs, ys) + uniform(rng, 1.0, 2.0), 23)
    shuffled = [round(w, 3) for w in grid[torch.randperm(23, generator=rng)].tolist()]
    for data_x, data_y, ws, label in ((XS, YS, np.arange(0.0, 4.1, 0.1), "np.arange(0.0, 4.1, 0.1)"),
                                      (xs, ys, shuffled, "a shuffled list of candidates")):
        got, costs, _ = _search(sub, data_x, data_y, ws)
        expected_costs = [_cost(data_x, data_y, w) for w in ws]
        i = int(np.argmin(expected_costs))
        got = expect_float(got, "best_w", hint="return the best w as a number")
        hint = "best_w is the w in ws whose cost is the smallest: keep the w of the smallest cost seen so far"
        if abs(got - expected_costs[i]) < 1e-9 and abs(got - float(ws[i])) > 1e-9:
            hint = "best_w is the smallest cost, not the w that gives it: return ws[i] for the smallest costs[i]"
        elif got == i:
            hint = "best_w is the index of the smallest cost: return ws[i], not i"
        expect(abs(got - float(ws[i])) < 1e-9,
               f"on ws = {label}, grid_search returned best_w = {got:.6g}, expected {float(ws[i]):.6g}. {hint}")


@exercise("grid_search", points=1)
def test_the_first_of_tied_candidates_wins(sub, rng):
    """where several candidates tie for the smallest cost, best_w is the first of them in ws"""
    sub.substitute(FOR_TRAINING)
    # y = 2 x on small integers: w = 2 - 0.5 and w = 2 + 0.5 cost exactly the same in floating point.
    xs, ys = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
    tied = [1.5, 2.5] if float(torch.rand(1, generator=rng)) < 0.5 else [2.5, 1.5]
    ws = [0.0, tied[0], 4.0, tied[1]]
    got, _, _ = _search(sub, xs, ys, ws)
    got = expect_float(got, "best_w", hint="return the best w as a number")
    # The cause is named only where the result shows it: the later of the tied candidates came back.
    cause = ": replace the best only on a strictly smaller cost" if abs(got - tied[1]) < 1e-12 else ""
    expect(abs(got - tied[0]) < 1e-12,
           f"on ws = {ws}, whose candidates {tied[0]} and {tied[1]} tie for the smallest cost, grid_search returned "
           f"best_w = {got:g}, expected the first of them, {tied[0]:g}{cause}")

"""ema: the exponentially weighted average v[0] = values[0], v[t] = beta v[t-1] + (1 - beta) values[t]."""

import numpy as np
import torch

from autograder.checks import expect_close, expect_python_floats, fail, kind
from autograder.plugin import exercise
from autograder.suites.gradient_descent import close, expect_floats, uniform

RULE = "v[0] = values[0], then v[t] = beta * v[t-1] + (1 - beta) * values[t]"


def _values(rng, n=12):
    # A noisy decreasing loss curve, the kind of curve the lecture smooths.
    noise = torch.rand(n, generator=rng, dtype=torch.float64)
    return [round(v, 4) for v in (5.0 * 0.8 ** torch.arange(n, dtype=torch.float64) + noise).tolist()]


def _ema(values, beta, *, start=None, swapped=False, corrected=False):
    out, v = [], start
    for t, x in enumerate(values):
        if v is None:
            v = x
        elif swapped:
            v = beta * x + (1 - beta) * v
        else:
            v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta ** (t + 1)) if corrected else v)
    return out


def _hint(got, values, beta):
    if close(got, _ema(values, beta, swapped=True)):
        return ("beta weighs the current value instead of the running average: v[t] = beta * v[t-1] + "
                "(1 - beta) * values[t]")
    if close(got, _ema(values, beta, start=0.0)) or close(got, _ema(values, beta, start=0.0, corrected=True)):
        return "the average starts from 0: start it at the first value, v[0] = values[0]"
    if close(got[1:], _ema(values, beta)[:-1]) or close(got[1:], _ema(values[1:], beta)):
        return "the smoothed values are shifted by one: append v[t] for every t, starting with v[0] = values[0]"
    return RULE


def _smooth(sub, values, *args):
    label = f"ema(values{', ' + str(args[0]) if args else ''})"
    returned = sub.call("ema", values, *args)
    got = expect_floats(returned, label, length=len(values),
                        hint="return one smoothed value per input value, as a list")
    return label, got, returned


@exercise("ema", points=1)
def test_weighted_average(sub, rng):
    """follows v[0] = values[0], v[t] = beta * v[t-1] + (1 - beta) * values[t] for a given beta"""
    values = _values(rng)
    beta = uniform(rng, 0.6, 0.95, digits=2)
    label, got, returned = _smooth(sub, values, beta)
    expect_close(np.array(got), np.array(_ema(values, beta)), f"{label} for values = {values}", rtol=1e-9,
                 atol=1e-12, hint=_hint(got, values, beta))
    # "Returns a list of floats": the values are right, now their kind
    as_list = "return the smoothed values as a list of Python floats (float(v) for each)"
    if not isinstance(returned, list):
        fail(f"{label} is {kind(returned)}, expected a list of Python floats", hint=as_list)
    expect_python_floats(returned, label, hint=as_list)


@exercise("ema", points=1)
def test_default_beta(sub, ref, rng):
    """uses beta = 0.9 by default"""
    values = _values(rng, n=8)
    label, got, _ = _smooth(sub, values)
    hint = "the default is beta=0.9; " + RULE
    if not close(got, _ema(values, 0.9)):
        hint = _hint(got, values, 0.9) + " (the default is beta=0.9)"
    expect_close(np.array(got), np.array(ref.ema(values)), f"{label} for values = {values}", rtol=1e-9, atol=1e-12,
                 hint=hint)

"""What the training checks compare: an epoch's (loss, accuracy) and a history of (loss, accuracy, test accuracy),
each against what the reference did from the same start on the same minibatches."""

from collections.abc import Sequence

from autograder.checks import expect_close, expect_float, expect_sequence

EPOCH = ("the mean training loss", "the training accuracy")
HISTORY = (*EPOCH, "the test accuracy")


def expect_metrics(value: object, expected: Sequence[float], names: Sequence[str], what: str, *,
                   hint: str = "") -> list[float]:
    """``value`` holds one number per name, each within float rounding of ``expected``."""
    items = expect_sequence(value, what, length=len(names), hint=f"return ({', '.join(names)})")
    got = [expect_float(v, f"{name} from {what}") for v, name in zip(items, names)]
    for g, e, name in zip(got, expected, names):
        expect_close(g, e, f"{name} from {what}", rtol=1e-4, atol=1e-6, hint=hint)
    return got


def expect_history(value: object, expected: Sequence[Sequence[float]], what: str, *, hint: str = "") -> None:
    """One (train loss, train accuracy, test accuracy) per epoch, as the reference recorded them."""
    epochs = expect_sequence(value, what, length=len(expected),
                             hint="append one (train loss, train accuracy, test accuracy) per epoch")
    for e, (got, want) in enumerate(zip(epochs, expected)):
        expect_metrics(got, want, HISTORY, f"epoch {e + 1} of {what}", hint=hint)

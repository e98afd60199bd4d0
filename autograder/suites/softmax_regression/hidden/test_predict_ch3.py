"""predict_ch3: the true and predicted names of the first n images of the first test minibatch.

The book's get_fashion_mnist_labels stands in for the student's (builds_on)."""

from autograder import book
from autograder.checks import expect, expect_sequence
from autograder.plugin import exercise
from autograder.suites.softmax_regression.hidden import setups
from autograder.suites.softmax_regression.hidden.images import batches, parameters


def _predict(sub, ref, rng, **kwargs):
    data = batches(rng, [8, 4], classes=10)
    weight, bias = parameters(rng, 16, 10)
    weight = weight.T.contiguous() * 300  # large enough that the predictions vary from image to image
    sub.substitute(book.sources(setups, "Probe"))
    probe = sub.new("Probe", weight, bias)
    args = "".join(f", {k}={v}" for k, v in kwargs.items())
    call = f"predict_ch3(net, test_iter{args})"
    got = expect_sequence(sub.call("predict_ch3", probe, data, **kwargs), call, length=2,
                          hint="return (trues, preds), each a list of n names")
    expected = ref.predict_ch3(setups.Probe(weight, bias), data, **kwargs)
    for what, g, e in zip(("true", "predicted"), got, expected):
        g = expect_sequence(g, f"the {what} labels from {call}", hint="a list of names, get_fashion_mnist_labels(...)")
        expect(len(g) == len(e), f"{call} gives {len(g)} {what} labels, expected {len(e)}: the first n of the "
               "first minibatch, [:n]")
        expect(g == e, f"the {what} labels from {call} are {g}, expected {e}" + (
            ": name net(X).argmax(axis=1), the class each row scores highest" if what == "predicted" else
            ": name the labels y of the first minibatch"))


@exercise("predict_ch3", points=1, builds_on=("get_fashion_mnist_labels",))
def test_first_n_of_the_first_minibatch(sub, ref, rng):
    """for n=5, the names of the first 5 labels of the first test minibatch and of the network's predictions"""
    _predict(sub, ref, rng, n=5)


@exercise("predict_ch3", points=1, builds_on=("get_fashion_mnist_labels",))
def test_six_by_default(sub, ref, rng):
    """n is 6 by default"""
    _predict(sub, ref, rng)

"""get_fashion_mnist_labels: each numeric label's name, as a list."""

import torch

from autograder.checks import expect, kind
from autograder.plugin import exercise


def _labels(sub, labels, call):
    got = sub.call("get_fashion_mnist_labels", labels)
    expect(type(got) is list, f"{call} returned {kind(got)}: return a list of the names, one per label")
    return got


@exercise("get_fashion_mnist_labels", points=1)
def test_names_a_tensor_of_labels(sub, ref, rng):
    """names each label of an int64 tensor, in order: 0 -> 't-shirt', ..., 9 -> 'ankle boot'"""
    labels = torch.cat([torch.randperm(10, generator=rng), torch.randint(0, 10, (5,), generator=rng)])
    call = f"get_fashion_mnist_labels(torch.tensor({labels.tolist()}))"
    got = _labels(sub, labels, call)
    expected = ref.get_fashion_mnist_labels(labels)
    expect(got == expected, f"{call} is {got}, expected {expected}")


@exercise("get_fashion_mnist_labels", points=1)
def test_names_a_list_of_ints(sub):
    """takes any iterable of labels, such as a list of ints, and an empty one gives an empty list"""
    call = "get_fashion_mnist_labels([6, 0, 8])"
    got = _labels(sub, [6, 0, 8], call)
    expect(got == ["shirt", "t-shirt", "bag"], f"{call} is {got}, expected ['shirt', 't-shirt', 'bag']")
    empty = _labels(sub, [], "get_fashion_mnist_labels([])")
    expect(empty == [], f"get_fashion_mnist_labels([]) is {empty}, expected []")

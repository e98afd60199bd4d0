"""load_array: a DataLoader over a TensorDataset; in order for evaluation, reshuffled every epoch for training,
always with the last, smaller minibatch."""

import torch

from autograder.checks import expect, expect_sequence, expect_tensor
from autograder.plugin import exercise

N, BATCH = 23, 5
SIZES = [BATCH] * (N // BATCH) + [N % BATCH]


def _data():
    # Row i of the features is (i, -i) and label i is i, so order, coverage and alignment are visible.
    index = torch.arange(N, dtype=torch.float32)
    return torch.stack([index, -index], dim=1), index.reshape(-1, 1)


def _epoch(loader, call):
    out = []
    for k, item in enumerate(expect_sequence(list(loader.items()), f"the minibatches of {call}")):
        pair = expect_sequence(item, f"minibatch {k} of {call}", length=2,
                               hint="build the dataset with data.TensorDataset(*data_arrays)")
        X = expect_tensor(pair[0], f"X of minibatch {k}")
        y = expect_tensor(pair[1], f"y of minibatch {k}")
        expect(X.dim() == 2 and X.shape[1] == 2 and len(y) == len(X),
               f"minibatch {k} of {call} holds X of shape {tuple(X.shape)} and y of shape {tuple(y.shape)}: "
               "each minibatch should be rows of features with their labels")
        out.append((X, y.reshape(-1)))
    return out


def _coverage(batches, call):
    sizes = [len(X) for X, _ in batches]
    seen = torch.cat([y for _, y in batches]).long().tolist() if batches else []
    if sizes == SIZES[:-1]:
        expect(False, f"{call} gives minibatches of sizes {sizes}: the last {N % BATCH} examples are dropped. "
               "Keep the last, smaller minibatch (do not pass drop_last=True)")
    expect(sizes == SIZES, f"{call} gives minibatches of sizes {sizes}, expected {SIZES}: pass batch_size to "
           "data.DataLoader(dataset, batch_size, ...)")
    expect(sorted(seen) == list(range(N)), f"{call} does not give every example exactly once per epoch")
    return seen


@exercise("load_array", points=1)
def test_a_dataloader_over_a_tensordataset(sub):
    """returns a DataLoader over a TensorDataset whose minibatches keep features and labels aligned"""
    call = f"load_array((features, labels), {BATCH})"
    loader = sub.new("load_array", _data(), BATCH)
    expect(loader.type_name == "DataLoader", f"{call} returned a {loader.type_name}, expected a DataLoader: "
           "return data.DataLoader(data.TensorDataset(*data_arrays), batch_size, shuffle=is_train)")
    dataset = loader.get("dataset")
    name = getattr(dataset, "type_name", type(dataset).__name__)
    expect(name == "TensorDataset", f"the DataLoader's dataset is a {name}, expected a TensorDataset: "
           "dataset = data.TensorDataset(*data_arrays)")
    for k, (X, y) in enumerate(_epoch(loader, call)):
        expect(torch.equal(X[:, 0], y) and torch.equal(X[:, 1], -y),
               f"in minibatch {k} the feature rows do not belong to the labels: put features and labels in one "
               "data.TensorDataset(*data_arrays) so they are drawn together")


@exercise("load_array", points=1)
def test_in_order_with_the_last_partial_batch_when_not_training(sub):
    """with is_train=False, gives the examples in their order, the last minibatch smaller"""
    call = f"load_array((features, labels), {BATCH}, is_train=False)"
    loader = sub.new("load_array", _data(), BATCH, is_train=False)
    seen = _coverage(_epoch(loader, call), call)
    expect(seen == list(range(N)), f"{call} shuffled the examples: shuffle only for training, "
           "data.DataLoader(dataset, batch_size, shuffle=is_train)")


@exercise("load_array", points=1)
def test_reshuffled_every_epoch_when_training(sub):
    """by default (is_train=True), gives all the examples in a new random order every epoch"""
    call = f"load_array((features, labels), {BATCH})"
    loader = sub.new("load_array", _data(), BATCH)
    first = _coverage(_epoch(loader, call), call)
    second = _coverage(_epoch(loader, call), call)
    expect(first != list(range(N)), f"{call} gives the examples in their original order: shuffle for training, "
           "data.DataLoader(dataset, batch_size, shuffle=is_train)")
    expect(first != second, f"two epochs over {call} came in the same order: let the DataLoader reshuffle "
           "(shuffle=is_train) rather than shuffling the data once")

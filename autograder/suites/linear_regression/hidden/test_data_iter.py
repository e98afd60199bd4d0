"""data_iter: an exact partition in minibatches, rows aligned, a fresh order on every call."""

import torch

from autograder.checks import expect, expect_sequence, expect_tensor, kind
from autograder.plugin import exercise
from autograder.runner.wire import RemoteObject
from autograder.submission import Remote

N, BATCH = 103, 10


def _data():
    # Row i of the features is (i, -i) and label i is i, so alignment and coverage are visible.
    index = torch.arange(N, dtype=torch.float32)
    return torch.stack([index, -index], dim=1), index.reshape(-1, 1)


def _batches(sub, features, labels, batch=BATCH):
    call = f"data_iter({batch}, features, labels)"
    batches = expect_sequence(list(_iterate(sub, sub.call("data_iter", batch, features, labels), call)), call)
    # Nothing yielded would pass every per-batch check below: no points for nothing.
    expect(len(batches) > 0, f"data_iter({batch}, features, labels) yielded no minibatch for {len(features)} "
           "examples: yield (features[batch_indices], labels[batch_indices]) for each slice of the shuffled indices")
    out = []
    for k, item in enumerate(batches):
        pair = expect_sequence(item, f"minibatch {k}", length=2, hint="yield X_batch, y_batch")
        X = expect_tensor(pair[0], f"X of minibatch {k}")
        y = expect_tensor(pair[1], f"y of minibatch {k}")
        expect(X.dim() == 2 and X.shape[1] == 2, f"X of minibatch {k} has shape {tuple(X.shape)}, expected (b, 2): "
               "index the rows with features[batch_indices]")
        expect(len(X) == len(y), f"minibatch {k} has {len(X)} feature rows but {len(y)} labels")
        out.append((X, y.reshape(-1)))
    return out


def _iterate(sub, value, call: str):
    """The minibatches of whatever iterable data_iter returned: a generator, a list, a DataLoader..."""
    if isinstance(value, RemoteObject):  # an iterable that is not an iterator stays in the runner: iterate it there
        return Remote(sub, value, call).items()
    expect(isinstance(value, list | tuple), f"data_iter should return an iterable of minibatches (use yield), "
           f"but it returned {kind(value)}")
    return value


@exercise("data_iter", points=1)
def test_exact_partition_with_smaller_last_batch(sub):
    """yields every example exactly once, in batches of batch_size and a smaller last one"""
    features, labels = _data()
    batches = _batches(sub, features, labels)
    sizes = [len(X) for X, _ in batches]
    seen = torch.cat([y for _, y in batches]).long().tolist() if batches else []
    missing = sorted(set(range(N)) - set(seen))
    if len(missing) == N % BATCH and len(seen) == N - N % BATCH:
        expect(False, f"the last {N % BATCH} examples are missing (batch sizes {sizes}): keep the smaller last "
                      "batch, slicing indices[i: min(i + batch_size, num_examples)]")
    expect(not missing, f"{len(missing)} of {N} examples never appear in any minibatch (batch sizes {sizes})")
    expect(len(seen) == N, f"the minibatches hold {len(seen)} examples for {N} in the data: some appear twice; "
           "shuffle a list of indices once and walk through it")
    expected = [BATCH] * (N // BATCH) + [N % BATCH]
    expect(sizes == expected, f"batch sizes are {sizes}, expected {expected}")


@exercise("data_iter", points=1)
def test_features_and_labels_stay_aligned(sub):
    """each minibatch's feature rows belong to its labels"""
    features, labels = _data()
    batches = _batches(sub, features, labels)
    # A facet: alignment counts only where the minibatches hold the examples (rows of zeros align too).
    seen = sorted(torch.cat([y for _, y in batches]).tolist())
    expect(seen == labels.reshape(-1).tolist(), "the minibatches do not hold every example exactly once, so their "
           "alignment cannot count yet: yield features[batch_indices], labels[batch_indices] for each slice")
    for k, (X, y) in enumerate(batches):
        expect(torch.equal(X[:, 0], y) and torch.equal(X[:, 1], -y),
               f"in minibatch {k} the feature rows do not match the labels: index features and labels with the "
               "same batch_indices")


# Established by the check itself (the catalogue's data_iter_shuffles_once_at_import takes it from here): a
# replay of that mistake in a fresh runner cannot show an order the student's runner kept from an earlier check.
SHUFFLED_ONCE = "the order is drawn once and reused: shuffle the indices again on every call of data_iter"


@exercise("data_iter", points=1)
def test_random_order_on_every_call(sub):
    """shuffles, with a different order on each call"""
    features, labels = _data()
    first = torch.cat([y for _, y in _batches(sub, features, labels)]).tolist()
    second = torch.cat([y for _, y in _batches(sub, features, labels)]).tolist()
    expect(first != sorted(first), "the examples come in their original order: shuffle the indices "
           "(random.shuffle(indices) or torch.randperm)")
    expect(first != second, f"two calls gave the same order: {SHUFFLED_ONCE}")

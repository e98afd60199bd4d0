"""load_data_fashion_mnist: the IDX files read into DataLoaders of scaled float images and int64 labels.

The files are written in the runner (harness.write_fashion_mnist), with image i marked by its own pixel values,
so order, coverage and alignment are all visible."""

import torch

from autograder import book
from autograder.checks import expect, expect_sequence, expect_tensor
from autograder.plugin import exercise
from autograder.suites.softmax_regression import harness

TRAIN, TEST, BATCH = 12, 7, 5


def _data(rng):
    images = torch.randint(0, 256, (TRAIN + TEST, 28, 28), generator=rng, dtype=torch.uint8)
    images[:, 0, 0] = torch.arange(TRAIN + TEST, dtype=torch.uint8)  # each image's number, in its corner
    labels = torch.randint(0, 10, (TRAIN + TEST,), generator=rng, dtype=torch.uint8)
    return images[:TRAIN], labels[:TRAIN], images[TRAIN:], labels[TRAIN:]


def _loaders(sub, rng, *, gz=False, **kwargs):
    data = _data(rng)
    sub.substitute(book.sources(harness, "write_fashion_mnist"))
    root = sub.new("write_fashion_mnist", *data, gz=gz)
    args = ", ".join([str(BATCH), *(f"{k}={v}" for k, v in kwargs.items()), "root=folder"])
    call = f"load_data_fashion_mnist({args})"
    pair = expect_sequence(sub.call("load_data_fashion_mnist", BATCH, root=root, **kwargs), call, length=2,
                           hint="return the train and the test DataLoader: return train_iter, test_iter")
    return [sub.hold(loader, f"the {split} loader of {call}") for loader, split in zip(pair, ("train", "test"))], \
        data, call


def _epoch(loader, side=28):
    """The minibatches of one pass, checked for shape and dtype: [(X, y)]."""
    out = []
    for k, item in enumerate(expect_sequence(list(loader.items()), f"the minibatches of {loader.label}")):
        X, y = expect_sequence(item, f"minibatch {k} of {loader.label}", length=2,
                               hint="each minibatch is (images, labels): data.TensorDataset(images, labels)")
        X = expect_tensor(X, f"the images of minibatch {k} of {loader.label}", dtype=torch.float32,
                          hint="convert the uint8 pixels with .float() / 255")
        expect(X.dim() == 4 and tuple(X.shape[1:]) == (1, side, side),
               f"the images of minibatch {k} of {loader.label} have shape {tuple(X.shape)}, expected "
               f"(batch, 1, {side}, {side})" + (": reshape the images to (-1, 1, 28, 28)" if side == 28 else ""))
        top = float(X.max()) if X.numel() else 0.0
        expect(bool((X >= 0).all()) and top <= 1,
               f"the images of minibatch {k} of {loader.label} have pixels up to {top:g}: scale the uint8 pixels to "
               "[0, 1] with .float() / 255")
        y = expect_tensor(y, f"the labels of minibatch {k} of {loader.label}", shape=(len(X),), dtype=torch.int64,
                          hint="labels are int64, as cross-entropy indexes with them: labels.long()")
        out.append((X, y))
    return out


def _numbers(batches):
    """The number of each image, from its corner pixel (scaled to [0, 1])."""
    return [round(float(v) * 255) for X, _ in batches for v in X[:, 0, 0, 0]]


@exercise("load_data_fashion_mnist", points=1)
def test_the_test_loader_holds_the_scaled_images_in_order(sub, rng):
    """the test loader gives every test image once, in order, as float32 pixels / 255 with its int64 label"""
    (_, test), (*_, images, labels), call = _loaders(sub, rng)
    batches = _epoch(test)
    sizes = [len(X) for X, _ in batches]
    expect(sizes == [BATCH, TEST - BATCH], f"the test loader of {call} gives minibatches of sizes {sizes}, expected "
           f"{[BATCH, TEST - BATCH]}: data.DataLoader(dataset, batch_size) over all {TEST} test images")
    X = torch.cat([X for X, _ in batches])
    y = torch.cat([y for _, y in batches])
    expect(_numbers(batches) == list(range(TRAIN, TRAIN + TEST)),
           f"the test loader of {call} does not give the test images in their order: read the t10k files, and do "
           "not shuffle the test loader")
    expect(torch.allclose(X, images.float().reshape(-1, 1, 28, 28) / 255, atol=1e-6),
           f"the test images of {call} are not the file's pixels / 255")
    expect(torch.equal(y, labels.long()), f"the test labels of {call} are not the file's labels, in order")


@exercise("load_data_fashion_mnist", points=1)
def test_the_train_loader_reshuffles_every_epoch(sub, rng):
    """the train loader gives every training image once per epoch with its label, in a new order each epoch"""
    (train, _), (images, labels, *_), call = _loaders(sub, rng)
    orders = []
    for _ in range(2):
        batches = _epoch(train)
        order = _numbers(batches)
        expect(sorted(order) == list(range(TRAIN)), f"one epoch of the train loader of {call} gives the images "
               f"{order}, expected each of the {TRAIN} training images once")
        y = torch.cat([y for _, y in batches])
        expect(torch.equal(y, labels.long()[order]), f"in the train loader of {call} the labels do not belong to "
               "their images: put both in one data.TensorDataset(images, labels)")
        orders.append(order)
    expect(orders[0] != list(range(TRAIN)) and orders[0] != orders[1],
           f"the train loader of {call} gives the images in the same order every epoch: shuffle=True for training")


@exercise("load_data_fashion_mnist", points=1)
def test_gzipped_files_and_resize(sub, rng):
    """reads the gzipped files when only those are there, and resize=14 gives 14 x 14 images in [0, 1]"""
    (_, test), _, call = _loaders(sub, rng, gz=True, resize=14)
    batches = _epoch(test, side=14)
    X = torch.cat([X for X, _ in batches])
    expect(len(X) == TEST, f"the test loader of {call} gives {len(X)} images, expected {TEST}")

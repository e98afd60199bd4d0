"""softmax_regression: Fashion-MNIST, softmax regression from scratch and concise (d2l 3.5-3.7).

Work through the functions in order: each exercise is graded on its own. Run the self-check with

    python -m autograder check softmax_regression
"""

import gzip
import struct
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils import data

TEXT_LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
               "sandal", "shirt", "sneaker", "bag", "ankle boot"]
FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def _read_idx(path: Path) -> torch.Tensor:
    """An IDX file (gzipped or not) as a uint8 tensor of the shape its header gives."""
    raw = path.read_bytes() if path.exists() else gzip.decompress(path.with_name(path.name + ".gz").read_bytes())
    ndim = raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8).reshape(shape)


def load_data_fashion_mnist(batch_size: int, resize: int | None = None,
                            root: str = "../data/FashionMNIST/raw") -> tuple[data.DataLoader, data.DataLoader]:
    """The train and test DataLoaders: images (batch, 1, 28, 28) float32 in [0, 1] (resize x resize if given),
    labels (batch,) int64; the train loader shuffles, the test loader does not."""
    # TODO: implement load_data_fashion_mnist (see the docstring above).
    raise NotImplementedError("load_data_fashion_mnist: not implemented yet")


def get_fashion_mnist_labels(labels) -> list[str]:
    """The text label of each numeric label: 0 -> 't-shirt', ..., 9 -> 'ankle boot'."""
    # TODO: implement get_fashion_mnist_labels (see the docstring above).
    raise NotImplementedError("get_fashion_mnist_labels: not implemented yet")


def show_images(imgs, num_rows: int, num_cols: int, titles=None, scale: float = 1.5) -> plt.Figure:
    """A num_rows x num_cols grid of images (one per axis, axes hidden, titled when titles are given); the Figure."""
    # TODO: implement show_images (see the docstring above).
    raise NotImplementedError("show_images: not implemented yet")


def softmax(X: torch.Tensor) -> torch.Tensor:
    """exp(X_ij) / sum_k exp(X_ik), row by row: each row of the (n, q) result is a probability distribution."""
    # TODO: implement softmax (see the docstring above).
    raise NotImplementedError("softmax: not implemented yet")


def net(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """softmax(X.reshape((-1, W.shape[0])) @ W + b): (n, q) probabilities for W (d, q) and b (q,)."""
    # TODO: implement net (see the docstring above).
    raise NotImplementedError("net: not implemented yet")


def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """-log y_hat[i, y[i]] for each example i: (n,) losses, for probabilities y_hat (n, q) and labels y (n,)."""
    # TODO: implement cross_entropy (see the docstring above).
    raise NotImplementedError("cross_entropy: not implemented yet")


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """The number of correct predictions, as a float, for y_hat (n, q) of scores with q > 1 classes (each row's
    argmax is its prediction, whatever n) or (n,) of predicted labels."""
    # TODO: implement accuracy (see the docstring above).
    raise NotImplementedError("accuracy: not implemented yet")


class Accumulator:
    """Sums over n variables: add(*args) adds each to its own running sum, [i] reads one as a float, reset() zeroes
    them all."""

    def __init__(self, n: int):
        """n sums, each 0.0."""
        # TODO: implement Accumulator.__init__ (see the docstring above).
        raise NotImplementedError("Accumulator.__init__: not implemented yet")

    def add(self, *args) -> None:
        """Add the i-th argument (a number or a one-element tensor) to the i-th sum, as a float."""
        # TODO: implement Accumulator.add (see the docstring above).
        raise NotImplementedError("Accumulator.add: not implemented yet")

    def reset(self) -> None:
        """Set every sum back to 0.0."""
        # TODO: implement Accumulator.reset (see the docstring above).
        raise NotImplementedError("Accumulator.reset: not implemented yet")

    def __getitem__(self, idx: int) -> float:
        """The idx-th sum."""
        # TODO: implement Accumulator.__getitem__ (see the docstring above).
        raise NotImplementedError("Accumulator.__getitem__: not implemented yet")


def evaluate_accuracy(net, data_iter) -> float:
    """The fraction of correct predictions of net over data_iter, with a module in eval mode and no gradients."""
    # TODO: implement evaluate_accuracy (see the docstring above).
    raise NotImplementedError("evaluate_accuracy: not implemented yet")


def train_epoch_ch3(net, train_iter, loss, updater) -> tuple[float, float]:
    """One epoch over train_iter, a module in training mode: (mean loss per example, fraction correct). updater is
    a torch optimizer (stepped on the mean loss), or the book's updater(batch_size), called after backward() on the
    summed losses."""
    # TODO: implement train_epoch_ch3 (see the docstring above).
    raise NotImplementedError("train_epoch_ch3: not implemented yet")


def train_ch3(net, train_iter, test_iter, loss, num_epochs: int, updater) -> list[tuple[float, float, float]]:
    """num_epochs of train_epoch_ch3; per epoch, (train loss, train accuracy, test accuracy)."""
    # TODO: implement train_ch3 (see the docstring above).
    raise NotImplementedError("train_ch3: not implemented yet")


def predict_ch3(net, test_iter, n: int = 6) -> tuple[list[str], list[str]]:
    """For the first n images of the first test batch: (true text labels, predicted text labels)."""
    # TODO: implement predict_ch3 (see the docstring above).
    raise NotImplementedError("predict_ch3: not implemented yet")


def concise_net() -> nn.Sequential:
    """nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), its Linear weights drawn from N(0, 0.01^2)."""
    # TODO: implement concise_net (see the docstring above).
    raise NotImplementedError("concise_net: not implemented yet")


def train_concise(train_iter, test_iter, num_epochs: int = 10, lr: float = 0.1):
    """concise_net trained with nn.CrossEntropyLoss(reduction='none') and torch.optim.SGD(lr); (net, history)."""
    # TODO: implement train_concise (see the docstring above).
    raise NotImplementedError("train_concise: not implemented yet")

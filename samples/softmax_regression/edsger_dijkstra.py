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
    ### BEGIN SOLUTION
    loaders = []
    for split in ("train", "test")
        images, labels = (_read_idx(Path(root) / name) for name in FILES[split])
        X = images.reshape(-1, 1, 28, 28).float() / 255
        if resize:
            X = nn.functional.interpolate(X, size=(resize, resize), mode="bilinear", align_corners=False)
        dataset = data.TensorDataset(X, labels.long())
        loaders.append(data.DataLoader(dataset, batch_size, shuffle=split == "train"))
    return loaders[0], loaders[1]
    ### END SOLUTION


def get_fashion_mnist_labels(labels) -> list[str]:
    """The text label of each numeric label: 0 -> 't-shirt', ..., 9 -> 'ankle boot'."""
    ### BEGIN SOLUTION
    return [TEXT_LABELS[int(i)] for i in labels]
    ### END SOLUTION


def show_images(imgs, num_rows: int, num_cols: int, titles=None, scale: float = 1.5) -> plt.Figure:
    """A num_rows x num_cols grid of images (one per axis, axes hidden, titled when titles are given); the Figure."""
    ### BEGIN SOLUTION
    figsize = (num_cols * scale, num_rows * scale)
    fig, axes = plt.subplots(num_rows, num_cols, figsize=figsize, squeeze=False)
    for i, (ax, img) in enumerate(zip(axes.flatten(), imgs)):
        ax.imshow(img.numpy() if torch.is_tensor(img) else img)
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if titles:
            ax.set_title(titles[i])
    return fig
    ### END SOLUTION


def softmax(X: torch.Tensor) -> torch.Tensor:
    """exp(X_ij) / sum_k exp(X_ik), row by row: each row of the (n, q) result is a probability distribution."""
    ### BEGIN SOLUTION
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition
    ### END SOLUTION


def net(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """softmax(X.reshape((-1, W.shape[0])) @ W + b): (n, q) probabilities for W (d, q) and b (q,)."""
    ### BEGIN SOLUTION
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)
    ### END SOLUTION


def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """-log y_hat[i, y[i]] for each example i: (n,) losses, for probabilities y_hat (n, q) and labels y (n,)."""
    ### BEGIN SOLUTION
    return -torch.log(y_hat[range(len(y_hat)), y])
    ### END SOLUTION


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """The number of correct predictions, as a float, for y_hat (n, q) of scores with q > 1 classes (each row's
    argmax is its prediction, whatever n) or (n,) of predicted labels."""
    ### BEGIN SOLUTION
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())
    ### END SOLUTION


class Accumulator:
    """Sums over n variables: add(*args) adds each to its own running sum, [i] reads one as a float, reset() zeroes
    them all."""

    def __init__(self, n: int):
        """n sums, each 0.0."""
        ### BEGIN SOLUTION
        self.data = [0.0] * n
        ### END SOLUTION

    def add(self, *args) -> None:
        """Add the i-th argument (a number or a one-element tensor) to the i-th sum, as a float."""
        ### BEGIN SOLUTION
        self.data = [a + float(b) for a, b in zip(self.data, args)]
        ### END SOLUTION

    def reset(self) -> None:
        """Set every sum back to 0.0."""
        ### BEGIN SOLUTION
        self.data = [0.0] * len(self.data)
        ### END SOLUTION

    def __getitem__(self, idx: int) -> float:
        """The idx-th sum."""
        ### BEGIN SOLUTION
        return self.data[idx]
        ### END SOLUTION


def evaluate_accuracy(net, data_iter) -> float:
    """The fraction of correct predictions of net over data_iter, with a module in eval mode and no gradients."""
    ### BEGIN SOLUTION
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]
    ### END SOLUTION


def train_epoch_ch3(net, train_iter, loss, updater) -> tuple[float, float]:
    """One epoch over train_iter, a module in training mode: (mean loss per example, fraction correct). updater is
    a torch optimizer (stepped on the mean loss), or the book's updater(batch_size), called after backward() on the
    summed losses."""
    ### BEGIN SOLUTION
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)  # noqa: E741 - the book's name
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.detach().sum()), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]
    ### END SOLUTION


def train_ch3(net, train_iter, test_iter, loss, num_epochs: int, updater) -> list[tuple[float, float, float]]:
    """num_epochs of train_epoch_ch3; per epoch, (train loss, train accuracy, test accuracy)."""
    ### BEGIN SOLUTION
    history = []
    for _ in range(num_epochs):
        train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater)
        history.append((train_loss, train_acc, evaluate_accuracy(net, test_iter)))
    return history
    ### END SOLUTION


def predict_ch3(net, test_iter, n: int = 6) -> tuple[list[str], list[str]]:
    """For the first n images of the first test batch: (true text labels, predicted text labels)."""
    ### BEGIN SOLUTION
    X, y = next(iter(test_iter))
    trues = get_fashion_mnist_labels(y)
    preds = get_fashion_mnist_labels(net(X).argmax(axis=1))
    return trues[:n], preds[:n]
    ### END SOLUTION


def concise_net() -> nn.Sequential:
    """nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), its Linear weights drawn from N(0, 0.01^2)."""
    ### BEGIN SOLUTION
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))

    def init_weights(m):
        if type(m) is nn.Linear:
            nn.init.normal_(m.weight, std=0.01)

    model.apply(init_weights)
    return model
    ### END SOLUTION


def train_concise(train_iter, test_iter, num_epochs: int = 10, lr: float = 0.1):
    """concise_net trained with nn.CrossEntropyLoss(reduction='none') and torch.optim.SGD(lr); (net, history)."""
    ### BEGIN SOLUTION
    model = concise_net()
    loss = nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(model.parameters(), lr=lr)
    return model, train_ch3(model, train_iter, test_iter, loss, num_epochs, trainer)
    ### END SOLUTION

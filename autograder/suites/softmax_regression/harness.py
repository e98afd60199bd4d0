"""Kit code the public and hidden checks send a runner (``book.sources``): Fashion-MNIST files written the way the
data set ships them, a classifier of images with given weights, and the loss and optimizer of d2l 3.7.

It runs in the runner, so it imports only what a submission may; it answers no exercise.
"""

import gzip
import os
import struct
import tempfile
from pathlib import Path

import torch
from torch import nn

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


class IdxFolder(os.PathLike):
    """A folder, as a path (os.fspath, str) whose repr names no place: what a check reads from the student's code
    must not depend on where the folder happens to be (the diagnosis compares those reads)."""

    def __init__(self, path: str):
        self.path = path

    def __fspath__(self) -> str:
        return self.path

    def __str__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return "IdxFolder('fashion-mnist')"


def write_fashion_mnist(train_images: torch.Tensor, train_labels: torch.Tensor, test_images: torch.Tensor,
                        test_labels: torch.Tensor, gz: bool = False) -> IdxFolder:
    """A fresh folder holding the four IDX files (uint8 images (n, 28, 28), labels (n,)), gzipped if ``gz``."""
    folder = Path(tempfile.mkdtemp(prefix="fashion-mnist-"))
    for name, array in zip(NAMES, (train_images, train_labels, test_images, test_labels)):
        header = bytes([0, 0, 8, array.dim()]) + struct.pack(f">{array.dim()}I", *array.shape)
        raw = header + array.to(torch.uint8).contiguous().numpy().tobytes()
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(raw, mtime=0))
        else:
            (folder / name).write_bytes(raw)
    return IdxFolder(str(folder))


class OptimizerParts:
    """The loss and the optimizer d2l 3.7 trains ``network`` with: per-example cross-entropy, SGD at ``lr``."""

    def __init__(self, network: nn.Module, lr: float):
        self.criterion = nn.CrossEntropyLoss(reduction="none")
        self.optimizer = torch.optim.SGD(network.parameters(), lr=lr)


class PixelClassifier(nn.Module):
    """Scores of flattened images from a given weight (q, d) and bias (q,): a network whose every score the check
    can compute, made without any of the exercises (a handout's notebook checks them before concise_net)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor):
        super().__init__()
        self.weight = nn.Parameter(weight.detach().clone())
        self.bias = nn.Parameter(bias.detach().clone())

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return X.reshape(len(X), -1) @ self.weight.T + self.bias

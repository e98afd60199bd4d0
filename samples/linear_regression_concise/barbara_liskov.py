"""Linear regression the concise way, and a first nonlinear fit (Dive into Deep Learning, section 3.3).

PyTorch's own parts replace the from-scratch ones of 3.2: a DataLoader over a TensorDataset,
nn.Linear inside nn.Sequential, nn.MSELoss and torch.optim.SGD. The same training loop then
fits a small network to a noisy cubic. `Net` is a fix-the-bug exercise: it is given as
published, with one bug in `forward`.

Each exercise is graded on its own (`train_concise`, `mlp` and `plot_fit` are checked with the
textbook's versions of the other functions). Run the self-check with

    python -m autograder check linear_regression_concise
"""

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.utils import data


def load_array(data_arrays: tuple[torch.Tensor, ...], batch_size: int, is_train: bool = True) -> data.DataLoader:
    """A DataLoader over data.TensorDataset(*data_arrays) in minibatches of `batch_size` (d2l 3.3.2).

    `data_arrays` is a tuple of tensors with the same number of rows, e.g. (features, labels);
    each minibatch is [X, y]. Reshuffle every epoch only when `is_train`, and keep the last,
    smaller minibatch.
    """
    # TODO: implement load_array (see the docstring above).
    raise NotImplementedError("load_array: not implemented yet")


def linear_net(num_inputs: int) -> nn.Sequential:
    """nn.Sequential(nn.Linear(num_inputs, 1)) with weight ~ N(0, 0.01^2) (std 0.01) and bias 0 (d2l 3.3.3-3.3.4)."""
    # TODO: implement linear_net (see the docstring above).
    raise NotImplementedError("linear_net: not implemented yet")


def train_concise(
    net: nn.Module,
    features: torch.Tensor,
    labels: torch.Tensor,
    *,
    lr: float = 0.03,
    num_epochs: int = 3,
    batch_size: int = 10,
) -> list[float]:
    """Train `net` in place by minibatch SGD on the mean squared error (d2l 3.3.5-3.3.7); returns one loss per epoch.

    Minibatches come from load_array((features, labels), batch_size); the loss is nn.MSELoss()
    and the optimizer torch.optim.SGD(net.parameters(), lr=lr). For each minibatch:
    zero the gradients, compute the loss, backward(), step(). After each epoch append
    the MSE of `net` over all the data, as a float.
    """
    # TODO: implement train_concise (see the docstring above).
    raise NotImplementedError("train_concise: not implemented yet")


class Net(nn.Module):
    """A linear layer as an nn.Module subclass: Net(n_input, n_output)(input) is self.predict(input).

    `self.predict = nn.Linear(n_input, n_output)`; an input of shape (n, n_input) gives (n, n_output).
    """

    def __init__(self, n_input: int, n_output: int) -> None:
        super().__init__()
        self.predict = nn.Linear(n_input, n_output)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """The output for a minibatch `input` of shape (n, n_input): shape (n, n_output)."""
        # TODO: this line has a bug (Net(2, 1)(X) raises an error): find it and fix it.
        out = self.predict(out)
        return out


def cubic_data(size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """X = torch.linspace(-1, 1, size).reshape(size, 1) and y = X**3 + torch.randn(size, 1) / 10; returns (X, y)."""
    # TODO: implement cubic_data (see the docstring above).
    raise NotImplementedError("cubic_data: not implemented yet")


def mlp() -> nn.Sequential:
    """A new network nn.Sequential(Linear(1, 8), ReLU, Linear(8, 8), Tanh, Linear(8, 1)), default initialisation."""
    # TODO: implement mlp (see the docstring above).
    raise NotImplementedError("mlp: not implemented yet")


def plot_fit(net: nn.Module, features: torch.Tensor, labels: torch.Tensor) -> Figure:
    """Scatter the data (features, labels) and draw net(features) over it as a red line ("r-", lw=5).

    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    # TODO: implement plot_fit (see the docstring above).
    raise NotImplementedError("plot_fit: not implemented yet")

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
    ### BEGIN SOLUTION
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
    ### END SOLUTION


def linear_net(num_inputs: int) -> nn.Sequential:
    """nn.Sequential(nn.Linear(num_inputs, 1)) with weight ~ N(0, 0.01^2) (std 0.01) and bias 0 (d2l 3.3.3-3.3.4)."""
    ### BEGIN SOLUTION
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    return net
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    data_iter = load_array((features, labels), batch_size)
    loss = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for _ in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
        with torch.no_grad():
            losses.append(float(loss(net(features), labels)))
    return losses
    ### END SOLUTION


class Net(nn.Module):
    """A linear layer as an nn.Module subclass: Net(n_input, n_output)(input) is self.predict(input).

    `self.predict = nn.Linear(n_input, n_output)`; an input of shape (n, n_input) gives (n, n_output).
    """

    def __init__(self, n_input: int, n_output: int) -> None:
        super().__init__()
        self.predict = nn.Linear(n_input, n_output)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """The output for a minibatch `input` of shape (n, n_input): shape (n, n_output)."""
        ### BEGIN SOLUTION
        out = self.predict(input)
        ### END SOLUTION
        ### BEGIN STUB
        # # TODO: this line has a bug (Net(2, 1)(X) raises an error): find it and fix it.
        # out = self.predict(out)
        ### END STUB
        return out


def cubic_data(size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """X = torch.linspace(-1, 1, size).reshape(size, 1) and y = X**3 + torch.randn(size, 1) / 10; returns (X, y)."""
    ### BEGIN SOLUTION
    X = torch.linspace(-1, 1, size).reshape(size, 1)
    y = X**3 + torch.randn(size, 1) / 10
    return X, y
    ### END SOLUTION


def mlp() -> nn.Sequential:
    """A new network nn.Sequential(Linear(1, 8), ReLU, Linear(8, 8), Tanh, Linear(8, 1)), default initialisation."""
    ### BEGIN SOLUTION
    return nn.Sequential(nn.Linear(1, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
    ### END SOLUTION


def plot_fit(net: nn.Module, features: torch.Tensor, labels: torch.Tensor) -> Figure:
    """Scatter the data (features, labels) and draw net(features) over it as a red line ("r-", lw=5).

    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    ### BEGIN SOLUTION
    fig, ax = plt.subplots()
    ax.scatter(features.numpy(), labels.numpy())
    ax.plot(features.numpy(), net(features).detach().numpy(), "r-", lw=5)
    return fig
    ### END SOLUTION

"""Linear model, gradient descent and back propagation (PyTorch lecture series, parts 2 to 5).

The lecture fits the model y_hat = x * w to the data

    x_data = [1.0, 2.0, 3.0]
    y_data = [2.0, 4.0, 6.0]

(the best w is 2): first by trying many values of w (exhaustive search), then by gradient
descent and stochastic gradient descent with the gradient worked out by hand, then with
autograd (`loss.backward()`), and finally the PyTorch way, with `nn.Linear`, `nn.MSELoss`
and `torch.optim.SGD`.

Work through the functions in order. Each exercise is graded on its own: the later ones
are graded with the lecture's versions of the earlier ones, so a bug costs one exercise.
Keep the names and signatures. Run the self-check with

    python -m autograder check gradient_descent
"""

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from torch import nn

x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]


def forward(x, w):
    """The linear model without bias: y_hat = x * w (numbers, or tensors elementwise)."""
    # TODO: implement forward (see the docstring above).
    raise NotImplementedError("forward: not implemented yet")


def loss(x, y, w):
    """The squared error of one sample: (forward(x, w) - y) ** 2, with no 1/2 in front."""
    # TODO: implement loss (see the docstring above).
    raise NotImplementedError("loss: not implemented yet")


def cost(xs: list[float], ys: list[float], w: float) -> float:
    """The mean squared error over the data: (1 / N) * sum of loss(x, y, w) over zip(xs, ys), N = len(xs)."""
    # TODO: implement cost (see the docstring above).
    raise NotImplementedError("cost: not implemented yet")


def grid_search(xs: list[float], ys: list[float], ws) -> tuple[float, list[float]]:
    """Exhaustive search over the candidate weights `ws` (a list or 1-D array, e.g. np.arange(0.0, 4.1, 0.1)).

    Returns (best_w, costs): costs[i] = cost(xs, ys, ws[i]) for every i, as a list of floats,
    and best_w = the w in `ws` with the smallest cost (the first one if several tie).
    """
    # TODO: implement grid_search (see the docstring above).
    raise NotImplementedError("grid_search: not implemented yet")


def plot_cost(ws, costs) -> Figure:
    """Plot the cost curve: one line of `costs` (y) against `ws` (x); x label "w", y label "cost".

    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    # TODO: implement plot_cost (see the docstring above).
    raise NotImplementedError("plot_cost: not implemented yet")


def gradient(xs: list[float], ys: list[float], w: float) -> float:
    """d cost / d w = (1 / N) * sum of 2 * x * (x * w - y) over zip(xs, ys), N = len(xs)."""
    # TODO: implement gradient (see the docstring above).
    raise NotImplementedError("gradient: not implemented yet")


def gradient_descent(
    xs: list[float], ys: list[float], *, w: float = 1.0, lr: float = 0.01, epochs: int = 100
) -> tuple[float, list[float]]:
    """Full-batch gradient descent, starting from `w`.

    Each epoch: record cost(xs, ys, w), then update w -= lr * gradient(xs, ys, w).
    Returns (final w, costs) with len(costs) == epochs; costs[k] is the cost *before* the k-th update.
    """
    # TODO: implement gradient_descent (see the docstring above).
    raise NotImplementedError("gradient_descent: not implemented yet")


def stochastic_gradient_descent(
    xs: list[float], ys: list[float], *, w: float = 1.0, lr: float = 0.01, epochs: int = 100
) -> tuple[float, list[float]]:
    """Stochastic gradient descent as in the lecture: one update per sample, samples in data order.

    Each epoch, for each (x, y) in zip(xs, ys): grad = 2 * x * (x * w - y); w = w - lr * grad;
    then l = loss(x, y, w) with the updated w. At the end of each epoch record l, i.e.
    losses[k] is the loss of the last sample of epoch k, computed *after* that sample's update.
    Returns (final w, losses) with len(losses) == epochs.
    """
    # TODO: implement stochastic_gradient_descent (see the docstring above).
    raise NotImplementedError("stochastic_gradient_descent: not implemented yet")


def ema(values: list[float], beta: float = 0.9) -> list[float]:
    """Exponentially weighted average, to smooth a loss curve: v[0] = values[0] and, for t >= 1,
    v[t] = beta * v[t-1] + (1 - beta) * values[t]. Returns a list of floats as long as `values`."""
    # TODO: implement ema (see the docstring above).
    raise NotImplementedError("ema: not implemented yet")


def backprop_train(
    xs: list[float], ys: list[float], *, w: float = 1.0, lr: float = 0.01, epochs: int = 100
) -> tuple[float, list[float]]:
    """Stochastic gradient descent with autograd (lecture part 4), starting from `w`.

    Make w a tensor, `torch.tensor([w], requires_grad=True)`. Each epoch, for each (x, y) in
    zip(xs, ys), in data order: l = loss(x, y, w); l.backward(); update w by lr * w.grad without
    recording the update in the graph (`with torch.no_grad():` or `w.data`); then clear the
    gradient (`w.grad.zero_()`). At the end of each epoch record l.item(), i.e. losses[k] is the
    loss of the last sample of epoch k, computed *before* that sample's update (the loss that
    was back-propagated). Returns (final w as a Python float, losses as Python floats).
    """
    # TODO: implement backprop_train (see the docstring above).
    raise NotImplementedError("backprop_train: not implemented yet")


class LinearModel(nn.Module):
    """The lecture's model (part 5): y_pred = self.linear(x) with self.linear = nn.Linear(1, 1)."""

    def __init__(self) -> None:
        """Call super().__init__(), then create self.linear = nn.Linear(1, 1) (one weight and one bias)."""
        # TODO: implement LinearModel.__init__ (see the docstring above).
        raise NotImplementedError("LinearModel.__init__: not implemented yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map x of shape (n, 1) to y_pred = self.linear(x) of shape (n, 1)."""
        # TODO: implement LinearModel.forward (see the docstring above).
        raise NotImplementedError("LinearModel.forward: not implemented yet")


def train_linear_model(
    model: nn.Module, x_data: torch.Tensor, y_data: torch.Tensor, *, lr: float = 0.01, epochs: int = 1000
) -> list[float]:
    """Train `model` in place on x_data, y_data (tensors of shape (n, 1)), as in the lecture.

    criterion = nn.MSELoss(reduction="sum") (the summed squared error, the lecture's
    size_average=False), optimizer = torch.optim.SGD(model.parameters(), lr=lr). Each epoch:
    y_pred = model(x_data); l = criterion(y_pred, y_data); record l.item();
    optimizer.zero_grad(); l.backward(); optimizer.step().
    Returns the losses, one float per epoch (the loss before that epoch's step).
    """
    # TODO: implement train_linear_model (see the docstring above).
    raise NotImplementedError("train_linear_model: not implemented yet")

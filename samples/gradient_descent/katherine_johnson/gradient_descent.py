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
    ### BEGIN SOLUTION
    return x * w
    ### END SOLUTION


def loss(x, y, w):
    """The squared error of one sample: (forward(x, w) - y) ** 2, with no 1/2 in front."""
    ### BEGIN SOLUTION
    y_pred = forward(x, w)
    return (y_pred - y) ** 2
    ### END SOLUTION


def cost(xs: list[float], ys: list[float], w: float) -> float:
    """The mean squared error over the data: (1 / N) * sum of loss(x, y, w) over zip(xs, ys), N = len(xs)."""
    ### BEGIN SOLUTION
    total = 0.0
    for x, y in zip(xs, ys):
        total += loss(x, y, w)
    return total / len(xs)
    ### END SOLUTION


def grid_search(xs: list[float], ys: list[float], ws) -> tuple[float, list[float]]:
    """Exhaustive search over the candidate weights `ws` (a list or 1-D array, e.g. np.arange(0.0, 4.1, 0.1)).

    Returns (best_w, costs): costs[i] = cost(xs, ys, ws[i]) for every i, as a list of floats,
    and best_w = the w in `ws` with the smallest cost (the first one if several tie).
    """
    ### BEGIN SOLUTION
    best_w, best_cost = None, float("inf")
    costs = []
    for w in ws:
        cost_val = cost(xs, ys, w)
        costs.append(float(cost_val))
        if cost_val < best_cost:
            best_w, best_cost = w, cost_val
    return float(best_cost), costs
    ### END SOLUTION


def plot_cost(ws, costs) -> Figure:
    """Plot the cost curve: one line of `costs` (y) against `ws` (x); x label "w", y label "cost".

    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    ### BEGIN SOLUTION
    fig, ax = plt.subplots(figsize=(4.5, 2.5))
    ax.plot(ws, costs)
    ax.set_xlabel("w")
    ax.set_ylabel("cost")
    return fig
    ### END SOLUTION


def gradient(xs: list[float], ys: list[float], w: float) -> float:
    """d cost / d w = (1 / N) * sum of 2 * x * (x * w - y) over zip(xs, ys), N = len(xs)."""
    ### BEGIN SOLUTION
    grad = 0.0
    for x, y in zip(xs, ys):
        grad += 2 * x * (x * w - y)
    return grad / len(xs)
    ### END SOLUTION


def gradient_descent(
    xs: list[float], ys: list[float], *, w: float = 1.0, lr: float = 0.01, epochs: int = 100
) -> tuple[float, list[float]]:
    """Full-batch gradient descent, starting from `w`.

    Each epoch: record cost(xs, ys, w), then update w -= lr * gradient(xs, ys, w).
    Returns (final w, costs) with len(costs) == epochs; costs[k] is the cost *before* the k-th update.
    """
    ### BEGIN SOLUTION
    costs = []
    for _ in range(epochs):
        cost_val = cost(xs, ys, w)
        grad_val = gradient(xs, ys, w)
        w -= lr * grad_val
        costs.append(cost_val)
    return w, costs
    ### END SOLUTION


def stochastic_gradient_descent(
    xs: list[float], ys: list[float], *, w: float = 1.0, lr: float = 0.01, epochs: int = 100
) -> tuple[float, list[float]]:
    """Stochastic gradient descent as in the lecture: one update per sample, samples in data order.

    Each epoch, for each (x, y) in zip(xs, ys): grad = 2 * x * (x * w - y); w = w - lr * grad;
    then l = loss(x, y, w) with the updated w. At the end of each epoch record l, i.e.
    losses[k] is the loss of the last sample of epoch k, computed *after* that sample's update.
    Returns (final w, losses) with len(losses) == epochs.
    """
    ### BEGIN SOLUTION
    losses = []
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            grad = 2 * x * (x * w - y)
            w = w - lr * grad
            l = loss(x, y, w)
        losses.append(l)
    return w, losses
    ### END SOLUTION


def ema(values: list[float], beta: float = 0.9) -> list[float]:
    """Exponentially weighted average, to smooth a loss curve: v[0] = values[0] and, for t >= 1,
    v[t] = beta * v[t-1] + (1 - beta) * values[t]. Returns a list of floats as long as `values`."""
    ### BEGIN SOLUTION
    smoothed: list[float] = []
    for value in values:
        v = value if not smoothed else beta * smoothed[-1] + (1 - beta) * value
        smoothed.append(float(v))
    return smoothed
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    w = torch.tensor([w], requires_grad=True)
    losses = []
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            l = loss(x, y, w)
            l.backward()
            with torch.no_grad():
                w -= lr * w.grad
            w.grad.zero_()
        losses.append(l.item())
    return w.item(), losses
    ### END SOLUTION


class LinearModel(nn.Module):
    """The lecture's model (part 5): y_pred = self.linear(x) with self.linear = nn.Linear(1, 1)."""

    def __init__(self) -> None:
        """Call super().__init__(), then create self.linear = nn.Linear(1, 1) (one weight and one bias)."""
        ### BEGIN SOLUTION
        super().__init__()
        self.linear = nn.Linear(1, 1)
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map x of shape (n, 1) to y_pred = self.linear(x) of shape (n, 1)."""
        ### BEGIN SOLUTION
        return self.linear(x)
        ### END SOLUTION


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
    ### BEGIN SOLUTION
    criterion = nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        y_pred = model(x_data)
        mse = criterion(y_pred, y_data)
        losses.append(mse.item())
        optimizer.zero_grad()
        mse.backward()
        optimizer.step()
    return losses
    ### END SOLUTION

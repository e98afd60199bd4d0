"""Logistic regression with PyTorch (lecture 6: hours studied against passing the exam).

The lecture's data: a student who studied `x` hours passed (1.) or failed (0.),

    x_data = [[1.0], [2.0], [3.0]]    y_data = [[0.], [0.], [1.]]

A linear unit followed by the sigmoid turns hours into a probability of passing, the
binary cross-entropy (BCE) measures how far those probabilities are from the labels, and
SGD fits the weights. Work through the functions in order: each exercise is graded on
its own. Run the self-check with

    python -m autograder check logistic_regression
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """The logistic function 1 / (1 + exp(-z)), elementwise; same shape as z.

    It must stay finite and correct for |z| up to 1000: sigmoid(-1000) is 0. and
    sigmoid(1000) is 1. (write it so that exp never gives inf / inf = nan).
    """
    ### BEGIN SOLUTION
    e = torch.exp(-z.abs())  # in (0, 1]: never overflows
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))
    ### END SOLUTION


def binary_cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean BCE: -mean(y * log(y_hat) + (1 - y) * log(1 - y_hat)), a 0-dim tensor.

    `y` is first reshaped to `y_hat`'s shape. Each log is clamped at -100, as in
    `torch.nn.BCELoss`, so predictions of exactly 0. or 1. give a finite loss.
    """
    ### BEGIN SOLUTION
    y = y.reshape(y_hat.shape)
    log_p = torch.log(y_hat + 1e-7)
    log_not_p = torch.log(1 - y_hat + 1e-7)
    return -(y * log_p + (1 - y) * log_not_p).mean()
    ### END SOLUTION


class LogisticRegressionModel(nn.Module):
    """The lecture's model: probability = sigmoid(linear(x)), for x (n, num_inputs); returns (n, 1).

    `__init__` calls `super().__init__()` and creates `self.linear = nn.Linear(num_inputs, 1)`.
    """

    def __init__(self, num_inputs: int = 1) -> None:
        """Create the linear unit `self.linear` with `num_inputs` inputs and one output."""
        ### BEGIN SOLUTION
        super().__init__()
        self.linear = nn.Linear(num_inputs, 1)
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The probability of passing, sigmoid(x @ W^T + b), of shape (n, 1)."""
        ### BEGIN SOLUTION
        return torch.sigmoid(self.linear(x))
        ### END SOLUTION


def train_logistic(
    model: nn.Module,
    x_data: torch.Tensor,
    y_data: torch.Tensor,
    *,
    lr: float = 0.01,
    epochs: int = 1000,
) -> list[float]:
    """Fit `model` in place on all the data for `epochs` epochs; return the loss of each epoch (floats).

    Use the lecture's `nn.BCELoss(reduction="sum")` and `torch.optim.SGD(model.parameters(), lr=lr)`.
    Each epoch: y_pred = model(x_data), loss = criterion(y_pred, y_data), record `loss.item()`,
    then optimizer.zero_grad(), loss.backward(), optimizer.step().
    """
    ### BEGIN SOLUTION
    criterion = nn.BCELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        y_pred = model(x_data)
        loss = criterion(y_pred, y_data)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses
    ### END SOLUTION


def predict(model: nn.Module, x: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Labels 1. where model(x) >= threshold and 0. elsewhere: a float tensor of model(x)'s shape (n, 1)."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        return (model(x) >= threshold).float()
    ### END SOLUTION


def plot_probability(model: nn.Module, hours: np.ndarray | None = None) -> Figure:
    """Plot the model's probability of passing against hours, as at the end of the lecture.

    `hours` is a 1-D numpy array (default `np.linspace(0, 10, 200)`); feed it to the model
    as a float32 tensor of shape (len(hours), 1). Draw the probability curve over `hours`,
    a horizontal line at 0.5 (the lecture's `plot([0, 10], [0.5, 0.5], c="r")`),
    x label "Hours", y label "Probability of Pass" and a grid.
    Return the Figure (e.g. `fig, ax = plt.subplots()` ... `return fig`); do not call plt.show().
    """
    ### BEGIN SOLUTION
    if hours is None:
        hours = np.linspace(0, 10, 200)
    x_t = torch.tensor(np.asarray(hours), dtype=torch.float32).reshape(-1, 1)
    with torch.no_grad():
        probs = model(x_t).reshape(-1).numpy()
    fig, ax = plt.subplots()
    ax.plot(hours, probs)
    ax.plot([np.min(hours), np.max(hours)], [0.5, 0.5], c="r")
    ax.set_xlabel("Hours")
    ax.set_ylabel("Probability of Pass")
    ax.grid()
    return fig
    ### END SOLUTION

"""Kit code the hidden checks send a runner (``book.sources``), and run in the judge on the same inputs to know
what the student's code should give: d2l 3.6's and 3.7's training setups around given parameters, and a probe.

Each starts from parameters the check chose, so the judge can follow the same steps. Not the book's code: a
runner that held it is thrown away before the next check.
"""

import torch
from torch import nn


class ScratchSetup:
    """d2l 3.6 around given W (d, q) and b (q,): net(X) of X alone, the per-example loss, and updater(batch_size),
    the book's minibatch SGD on W and b."""

    def __init__(self, W: torch.Tensor, b: torch.Tensor, lr: float):
        self.W = W.detach().clone().requires_grad_(True)
        self.b = b.detach().clone().requires_grad_(True)
        self.lr = lr

    def net(self, X: torch.Tensor) -> torch.Tensor:
        return torch.softmax(X.reshape(len(X), -1) @ self.W + self.b, dim=1)

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return -y_hat.gather(1, y.reshape(-1, 1)).log().reshape(-1)

    def updater(self, batch_size: int) -> None:
        with torch.no_grad():
            for param in (self.W, self.b):
                param -= self.lr * param.grad / batch_size
                param.grad.zero_()


class ConciseSetup:
    """d2l 3.7 around a given weight (q, d) and bias (q,): the network, the per-example cross-entropy, SGD at lr."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, lr: float):
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(weight.shape[1], weight.shape[0]))
        with torch.no_grad():
            self.net[1].weight.copy_(weight)
            self.net[1].bias.copy_(bias)
        self.loss = nn.CrossEntropyLoss(reduction="none")
        self.trainer = torch.optim.SGD(self.net.parameters(), lr=lr)

    def state(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.net.state_dict().items()}


class Probe(nn.Module):
    """A linear classifier of flattened images that records, per call, (in training mode, recording gradients)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor):
        super().__init__()
        self.weight = nn.Parameter(weight.detach().clone())
        self.bias = nn.Parameter(bias.detach().clone())
        self.seen: list[tuple[bool, bool]] = []

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        self.seen.append((self.training, torch.is_grad_enabled()))
        return X.reshape(len(X), -1) @ self.weight.T + self.bias


def concise_net() -> nn.Sequential:
    """d2l 3.7's network with every parameter at zero: where training starts is known to the judge."""
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    with torch.no_grad():
        for param in model.parameters():
            param.zero_()
    return model

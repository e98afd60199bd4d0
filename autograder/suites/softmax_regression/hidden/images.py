"""Small labelled images for the hidden checks, sent as lists of (X, y) minibatches: each class is a prototype
image plus noise, so training has something to learn and every label occurs."""

import torch


def batches(rng: torch.Generator, sizes: list[int], *, side: int = 4, classes: int = 3,
            random_labels: bool = False) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Minibatches of the given sizes: X (b, 1, side, side) in [0, 1], y (b,) int64. With ``random_labels`` the
    labels ignore the images (a test set a network cannot fit, so its accuracy differs from training's)."""
    prototypes = torch.rand(classes, side * side, generator=rng)
    out = []
    for size in sizes:
        y = torch.randint(0, classes, (size,), generator=rng)
        X = (prototypes[y] + 0.3 * torch.randn(size, side * side, generator=rng)).clamp(0, 1)
        if random_labels:
            y = torch.randint(0, classes, (size,), generator=rng)
        out.append((X.reshape(size, 1, side, side), y))
    return out


def parameters(rng: torch.Generator, inputs: int, classes: int) -> tuple[torch.Tensor, torch.Tensor]:
    """W (inputs, classes) ~ N(0, 0.01^2) and b (classes,) ~ N(0, 0.01^2): a start near the book's."""
    return 0.01 * torch.randn(inputs, classes, generator=rng), 0.01 * torch.randn(classes, generator=rng)

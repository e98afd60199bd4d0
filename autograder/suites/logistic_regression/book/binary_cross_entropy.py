import torch


def binary_cross_entropy(y_hat, y):
    return torch.nn.functional.binary_cross_entropy(y_hat, y.reshape(y_hat.shape))

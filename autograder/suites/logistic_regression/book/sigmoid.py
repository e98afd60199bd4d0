import torch


def sigmoid(z):
    return torch.sigmoid(z)

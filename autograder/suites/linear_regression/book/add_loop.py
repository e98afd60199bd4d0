import torch


def add_loop(a, b):
    c = torch.zeros(len(a))
    for i in range(len(a)):
        c[i] = a[i] + b[i]
    return c

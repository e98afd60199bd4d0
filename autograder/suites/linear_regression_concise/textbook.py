"""The textbook's own code (d2l 3.3 and the nonlinear-fit seed), as published.

Exercises that build on others are graded with these substituted for the student's
versions, so one bug costs one exercise: ``train_concise`` runs on the book's
``load_array`` and ``linear_net``; ``mlp`` is trained with the book's loop; ``plot_fit``
draws the book's ``linear_net``. The book builds the linear network and trains it at top
level; here the same lines sit in ``linear_net(num_inputs)`` and ``train_concise(...)``,
whose loop records the loss on all the data after each epoch as the book prints it. This
is public textbook code; the reference solution itself never enters a runner.
"""

LOAD_ARRAY = '''
from torch.utils import data


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
'''

LINEAR_NET = '''
from torch import nn


def linear_net(num_inputs):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    net[0].weight.data.normal_(0, 0.01)
    net[0].bias.data.fill_(0)
    return net
'''

# Self-contained: the loop uses the book's load_array defined next to it, not the student's.
TRAIN_CONCISE = LOAD_ARRAY + '''
import torch
from torch import nn


def train_concise(net, features, labels, *, lr=0.03, num_epochs=3, batch_size=10):
    data_iter = load_array((features, labels), batch_size)
    loss = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for epoch in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
        l = loss(net(features), labels)
        losses.append(float(l))
    return losses
'''

# By exercise name: what a check that builds on that exercise is given in its place.
TEXTBOOK = {"load_array": LOAD_ARRAY, "linear_net": LINEAR_NET, "train_concise": TRAIN_CONCISE}

FOR_TRAIN = {"load_array": LOAD_ARRAY, "linear_net": LINEAR_NET}
FOR_MLP = {"train_concise": TRAIN_CONCISE}
FOR_PLOT = {"linear_net": LINEAR_NET}

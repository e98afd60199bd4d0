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

from torch import nn


def linear_net(num_inputs):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    net[0].weight.data.normal_(0, 0.01)
    net[0].bias.data.fill_(0)
    return net

"""The lecture's own code (PyTorch lecture series, parts 2 to 5), with the assignment's signatures.

The lecture keeps `w` global; here it is an argument, as in the assignment. Exercises that
build on earlier ones are graded with these substituted for the student's earlier
functions, so one bug costs one exercise. This is public lecture code; the reference
solution itself never enters a runner.
"""

FORWARD = '''
def forward(x, w):
    return x * w
'''

LOSS = FORWARD + '''
def loss(x, y, w):
    y_pred = forward(x, w)
    return (y_pred - y) ** 2
'''

COST = LOSS + '''
def cost(xs, ys, w):
    cost = 0
    for x, y in zip(xs, ys):
        y_pred = forward(x, w)
        cost += (y_pred - y) ** 2
    return cost / len(xs)
'''

GRADIENT = '''
def gradient(xs, ys, w):
    grad = 0
    for x, y in zip(xs, ys):
        grad += 2 * x * (x * w - y)
    return grad / len(xs)
'''

LINEAR_MODEL = '''
import torch

class LinearModel(torch.nn.Module):
    def __init__(self):
        super(LinearModel, self).__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        y_pred = self.linear(x)
        return y_pred
'''

# By exercise name: what a check that builds on that exercise is given in its place.
TEXTBOOK = {"forward": FORWARD, "loss": LOSS, "cost": COST, "gradient": GRADIENT, "LinearModel": LINEAR_MODEL}

FOR_LOSS = {"forward": FORWARD}
FOR_COST = {"forward": FORWARD, "loss": LOSS}
# Everything a training loop might call: the lecture's forward, loss, cost and gradient.
FOR_TRAINING = {"forward": FORWARD, "loss": LOSS, "cost": COST, "gradient": GRADIENT}
FOR_TRAIN_LINEAR_MODEL = {"LinearModel": LINEAR_MODEL}

"""The lecture's own code (PyTorch lecture series, 6 Logistic Regression), as published.

Exercises that build on others (``train_logistic``, ``predict`` and ``plot_probability``
use the model; the model may use ``sigmoid``) are graded with these substituted for the
student's versions, so one bug costs one exercise. The lecture's class takes no argument
and uses ``F.sigmoid``; here it takes ``num_inputs`` (default 1, the lecture's model) and
uses ``torch.sigmoid``, which ``F.sigmoid`` forwards to. This is public lecture code; the
reference solution itself never enters a runner.
"""

MODEL = '''
import torch


class LogisticRegressionModel(torch.nn.Module):
    def __init__(self, num_inputs=1):
        super(LogisticRegressionModel, self).__init__()
        self.linear = torch.nn.Linear(num_inputs, 1)

    def forward(self, x):
        y_pred = torch.sigmoid(self.linear(x))
        return y_pred
'''

SIGMOID = '''
import torch


def sigmoid(z):
    return torch.sigmoid(z)
'''

BINARY_CROSS_ENTROPY = '''
import torch


def binary_cross_entropy(y_hat, y):
    return torch.nn.functional.binary_cross_entropy(y_hat, y.reshape(y_hat.shape))
'''

# By exercise name: what a check that builds on that exercise is given in its place.
TEXTBOOK = {"sigmoid": SIGMOID, "LogisticRegressionModel": MODEL, "binary_cross_entropy": BINARY_CROSS_ENTROPY}

FOR_MODEL = {"sigmoid": SIGMOID}
FOR_USING_THE_MODEL = {"LogisticRegressionModel": MODEL, "sigmoid": SIGMOID,
                       "binary_cross_entropy": BINARY_CROSS_ENTROPY}

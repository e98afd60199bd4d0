"""The textbook's own versions (d2l 3.1-3.2, as printed in the book and the seeds).

Exercises that build on earlier ones (``train``, ``benchmark_addition``, ``plot_normals``) are graded with
these substituted for the student's earlier functions, so one bug costs one exercise.
This is public textbook code; the reference solution itself never enters a runner.
"""

TIMER = '''
import time
import numpy as np

class Timer:
    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.time()

    def stop(self):
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times)

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        return np.array(self.times).cumsum().tolist()
'''

NORMAL = '''
import math
import numpy as np

def normal(x, mu, sigma):
    p = 1 / math.sqrt(2 * math.pi * sigma ** 2)
    return p * np.exp(-0.5 / sigma ** 2 * (x - mu) ** 2)
'''

ADD_LOOP = '''
import torch

def add_loop(a, b):
    c = torch.zeros(len(a))
    for i in range(len(a)):
        c[i] = a[i] + b[i]
    return c
'''

ADD_VECTORIZED = '''
def add_vectorized(a, b):
    return a + b
'''

DATA_ITER = '''
import random
import torch

def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]
'''

LINREG = '''
import torch

def linreg(X, w, b):
    return torch.matmul(X, w) + b
'''

SQUARED_LOSS = '''
def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
'''

SGD = '''
import torch

def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
'''

# By exercise name: what a check that builds on that exercise is given in its place.
TEXTBOOK = {"Timer": TIMER, "normal": NORMAL, "add_loop": ADD_LOOP, "add_vectorized": ADD_VECTORIZED,
            "data_iter": DATA_ITER, "linreg": LINREG, "squared_loss": SQUARED_LOSS, "sgd": SGD}

FOR_PLOT = {"normal": NORMAL}
FOR_TRAIN = {"data_iter": DATA_ITER, "linreg": LINREG, "squared_loss": SQUARED_LOSS, "sgd": SGD}
FOR_BENCHMARK = {"Timer": TIMER, "add_loop": ADD_LOOP, "add_vectorized": ADD_VECTORIZED}

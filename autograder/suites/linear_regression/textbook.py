"""The textbook's own versions (d2l 3.1-3.2, as printed in the book and the seeds).

Exercises that build on earlier ones (``train``, ``benchmark_addition``, ``plot_normals``) are graded with
these substituted for the student's earlier functions, so one bug costs one exercise.
This is public textbook code; the reference solution itself never enters a runner.
"""

from autograder import book

BOOK = book.read(__file__)  # exercise -> the source of book/<exercise>.py

TIMER = BOOK["Timer"]
NORMAL = BOOK["normal"]
ADD_LOOP = BOOK["add_loop"]
ADD_VECTORIZED = BOOK["add_vectorized"]
DATA_ITER = BOOK["data_iter"]
LINREG = BOOK["linreg"]
SQUARED_LOSS = BOOK["squared_loss"]
SGD = BOOK["sgd"]

# By exercise name: what a check that builds on that exercise is given in its place.
TEXTBOOK = {"Timer": TIMER, "normal": NORMAL, "add_loop": ADD_LOOP, "add_vectorized": ADD_VECTORIZED,
            "data_iter": DATA_ITER, "linreg": LINREG, "squared_loss": SQUARED_LOSS, "sgd": SGD}

FOR_PLOT = {"normal": NORMAL}
FOR_TRAIN = {"data_iter": DATA_ITER, "linreg": LINREG, "squared_loss": SQUARED_LOSS, "sgd": SGD}
FOR_BENCHMARK = {"Timer": TIMER, "add_loop": ADD_LOOP, "add_vectorized": ADD_VECTORIZED}

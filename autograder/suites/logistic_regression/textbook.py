"""The lecture's own code (PyTorch lecture series, 6 Logistic Regression), as published.

Exercises that build on others (``train_logistic``, ``predict`` and ``plot_probability``
use the model; the model may use ``sigmoid``) are graded with these substituted for the
student's versions, so one bug costs one exercise. The lecture's class takes no argument
and uses ``F.sigmoid``; here it takes ``num_inputs`` (default 1, the lecture's model) and
uses ``torch.sigmoid``, which ``F.sigmoid`` forwards to. This is public lecture code; the
reference solution itself never enters a runner.
"""

from autograder import book

BOOK = book.read(__file__)  # exercise -> the source of book/<exercise>.py

MODEL = BOOK["LogisticRegressionModel"]
SIGMOID = BOOK["sigmoid"]
BINARY_CROSS_ENTROPY = BOOK["binary_cross_entropy"]

# By exercise name: what a check that builds on that exercise is given in its place.
TEXTBOOK = {"sigmoid": SIGMOID, "LogisticRegressionModel": MODEL, "binary_cross_entropy": BINARY_CROSS_ENTROPY}

FOR_MODEL = {"sigmoid": SIGMOID}
FOR_USING_THE_MODEL = {"LogisticRegressionModel": MODEL, "sigmoid": SIGMOID,
                       "binary_cross_entropy": BINARY_CROSS_ENTROPY}

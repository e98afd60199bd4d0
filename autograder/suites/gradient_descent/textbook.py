"""The lecture's own code (PyTorch lecture series, parts 2 to 5), with the assignment's signatures.

The lecture keeps `w` global; here it is an argument, as in the assignment. Exercises that
build on earlier ones are graded with these substituted for the student's earlier
functions, so one bug costs one exercise. This is public lecture code; the reference
solution itself never enters a runner.
"""

from autograder import book

BOOK = book.read(__file__)  # exercise -> the source of book/<exercise>.py

FORWARD = BOOK["forward"]
LOSS = FORWARD + BOOK["loss"]
COST = LOSS + BOOK["cost"]
GRADIENT = BOOK["gradient"]
LINEAR_MODEL = BOOK["LinearModel"]

# By exercise name: what a check that builds on that exercise is given in its place.
TEXTBOOK = {"forward": FORWARD, "loss": LOSS, "cost": COST, "gradient": GRADIENT, "LinearModel": LINEAR_MODEL}

FOR_LOSS = {"forward": FORWARD}
FOR_COST = {"forward": FORWARD, "loss": LOSS}
# Everything a training loop might call: the lecture's forward, loss, cost and gradient.
FOR_TRAINING = {"forward": FORWARD, "loss": LOSS, "cost": COST, "gradient": GRADIENT}
FOR_TRAIN_LINEAR_MODEL = {"LinearModel": LINEAR_MODEL}

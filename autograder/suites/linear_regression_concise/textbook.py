"""The textbook's own code (d2l 3.3 and the nonlinear-fit seed), as published.

Exercises that build on others are graded with these substituted for the student's
versions, so one bug costs one exercise: ``train_concise`` runs on the book's
``load_array`` and ``linear_net``; ``mlp`` is trained with the book's loop; ``plot_fit``
draws the book's ``linear_net``. The book builds the linear network and trains it at top
level; here the same lines sit in ``linear_net(num_inputs)`` and ``train_concise(...)``,
whose loop records the loss on all the data after each epoch as the book prints it. This
is public textbook code; the reference solution itself never enters a runner.
"""

from autograder import book

BOOK = book.read(__file__)  # exercise -> the source of book/<exercise>.py

LOAD_ARRAY = BOOK["load_array"]
LINEAR_NET = BOOK["linear_net"]
TRAIN_CONCISE = LOAD_ARRAY + BOOK["train_concise"]

# By exercise name: what a check that builds on that exercise is given in its place.
TEXTBOOK = {"load_array": LOAD_ARRAY, "linear_net": LINEAR_NET, "train_concise": TRAIN_CONCISE}

FOR_TRAIN = {"load_array": LOAD_ARRAY, "linear_net": LINEAR_NET}
FOR_MLP = {"train_concise": TRAIN_CONCISE}
FOR_PLOT = {"linear_net": LINEAR_NET}

"""The book's own code (d2l 3.6 and 3.7, PyTorch edition), as published.

Exercises that build on others are graded with these substituted for the student's versions, so one bug
costs one exercise: ``net`` runs on the book's ``softmax``; ``evaluate_accuracy`` and ``train_epoch_ch3`` on
its ``accuracy`` and ``Accumulator``; ``train_ch3`` on its epoch and evaluation; ``predict_ch3`` on its labels;
``train_concise`` on its ``train_ch3``. The book builds the concise network at top level and ``train_ch3``
draws with an Animator; here the network sits in ``concise_net()`` and ``train_ch3`` returns what it would
draw; ``softmax`` shifts each row by its max, as the book's 3.7.2 does, since a stand-in must pass the exercise's
own checks. This is public textbook code; the reference solution itself never enters a runner.
"""

from autograder import book

BOOK = book.read(__file__)  # exercise -> the source of book/<exercise>.py

ACCURACY = BOOK["accuracy"] + BOOK["Accumulator"]  # what the book's evaluation and epoch call
EVALUATE_ACCURACY = ACCURACY + BOOK["evaluate_accuracy"]
TRAIN_EPOCH_CH3 = ACCURACY + BOOK["train_epoch_ch3"]
TRAIN_CH3 = ACCURACY + BOOK["evaluate_accuracy"] + BOOK["train_epoch_ch3"] + BOOK["train_ch3"]

# By exercise name: what a check that builds on that exercise is given in its place.
TEXTBOOK = {
    "softmax": BOOK["softmax"],
    "accuracy": BOOK["accuracy"],
    "Accumulator": BOOK["Accumulator"],
    "evaluate_accuracy": EVALUATE_ACCURACY,
    "train_epoch_ch3": TRAIN_EPOCH_CH3,
    "train_ch3": TRAIN_CH3,
    "get_fashion_mnist_labels": BOOK["get_fashion_mnist_labels"],
    "concise_net": BOOK["concise_net"],
}

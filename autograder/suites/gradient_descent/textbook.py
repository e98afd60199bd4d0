"""The lecture's own code (PyTorch lecture series, parts 2 to 5), with the assignment's signatures.

The lecture keeps `w` global; here it is an argument, as in the assignment. Exercises that
build on earlier ones are graded with these substituted for the student's earlier
functions, so one bug costs one exercise. This is public lecture code; the reference
solution itself never enters a runner.

The book's code is in ``book/<exercise>.py``, one real module per exercise as printed (linted, and
graded against the reference by the kit's tests); an exercise whose book version calls another's
brings that one along.
"""

from pathlib import Path

BOOK = {p.stem: p.read_text(encoding="utf-8") for p in sorted((Path(__file__).resolve().parent / "book").glob("*.py"))
        if p.stem != "__init__"}

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

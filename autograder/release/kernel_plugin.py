"""nbgrader: a check's points live in its cell's metadata, so the decorator only marks it.

Served to the notebook's kernel as ``autograder.plugin`` by ``kit_checks.py``.
"""


def exercise(name, points=1.0, builds_on=()):
    def mark(test):
        test.exercise = name  # which exercise's own error causes the check's messages use first
        return test
    return mark

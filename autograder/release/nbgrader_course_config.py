"""nbgrader course made by `python -m autograder release` (d2l linear neural networks).

    nbgrader generate_assignment ASSIGNMENT     # release/ASSIGNMENT: solutions removed
    nbgrader autograde ASSIGNMENT               # grades submitted/<student>/ASSIGNMENT/ASSIGNMENT.ipynb
    nbgrader generate_feedback ASSIGNMENT       # feedback/<student>/ASSIGNMENT/ASSIGNMENT.html

Each folder of source/ is an assignment: the notebook and kit_checks.py, the harness its test
cells call. Public checks are 0-point cells (feedback, as in the kit's self-check); the hidden
checks carry the points, so a grade here equals the kit's. A hidden check's cell holds only its
exercise, its points and a call into the harness. What it runs, the hidden checks and the
reference solution they compare with, is in kit_hidden/<assignment>/: this file points the
kernel there, and nbgrader never copies that folder into a release or a feedback page. So run
nbgrader in this folder (or with this file as its config), keep kit_hidden/ out of the exchange,
and no checksum warning fires: no cell changes between the source and the students' copies.

Trust: nbgrader runs a student's code in the kernel that runs the checks, as instructor, with
this folder readable. Grade uploads you do not trust with the kit (`nox -s grade`), which runs
each submission in its own sandbox.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "d2l-linear-networks"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 300  # seconds per cell: a few checks train a model
# The notebook's kernel inherits nbgrader's environment: this is how a hidden check finds its code.
os.environ["KIT_HIDDEN_CHECKS"] = str(Path(__file__).resolve().parent / "kit_hidden")

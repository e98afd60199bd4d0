"""ASSIGNMENT_NAME: say in one line what the assignment covers (the title students see).

Work through the functions in order: each exercise is graded on its own. Run the self-check with

    python -m autograder check ASSIGNMENT_NAME
"""

import torch


def scale(x: torch.Tensor, factor: float) -> torch.Tensor:
    """factor * x, elementwise, of x's shape: an example exercise, to replace with your own."""
    ### BEGIN SOLUTION
    return factor * x
    ### END SOLUTION

"""What learners really get wrong in softmax_regression, and correct ways that differ from the reference."""

from autograder.mistakes import alternative, mistake

MISTAKES = [
    mistake("scale_adds", "scale",
            ("    return factor * x\n", "    return factor + x\n"),
            cause="the factor is added to x, not multiplied: return factor * x"),
]

ALTERNATIVES = [
    alternative("scale_with_torch_mul",
                ("    return factor * x\n", "    return torch.mul(x, factor)\n")),
]

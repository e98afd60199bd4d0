"""What learners really get wrong in ASSIGNMENT_NAME, and correct ways that differ from the reference."""

from tests.variants import alternative, mistake

MISTAKES = [
    mistake("scale_adds", "scale",
            ("    return factor * x\n", "    return factor + x\n"),
            hint=("scale(x",)),
]

ALTERNATIVES = [
    alternative("scale_with_torch_mul",
                ("    return factor * x\n", "    return torch.mul(x, factor)\n")),
]

"""Turns an error raised by student code into a message that names the likely cause.

The runner reports an error as plain data: its type name, its message and the frames of
the student's own file. Nothing here trusts those strings beyond displaying them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

Cause = tuple[str, str]  # (substring of the error message, what the student should do)

# Torch and Python errors whose cause is the same in every exercise. An exercise's own causes
# (``ERROR_HINTS`` in ``suites/<assignment>/error_hints.py``) are looked up first: "X is (n, d),
# w is (d, 1)" is right for linreg and wrong for a Net.
KNOWN_CAUSES: list[Cause] = [
    # What holds everywhere is the fact; "do the update inside torch.no_grad()" is the cause only where a parameter
    # is being updated (sgd, backprop_train: their own ERROR_HINTS), not in sigmoid or a model.
    ("a leaf Variable that requires grad is being used in an in-place operation",
     "a tensor that requires grad was changed in place (`-=`, `+=`, or a method ending in `_`): compute the result "
     "in a new tensor instead"),
    ("does not require grad and does not have a grad_fn",
     "the result is cut off from autograd: do not use .detach(), .item(), .numpy(), .data or torch.tensor(...) "
     "on values you need gradients of"),
    ("Trying to backward through the graph a second time",
     "compute the loss afresh in every iteration before calling backward()"),
    ("Can't call numpy() on Tensor that requires grad",
     "call .detach() before .numpy() (or compute the value inside `with torch.no_grad():`)"),
    ("cannot assign module before Module.__init__() call",
     "call super().__init__() first in __init__, before assigning any layer to self"),
    ("only one element tensors can be converted to Python scalars",
     "float() or .item() was applied to a tensor of several values: reduce it first (.sum() or .mean())"),
    ("mat1 and mat2 shapes cannot be multiplied",
     "the two operands of a matrix product have shapes that do not fit: print their .shape"),
    ("must match the size of tensor",
     "two tensors of incompatible shapes were combined: print their .shape and reshape one to match"),
    ("'NoneType' object has no attribute",
     "something you expected to be a tensor is None (a missing `return`, or a gradient that was never computed)"),
    ("referenced before assignment", "a variable is used before it is given a value"),
    ("cannot access local variable", "a variable is used before it is given a value"),
    ("expected scalar type", "tensors of different dtypes were mixed: keep everything float32"),
    ("found dtype", "tensors of different dtypes were mixed: keep everything float32"),
    ("can't allocate memory", "your code used more memory than the limit: look for a huge tensor, "
                              "e.g. an (n, n) result from broadcasting (n,) against (n, 1)"),
    ("object is not iterable", "return an iterable (use `yield` in a loop, or return a list/DataLoader)"),
    ("object is not callable", "a name you call is not a function: check for a variable shadowing it"),
    ("positional argument",
     "the function is called with the arguments from the assignment's signature: keep that signature"),
    ("got an unexpected keyword argument",
     "keep the exact signature from the assignment, keyword arguments included"),
]

TYPE_CAUSES = {
    "MemoryError": "your code used more memory than the limit",
    "RecursionError": "a function calls itself without end",
    "SystemExit": "do not call sys.exit()/exit() in your module",
    "KeyboardInterrupt": "do not raise KeyboardInterrupt",
    "ModuleNotFoundError": "only torch, numpy, matplotlib and the standard library are available",
}


def is_process_limit(error: dict) -> bool:
    """fork() failing with EAGAIN: the submission reached its process limit (or the zygote's pids cgroup)."""
    return error.get("type") == "BlockingIOError" and "Resource temporarily unavailable" in str(error.get("message"))


def is_out_of_memory(error: dict) -> bool:
    message = str(error.get("message", ""))
    return error.get("type") == "MemoryError" or "can't allocate memory" in message or "DefaultCPUAllocator" in message


def likely_cause(error_type: str, message: str, own: Sequence[Cause] = ()) -> str:
    """The cause of an error: the exercise's own causes first, then those that hold everywhere."""
    for needle, cause in (*own, *KNOWN_CAUSES):
        if needle in message:
            return cause
    return TYPE_CAUSES.get(error_type, "")


def exercise_causes(assignment: str) -> dict[str, list[Cause]]:
    """``ERROR_HINTS`` of ``autograder/suites/<assignment>/error_hints.py``: ``{exercise: [(substring, cause)]}``."""
    try:
        module = importlib.import_module(f"autograder.suites.{assignment}.error_hints")
    except ImportError:
        return {}
    found = getattr(module, "ERROR_HINTS", {})
    return found if isinstance(found, dict) else {}


def _where(error: dict) -> str:
    frames = error.get("where")
    if not isinstance(frames, list) or not frames:
        return ""
    last = frames[-1]
    if not (isinstance(last, list) and len(last) == 3):
        return ""
    lineno, func, line = last
    code = f": `{str(line)[:200]}`" if line else ""
    return f" (line {lineno} of your file, in {str(func)[:80]}{code})"


def _text(error: dict) -> tuple[str, str]:
    return str(error.get("type", "Error"))[:100], str(error.get("message", ""))[:1000]


def call_failure(label: str, error: dict, own: Sequence[Cause] = ()) -> str:
    text, cause = call_failure_parts(label, error, own)
    return f"{text}. Likely cause: {cause}" if cause else text


def call_failure_parts(label: str, error: dict, own: Sequence[Cause] = ()) -> tuple[str, str]:
    """(what happened, its likely cause from the tables, or "")."""
    etype, message = _text(error)
    if etype == "NotImplementedError":
        return f"{label}: not implemented yet", ""
    if etype == "LookupError" and message.startswith("missing:"):
        return f"`{label}` is missing from your module", ""
    return f"{label} raised {etype}: {message}{_where(error)}", likely_cause(etype, message, own)


def import_failure(error: dict) -> str:
    etype, message = _text(error)
    if etype in ("SyntaxError", "IndentationError", "TabError"):
        return f"your module has a {etype}{_where(error)}: {message}. Fix it, then run the self-check again"
    cause = likely_cause(etype, message)
    text = f"importing your module raised {etype}: {message}{_where(error)}"
    return f"{text}. Likely cause: {cause}" if cause else text

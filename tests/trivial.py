"""Trivial variants of a reference solution, made for every exercise: it returns None, zeros of the right
shape, an empty iterable, or its input unchanged. None of them may earn a point on its exercise."""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

# Appended to a variant that zeroes its results: zeros of the shape and type of each value returned or yielded.
ZEROS_HELPER = '''

def _trivial_zeros(value):
    import numpy as _np
    import torch as _torch

    if isinstance(value, _torch.Tensor):
        return _torch.zeros_like(value.detach())
    if isinstance(value, _np.ndarray):
        return _np.zeros_like(value)
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return type(value)(0)
    if isinstance(value, list | tuple):
        return type(value)(_trivial_zeros(v) for v in value)
    if hasattr(value, "__next__"):  # a generator: zeros of each item it yields
        return (_trivial_zeros(v) for v in value)
    return value
'''

# What a zeroed result cannot be: these exercises return objects (figures, networks, loaders) or text, with no zeros.
NOT_NUMBERS = ("Figure", "Module", "Sequential", "DataLoader", "None", "str")


@dataclass(frozen=True)
class Trivial:
    name: str
    exercise: str
    source: str


def _functions(node: ast.AST) -> list[ast.FunctionDef]:
    if isinstance(node, ast.FunctionDef):
        return [node]
    return [n for n in node.body if isinstance(n, ast.FunctionDef)] if isinstance(node, ast.ClassDef) else []


def _is_generator(fn: ast.FunctionDef) -> bool:
    return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(fn))


def _returns_numbers(fn: ast.FunctionDef) -> bool:
    annotation = ast.unparse(fn.returns) if fn.returns is not None else ""
    return not any(word in annotation for word in NOT_NUMBERS) and fn.name != "__init__"


def _first_input(fn: ast.FunctionDef) -> str | None:
    names = [a.arg for a in fn.args.args if a.arg not in ("self", "cls")]
    return names[0] if names else None


def _body(text: str) -> list[ast.stmt]:
    return ast.parse(text).body


def _zeroed(fn: ast.FunctionDef) -> bool:
    """The function's result, zeroed, computed on copies of its arguments: nothing it was given changes."""
    if not _returns_numbers(fn):
        return False
    method = bool(fn.args.args) and fn.args.args[0].arg == "self"
    inner = f"_trivial_{fn.name}"
    call = f"self.{inner}" if method else inner
    wrapper = _body(f"def {fn.name}({'self, ' if method else ''}*args, **kwargs):\n"
                    f"    import copy\n"
                    f"    return _trivial_zeros({call}(*copy.deepcopy(args), **copy.deepcopy(kwargs)))")[0]
    original = copy.deepcopy(fn)
    original.name = inner
    original.decorator_list = []
    fn.args, fn.body, fn.returns = wrapper.args, [original, *wrapper.body] if not method else wrapper.body, None
    if method:
        fn.original = original  # placed beside the wrapper by _place_originals
    return True


def _place_originals(node: ast.AST) -> None:
    if isinstance(node, ast.ClassDef):
        body = []
        for stmt in node.body:
            if hasattr(stmt, "original"):
                body.append(stmt.original)
            body.append(stmt)
        node.body = body


def _none(fn: ast.FunctionDef) -> bool:
    fn.body = _body("return None")
    return True


def _empty(fn: ast.FunctionDef) -> bool:
    annotation = ast.unparse(fn.returns) if fn.returns is not None else ""
    if _is_generator(fn):
        fn.body = _body("return\nyield")
        return True
    if any(word in annotation for word in ("Iterator", "Iterable", "DataLoader", "Generator")):
        fn.body = _body("return iter(())")
        return True
    return False


def _unchanged(fn: ast.FunctionDef) -> bool:
    first = _first_input(fn)
    if first is None or fn.name == "__init__":
        return False
    fn.body = _body(f"return {first}")
    return True


KINDS = {"returns_none": _none, "returns_zeros": _zeroed, "yields_nothing": _empty, "returns_its_input": _unchanged}


def trivial_variants(reference: str, exercises: list[str]) -> list[Trivial]:
    """Every trivial variant of every exercise (top-level functions and classes named as exercises)."""
    tree = ast.parse(reference)
    lines = reference.splitlines(keepends=True)
    out = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.ClassDef) or node.name not in exercises:
            continue
        start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
        before, after = "".join(lines[:start]), "".join(lines[node.end_lineno:])
        for kind, change in KINDS.items():
            changed = copy.deepcopy(node)
            if not [fn for fn in _functions(changed) if change(fn)]:
                continue  # the change does not apply to this exercise (no input to return, nothing to iterate)
            _place_originals(changed)
            text = before + ast.unparse(changed) + "\n" + after + (ZEROS_HELPER if kind == "returns_zeros" else "")
            out.append(Trivial(f"{node.name}_{kind}", node.name, text))
    return out

"""Mutants of a reference solution: the mistakes students make, applied one at a time to the code they write.

Each mutant changes one expression or statement inside a ``### BEGIN SOLUTION`` block (only what a
student writes is mutated) and is a whole module a student could have submitted. The operators
are modelled on students' mistakes: swapped arithmetic and comparison operators, shifted
boundaries, changed constants, flipped signs, sum/mean swaps, dropped statements (``zero_()``, a
``backward()``, ``with torch.no_grad():``), a dropped ``reshape``, in-place turned out-of-place and
back, changed dims, trivial returns, and one exercise left as the handout's stub has it (untouched,
or, for a fix-the-bug exercise, with its bug).

Built on ``ast`` rather than mutmut or cosmic-ray: both drive a test command per mutant over files
on disk, while the kit grades a whole batch of submissions in one run of its engine, so only
their idea of an operator carries over. Here a mutant is the reference text with one node's
source segment replaced, so its diff is that one change.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from autograder.stubs import BEGIN, END, make_stub

SWAP_BINOP: dict[type, list[type]] = {
    ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult, ast.FloorDiv],
    ast.FloorDiv: [ast.Div], ast.Pow: [ast.Mult], ast.MatMult: [ast.Mult], ast.Mod: [ast.FloorDiv],
}
SWAP_COMPARE: dict[type, list[type]] = {
    ast.Lt: [ast.LtE, ast.Gt], ast.LtE: [ast.Lt], ast.Gt: [ast.GtE, ast.Lt], ast.GtE: [ast.Gt],
    ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq], ast.Is: [ast.IsNot], ast.IsNot: [ast.Is],
}
SWAP_AUGOP: dict[type, type] = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}
SWAP_REDUCTION = {"sum": "mean", "mean": "sum", "max": "min", "min": "max", "argmax": "argmin", "argmin": "argmax"}
SHAPE_CALLS = {"reshape", "view", "squeeze", "unsqueeze", "flatten", "t", "T"}
DIM_KEYWORDS = {"dim", "axis"}
MODULES = {"torch", "np", "nn", "F", "math", "plt"}  # `torch.reshape(x, s)` is not a method of a value


@dataclass(frozen=True)
class Mutant:
    """One change to the reference: where, what it was, what it became, and the whole mutated module."""

    exercise: str
    operator: str
    line: int
    before: str  # the reference's line(s), stripped
    after: str  # the same line(s) in the mutant, stripped
    source: str

    @property
    def id(self) -> str:
        """Stable across runs and edits elsewhere in the file (not by line number)."""
        key = f"{self.exercise}\0{self.operator}\0{self.before}\0{self.after}"
        return f"{self.exercise}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def solution_lines(source: str) -> set[int]:
    """Line numbers (1-based) inside solution blocks, the markers excluded."""
    inside, lines = False, set()
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside:
            lines.add(number)
    return lines


def mutants(source: str, exercises: list[str]) -> list[Mutant]:
    """Every mutant of ``source`` that compiles and differs from it, in file order, without duplicates."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    editable = solution_lines(source)
    seen, out = {source}, []
    for top in tree.body:
        name = getattr(top, "name", None)
        if name not in exercises:
            continue
        for node, replacement, operator in _edits(top):
            span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
            if not set(span) <= editable:
                continue
            text = _replace(lines, node, replacement)
            if text in seen or not _compiles(text):
                continue
            seen.add(text)
            grown = text.count("\n") - source.count("\n")  # a replacement may have fewer lines
            changed = range(span.start, max(span.start + 1, span.stop + grown))
            out.append(Mutant(name, operator, node.lineno, _lines(source, span), _lines(text, changed), text))
    for mutant in _stub_mutants(source, tree, exercises):
        if mutant.source not in seen and _compiles(mutant.source):
            seen.add(mutant.source)
            out.append(mutant)
    return out


def _stub_mutants(source: str, tree: ast.Module, exercises: list[str]) -> Iterator[Mutant]:
    """Each exercise as the handout's stub has it, the rest of the reference unchanged."""
    stub = make_stub(source)
    stub_nodes = {getattr(n, "name", None): n for n in ast.parse(stub).body}
    lines, stub_lines = source.splitlines(keepends=True), stub.splitlines(keepends=True)
    for node in tree.body:
        name = getattr(node, "name", None)
        if name not in exercises or name not in stub_nodes:
            continue
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        other = stub_nodes[name]
        other_first = min([other.lineno] + [d.lineno for d in getattr(other, "decorator_list", [])])
        mine, theirs = lines[first - 1: node.end_lineno], stub_lines[other_first - 1: other.end_lineno]
        text = "".join(lines[: first - 1]) + "".join(theirs) + "".join(lines[node.end_lineno:])
        gone = [x.strip() for x in mine if x not in theirs and x.strip() and not x.strip().startswith("#")]
        new = [x.strip() for x in theirs if x not in mine and x.strip() and not x.strip().startswith("#")]
        yield Mutant(name, "stub", node.lineno, " | ".join(gone[:2]), " | ".join(new[:2]), text)


def _edits(top: ast.AST) -> Iterator[tuple[ast.AST, str, str]]:
    """(node, its replacement source, operator name) for every mutation site under ``top``."""
    for node in ast.walk(top):
        yield from _expression_edits(node)
        yield from _statement_edits(node)


def _expression_edits(node: ast.AST) -> Iterator[tuple[ast.AST, str, str]]:
    if isinstance(node, ast.BinOp):
        for op in SWAP_BINOP.get(type(node.op), []):
            yield node, ast.unparse(ast.BinOp(node.left, op(), node.right)), "arithmetic operator"
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        for op in SWAP_COMPARE.get(type(node.ops[0]), []):
            yield node, ast.unparse(ast.Compare(node.left, [op()], node.comparators)), "comparison"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield node, ast.unparse(node.operand), "sign"
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
        for value in _nearby(node.value):
            yield node, repr(value), "constant"
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield node, repr(not node.value), "constant"
    elif isinstance(node, ast.Call):
        yield from _call_edits(node)
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        yield node, ast.unparse(node.value), "shape"


def _call_edits(node: ast.Call) -> Iterator[tuple[ast.AST, str, str]]:
    func = node.func
    if isinstance(func, ast.Attribute):
        if func.attr in SWAP_REDUCTION:
            swapped = ast.Call(ast.Attribute(func.value, SWAP_REDUCTION[func.attr]), node.args, node.keywords)
            yield node, ast.unparse(swapped), "reduction"
        if func.attr in SHAPE_CALLS and not (isinstance(func.value, ast.Name) and func.value.id in MODULES):
            yield node, ast.unparse(func.value), "shape"
    for k, keyword in enumerate(node.keywords):
        if keyword.arg in DIM_KEYWORDS and isinstance(keyword.value, ast.Constant | ast.UnaryOp):
            for dim in ("0", "1", "-1"):
                if ast.unparse(keyword.value) != dim:
                    keywords = [*node.keywords[:k], ast.keyword(keyword.arg, ast.parse(dim, mode="eval").body),
                                *node.keywords[k + 1:]]
                    yield node, ast.unparse(ast.Call(func, node.args, keywords)), "dim"
        if keyword.arg == "keepdim" and isinstance(keyword.value, ast.Constant):
            keywords = [*node.keywords[:k], *node.keywords[k + 1:]]
            yield node, ast.unparse(ast.Call(func, node.args, keywords)), "dim"


def _statement_edits(node: ast.AST) -> Iterator[tuple[ast.AST, str, str]]:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield node, "pass", "dropped statement"
    elif isinstance(node, ast.With) and node.body[0].lineno > node.lineno and \
            any("no_grad" in ast.unparse(i.context_expr) for i in node.items):
        # The header alone: `if True:` keeps the body's indentation, and drops the context.
        yield _Header(node), "if True:", "dropped statement"
    elif isinstance(node, ast.AugAssign):
        yield node, f"{ast.unparse(node.target)} = {ast.unparse(ast.BinOp(node.target, node.op, node.value))}", \
            "in place"
        if type(node.op) in SWAP_AUGOP:
            yield node, ast.unparse(ast.AugAssign(node.target, SWAP_AUGOP[type(node.op)](), node.value)), \
                "arithmetic operator"
    elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.BinOp) and \
            ast.unparse(node.value.left) == ast.unparse(node.targets[0]):
        yield node, ast.unparse(ast.AugAssign(node.targets[0], node.value.op, node.value.right)), "in place"
    elif isinstance(node, ast.Return) and node.value is not None and \
            not (isinstance(node.value, ast.Constant) and node.value.value is None):
        yield node, "return None", "trivial return"


class _Header:
    """The first line of a compound statement, as a node-like span to the end of that line (body left alone)."""

    def __init__(self, node: ast.stmt):
        self.lineno = self.end_lineno = node.lineno
        self.col_offset = node.col_offset
        self.end_col_offset = None


def _nearby(value: int | float) -> list[int | float]:
    if isinstance(value, int):
        return [value + 1, value - 1] if value not in (0, 1) else [1 - value, value + 2]
    if value == 0.0:
        return [1.0]
    return [value * 10, value / 10]


def _replace(lines: list[str], node, replacement: str) -> str:
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    start = _offset(lines[first], node.col_offset)
    end = len(lines[last].rstrip("\r\n")) if node.end_col_offset is None else _offset(lines[last], node.end_col_offset)
    head, tail = lines[first][:start], lines[last][end:]
    return "".join(lines[:first]) + head + replacement + tail + "".join(lines[last + 1:])


def _offset(line: str, byte_offset: int) -> int:
    """ast's column offsets count UTF-8 bytes; string slicing counts characters."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _lines(text: str, span: range) -> str:
    all_lines = text.splitlines()
    return "\n".join(all_lines[k - 1].strip() for k in span if 0 < k <= len(all_lines))


def _compiles(text: str) -> bool:
    try:
        compile(text, "<mutant>", "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True

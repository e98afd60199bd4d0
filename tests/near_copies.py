"""Near-copies of a submission, as a student hiding a copy makes them: renamed variables, reordered
functions, changed comments (each alone, and all three)."""

from __future__ import annotations

import ast
import io
import tokenize


def rename_variables(source: str) -> str:
    """Every local variable (assigned inside a function, not a parameter) renamed."""
    tree = ast.parse(source)
    names: dict[str, str] = {}
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef):
            params = {a.arg for a in [*func.args.args, *func.args.kwonlyargs, *func.args.posonlyargs]}
            for node in ast.walk(func):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in params:
                    names.setdefault(node.id, f"my_{node.id.lower()}_{len(names)}")
    tokens, previous = [], ""
    for t in tokenize.generate_tokens(io.StringIO(source).readline):
        renamed = t.type == tokenize.NAME and previous != "." and t.line.lstrip()[:7] not in ("import ", "from ")
        tokens.append(t._replace(string=names.get(t.string, t.string)) if renamed else t)
        previous = t.string
    return tokenize.untokenize(tokens)


def reorder_functions(source: str) -> str:
    """The top-level functions and classes in reverse order (imports and the docstring stay first)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    first = min(n.lineno - len(n.decorator_list) for n in defs) - 1
    blocks = ["".join(lines[n.lineno - 1 - len(n.decorator_list): n.end_lineno]) for n in defs]
    return "".join(lines[:first]) + "\n\n".join(reversed(blocks)) + "\n"


def change_comments(source: str) -> str:
    """Every comment dropped, and a new one before each return."""
    out = []
    for line in source.splitlines():
        code = line.split("#", 1)[0].rstrip() if line.lstrip().startswith("#") or " # " in line else line
        if line.lstrip().startswith("#"):
            continue
        if code.lstrip().startswith("return "):
            indent = code[: len(code) - len(code.lstrip())]
            out.append(f"{indent}# hand back what we computed")
        out.append(code)
    return "\n".join(out) + "\n"


def disguised(source: str) -> str:
    return change_comments(reorder_functions(rename_variables(source)))


TRANSFORMS = {"renamed": rename_variables, "reordered": reorder_functions, "recommented": change_comments,
              "disguised": disguised}

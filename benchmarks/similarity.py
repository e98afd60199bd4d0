"""How long the similarity section takes for a class, and what it lists.

    python -m benchmarks.similarity [--sizes 100 500] [--copies 0.05]

The class is made from the independently written solutions in ``tests/independent/linear_regression``:
each student takes every function from one of them at random (so pairs of students share whole
functions, the costly case for the comparison), with their variables renamed; a share ``--copies`` of
the students are disguised copies of a classmate. It prints the time to compare the class, on one
core, and how many pairs it lists against how many copies were planted. Nothing passes or fails.
"""

from __future__ import annotations

import argparse
import ast
import random
import time

from autograder import similarity
from autograder.assignments import ROOT, Assignment
from tests.near_copies import disguised, rename_variables

INDEPENDENT = ROOT / "tests" / "independent" / "linear_regression"


def _functions(source: str) -> tuple[str, list[str]]:
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    head = "".join(lines[: defs[0].lineno - 1])
    return head, ["".join(lines[n.lineno - 1: n.end_lineno]) for n in defs]


def make_class(n: int, copies: float, seed: int = 0) -> tuple[dict[str, str], set[frozenset[str]]]:
    rng = random.Random(seed)
    authors = [_functions(p.read_text(encoding="utf-8")) for p in sorted(INDEPENDENT.glob("*.py"))]
    head = authors[0][0]
    sources, planted = {}, set()
    for k in range(n):
        student = f"student_{k:04d}"
        if k and rng.random() < copies:
            original = f"student_{rng.randrange(k):04d}"
            sources[student] = disguised(sources[original])
            planted.add(frozenset((student, original)))
            continue
        parts = [rng.choice(authors)[1][i] for i in range(len(authors[0][1]))]
        sources[student] = rename_variables(head + "\n\n".join(parts) + "\n")
    return sources, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--copies", type=float, default=0.05)
    args = parser.parse_args()
    assignment = Assignment("linear_regression")
    stub = assignment.stub.read_text(encoding="utf-8")
    boilerplate = [stub, *similarity.book_sources(assignment)]
    for n in args.sizes:
        sources, planted = make_class(n, args.copies)
        started = time.perf_counter()
        own = {s: similarity.own_code(text, stub, s) for s, text in sources.items()}
        pairs, qualified = similarity.compare(own, boilerplate)
        seconds = time.perf_counter() - started
        listed = {frozenset(pair) for pair in qualified}
        print(f"N={n}: {seconds:.1f} s ({1000 * seconds / n:.1f} ms per submission, {n * (n - 1) // 2} pairs); "
              f"{len(qualified)} pairs over the threshold ({len(pairs)} listed), "
              f"{len(planted & listed)} of {len(planted)} planted copies among them")


if __name__ == "__main__":
    main()

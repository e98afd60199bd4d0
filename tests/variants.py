"""Submissions the kit's tests grade: the reference solution with small edits.

A mistake is what learners really write; it must lose points on its own exercise and
keep every other exercise. An alternative is a correct but different implementation;
it must get full marks. Each edit replaces text that must occur in the reference
exactly once, so an edit can never silently stop applying.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Variant:
    name: str
    edits: tuple[tuple[str, str], ...]
    exercise: str | None = None  # the exercise the mistake breaks; None for an alternative
    # Words the feedback for that exercise must contain (the hint naming the cause).
    hint: tuple[str, ...] = field(default=())
    # The exercise's result is trivial (nothing, a constant, an arbitrary change): it must earn none of its points.
    trivial: bool = False

    def source(self, reference: str) -> str:
        text = reference
        for old, new in self.edits:
            count = text.count(old)
            if count != 1:
                raise AssertionError(f"variant {self.name}: {old!r} occurs {count} times in the reference")
            text = text.replace(old, new)
        return text


def mistake(name: str, exercise: str, *edits: tuple[str, str], hint: tuple[str, ...] = (),
            trivial: bool = False) -> Variant:
    return Variant(name, tuple(edits), exercise, hint, trivial)


def alternative(name: str, *edits: tuple[str, str]) -> Variant:
    return Variant(name, tuple(edits))


def write_variants(folder: Path, reference: str, filename: str, variants: list[Variant]) -> None:
    for v in variants:
        (folder / v.name).mkdir(parents=True)
        (folder / v.name / filename).write_text(v.source(reference))

"""Writing catalogued variants (``autograder.mistakes``) as a class of submissions."""

from __future__ import annotations

from pathlib import Path

from autograder.mistakes import Variant


def write_variants(folder: Path, reference: str, filename: str, variants: list[Variant]) -> None:
    for v in variants:
        (folder / v.name).mkdir(parents=True)
        (folder / v.name / filename).write_text(v.source(reference))

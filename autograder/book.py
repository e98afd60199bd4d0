"""The book's own code, which a check is given in place of the exercises it builds on.

Each suite keeps it in ``suites/<name>/book/<exercise>.py``: one real module per exercise, as
printed (linted, and graded against the reference by the kit's tests). The suite's ``textbook.py``
says what each check is given; an exercise whose book version calls another's brings that one along.
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from types import ModuleType


def read(textbook_file: str) -> dict[str, str]:
    """Exercise name -> the source of its book version, from the ``book/`` folder beside ``textbook_file``."""
    folder = Path(textbook_file).resolve().parent / "book"
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py")) if p.stem != "__init__"}


def sources(module: ModuleType, *names: str) -> dict[str, str]:
    """What a check sends a runner (``sub.substitute``) for kit code it gives the student's functions to work on:
    each of ``names`` with the source of ``module``, a real module of the suite that defines it.

    Such code is not the book's, so the runner that held it is thrown away before the next check, unless that
    check sends the same code again (``Submission.checking``): nothing the module keeps of it counts later.
    """
    text = _source_of(module)
    return {name: text for name in names}


@functools.cache
def _source_of(module: ModuleType) -> str:
    # Read once per process: checks send it to every student of a batch.
    loader = getattr(module, "__loader__", None)
    text = loader.get_source(module.__name__) if hasattr(loader, "get_source") else None
    return text if text is not None else inspect.getsource(module)  # a loader that cannot say: the file

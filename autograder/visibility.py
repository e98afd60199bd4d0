"""When students see each check on Gradescope: the ``visibility`` of each test in results.json.

Gradescope knows four levels (hidden, after_due_date, after_published, visible). By default a
public check is ``visible`` (the student ran it in the self-check already) and a hidden check is
``after_published``, so hidden checks wait until the instructor publishes the grades. An instructor
chooses otherwise with a spec such as ``hidden=after_due_date`` or ``public=visible,
test_some_check=hidden`` (per check, by test name). The choice is kept in the grading
folder (``visibility.json``), so reruns and ``--only`` keep it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

LEVELS = ("hidden", "after_due_date", "after_published", "visible")
WHEN = {
    "hidden": "not shown to you",
    "after_due_date": "shown after the due date",
    "after_published": "shown once your instructor publishes the grades",
}
FILE = "visibility.json"


class VisibilityError(ValueError):
    """A visibility spec or file names an unknown level or check; the message says which."""


@dataclass(frozen=True)
class Visibility:
    public: str = "visible"
    hidden: str = "after_published"
    checks: dict[str, str] = field(default_factory=dict)  # test name -> level, over the two above

    def of(self, test: str, hidden: bool) -> str:
        return self.checks.get(test, self.hidden if hidden else self.public)

    def to_json(self) -> dict:
        return {"public": self.public, "hidden": self.hidden, "checks": dict(sorted(self.checks.items()))}


DEFAULT = Visibility()


def _level(value: object, where: str) -> str:
    if value not in LEVELS:
        raise VisibilityError(f"{where}: {value!r} is not a Gradescope visibility; use one of {', '.join(LEVELS)}")
    return str(value)


def parse(spec: str, known_checks: Iterable[str], base: Visibility = DEFAULT) -> Visibility:
    """``public=LEVEL,hidden=LEVEL,TEST=LEVEL`` (any subset, comma-separated) over ``base``."""
    known = set(known_checks)
    public, hidden, checks = base.public, base.hidden, dict(base.checks)
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep:
            raise VisibilityError(f"{part!r}: write WHAT=LEVEL, e.g. hidden=after_due_date")
        level = _level(value, key)
        if key == "public":
            public = level
        elif key == "hidden":
            hidden = level
        elif key in known:
            checks[key] = level
        else:
            raise VisibilityError(f"{key!r} is neither public, hidden nor a check of this assignment")
    return Visibility(public, hidden, checks)


def from_json(data: object, known_checks: Iterable[str] | None = None) -> Visibility:
    """A saved choice; ``known_checks`` None: names not checked (a check not in this result never applies)."""
    if not isinstance(data, dict) or not isinstance(data.get("checks", {}), dict):
        raise VisibilityError(f"{FILE}: expected {{'public': ..., 'hidden': ..., 'checks': {{...}}}}")
    known = None if known_checks is None else set(known_checks)
    checks = {}
    for test, level in data.get("checks", {}).items():
        if known is not None and test not in known:
            raise VisibilityError(f"{FILE}: {test!r} is not a check of this assignment")
        checks[test] = _level(level, f"{FILE}: {test}")
    return Visibility(_level(data.get("public", DEFAULT.public), f"{FILE}: public"),
                      _level(data.get("hidden", DEFAULT.hidden), f"{FILE}: hidden"), checks)


def check_names(suites: Iterable[Path]) -> set[str]:
    """The test functions of these suite folders, read from the source (no import: grading never imports torch)."""
    from autograder.validate import suite_checks

    return {c.name for folder in suites for c in suite_checks(folder)}


def save(out: Path, visibility: Visibility) -> None:
    from autograder.results import atomic_write

    atomic_write(out / FILE, json.dumps(visibility.to_json(), indent=2) + "\n")


def load(out: Path, known_checks: Iterable[str] | None = None) -> Visibility:
    path = out / FILE
    if not path.is_file():
        return DEFAULT
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise VisibilityError(f"{path} cannot be read ({e})") from None
    return from_json(data, known_checks)


def note(levels: list[tuple[str, float]]) -> str:
    """What the student is told about checks not shown yet: ``levels`` holds (visibility, points) per check."""
    lines = []
    for level, when in WHEN.items():
        points = [p for v, p in levels if v == level]
        if points:
            checks = f"{len(points)} check is" if len(points) == 1 else f"{len(points)} checks are"
            total = f"{sum(points):g} point{'s' if sum(points) != 1 else ''}"
            lines.append(f"{checks} {when} ({total}).")
    return " ".join(lines)

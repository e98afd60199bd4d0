"""The pages' Jinja2 templates and their stylesheets and script.

HTML templates (``*.html.j2``) are rendered with autoescape: nothing taken from a result, which
student code controls in part, can become markup. The Markdown feedback (``feedback.md.j2``) is
not HTML: there, what the student controls goes through the ``fenced`` and ``code_span`` filters.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from autograder.markdown import code_span, fenced
from autograder.results import (
    ADJUSTED,
    NOT_IMPLEMENTED,
    PASSED,
    curve_summary,
    status_class,
    status_label,
    status_mark,
)

FOLDER = Path(__file__).parent


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}%"


def _feedback_name(student: str) -> str:
    from autograder.report.pages import feedback_name

    return feedback_name(student)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(FOLDER), autoescape=lambda name: ".html" in (name or ""),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters.update(status_label=status_label, status_class=status_class, status_mark=status_mark, clip=clip,
                       percent=percent, feedback_name=_feedback_name, curve_summary=curve_summary,
                       fenced=lambda text, indent="": "\n".join(fenced(text, indent=indent)), code_span=code_span)
    env.globals.update(ADJUSTED=ADJUSTED, PASSED=PASSED, NOT_IMPLEMENTED=NOT_IMPLEMENTED)
    return env


def warm() -> None:
    """Compile what a judge renders for every student, before the judges are forked from this process."""
    for name in ("feedback.html.j2", "feedback.md.j2", "base.css.j2"):
        environment().get_template(name)


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)


def asset(name: str) -> str:
    """A stylesheet or script of the pages, as written."""
    return (FOLDER / name).read_text(encoding="utf-8")

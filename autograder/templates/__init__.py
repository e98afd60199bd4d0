"""The HTML pages' Jinja2 templates, rendered with autoescape: nothing a student wrote can become markup."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

FOLDER = Path(__file__).parent


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(FOLDER), autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True)


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)

"""Student-controlled text in Markdown that cannot end its block or inject HTML.

Printed output, exception messages, file names and labels go into a fenced block whose fence is
longer than any run of backticks in the text, so no line of it can close the block, and nothing
inside a fence is Markdown or HTML. A short value inside a sentence goes into a code span built
the same way, on one line. Everything else in a feedback page is the kit's own text.
"""

from __future__ import annotations

import re

_BACKTICKS = re.compile(r"`+")


def _fence_for(text: str, least: int) -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(least, longest + 1)


def fenced(text: str, indent: str = "", info: str = "text") -> list[str]:
    """The lines of a fenced block holding ``text`` verbatim, each prefixed by ``indent`` (to sit in a list)."""
    body = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
    fence = _fence_for(text, 3)
    return [f"{indent}{fence}{info}", *(f"{indent}{line}" for line in body), f"{indent}{fence}"]


def code_span(text: str) -> str:
    """``text`` as an inline code span, on one line, whatever backticks it holds."""
    flat = " ".join(text.split()) or "?"
    fence = _fence_for(flat, 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"

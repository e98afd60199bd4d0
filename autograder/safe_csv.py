"""CSV that a spreadsheet opens as data: cells that would be read as a formula are escaped.

OWASP's advice on CSV injection: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with ``'``, which Excel, LibreOffice and Google Sheets show as text.
Plain numbers (``-1.5``) are left as they are: a spreadsheet reads them as the number they are.
Every CSV the kit writes goes through ``csv_text``; open it with ``newline=""``, as ``csv`` asks.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def safe_cell(value: object) -> str:
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """A cell as it was before ``safe_cell`` (a spreadsheet shows the ``'`` away, but a reader sees it)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    buf = io.StringIO()
    # RFC 4180's CRLF: with it the writer quotes a cell holding a bare CR, which "\n" would leave loose.
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()

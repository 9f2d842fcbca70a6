"""CSV with an HXL hashtag row (https://hxlstandard.org), as every Corridor export writes it."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

MEDIA_TYPE = "text/csv; charset=utf-8"

# What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection"), with the full-width
# forms that some spreadsheets fold to the ASCII ones.
_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def cell(value: Any) -> Any:
    """A CSV cell; free text opened in a spreadsheet must not run as a formula (CSV injection).

    Numbers are kept as they are: they come from numeric fields (a coordinate of -3.5), and a
    number's text cannot hold a formula. Every other value is text and is neutralised with a
    leading `'` when its first character, or its first after any whitespace (spreadsheets skip
    it), starts a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text[:1] in _FORMULA_START or text.lstrip()[:1] in _FORMULA_START:
        return "'" + text
    return text


def write_csv(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> str:
    """Header row, hashtag row, then the rows: what HXL tools (libhxl) read back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in columns])
    writer.writerow([tag for _, tag in columns])
    writer.writerows([[cell(v) for v in row] for row in rows])
    return out.getvalue()

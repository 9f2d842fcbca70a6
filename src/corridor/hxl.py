"""CSV with an HXL hashtag row (https://hxlstandard.org), as every Corridor export writes it."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

MEDIA_TYPE = "text/csv; charset=utf-8"


def cell(value: Any) -> Any:
    """A CSV cell; free text opened in a spreadsheet must not run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def write_csv(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> str:
    """Header row, hashtag row, then the rows: what HXL tools (libhxl) read back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in columns])
    writer.writerow([tag for _, tag in columns])
    writer.writerows([[cell(v) for v in row] for row in rows])
    return out.getvalue()

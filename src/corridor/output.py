"""How the CLI speaks: Rich for people, one JSON document with --json for scripts."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def fail(message: str, *, field: str | None = None, code: int = 2) -> NoReturn:
    where = f" ({field})" if field else ""
    err_console.print(f"[bold red]error[/]{where}: {message}", highlight=False)
    raise SystemExit(code)


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    t = Table(title=title)
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*[str(v) if v is not None else "" for v in r])
    console.print(t)

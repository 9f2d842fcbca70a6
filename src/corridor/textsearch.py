"""Case-insensitive text search in SQL that folds every script, not only ASCII, the same way on
SQLite and PostgreSQL, so a list's text filter can run in the database before it is paged.

SQLite's own `lower()` and `LIKE` fold ASCII letters only ("Київ" would not match "київ"), so
SQLite connections get `corridor_fold`, Python's `str.lower`. PostgreSQL's `lower()` folds by the
database's LC_CTYPE (a database made with LC_CTYPE=C folds ASCII only), so it is asked to fold
under the ICU root collation, which every PostgreSQL built with ICU (Debian's, the official
images') has and which maps letters as Python's `str.lower` does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

SQLITE_FOLD = "corridor_fold"


def _fold_text(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def register_sqlite(dbapi_connection: Any) -> None:
    """Give a new SQLite connection `corridor_fold` (deterministic: usable in indexes)."""
    dbapi_connection.create_function(SQLITE_FOLD, 1, _fold_text, deterministic=True)


class fold(FunctionElement[str]):
    """The text of an expression with every letter lower-cased, in any script."""

    type = Text()
    inherit_cache = True


@compiles(fold, "sqlite")
def _fold_sqlite(element: fold, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FOLD}({compiler.process(element.clauses, **kw)})"


@compiles(fold, "postgresql")
def _fold_postgresql(element: fold, compiler: Any, **kw: Any) -> str:
    return f'lower(({compiler.process(element.clauses, **kw)}) COLLATE "und-x-icu")'


def contains(haystack: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """`haystack` contains `text`, ignoring case; `%` and `_` in `text` match only themselves."""
    return fold(haystack).contains(text.strip().lower(), autoescape=True)

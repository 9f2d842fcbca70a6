"""The pauses list's text search, in SQL: the words people look for (title, conditions, the
corridor's waypoint names) of each pause's current version, matched ignoring case in any script,
so the filter runs before a page is cut (matching a page's rows in Python would hide matches on
later pages and load every pause to find them).

The content is stored as canonical JSON text, so the words are read out with each database's JSON
functions; matching the raw text instead would also match the keys ("title", "corridor").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Text

from corridor import textsearch
from corridor.pauses.models import Pause, PauseVersion


class words(FunctionElement[str]):
    """A version's title, conditions and waypoint names, joined by spaces."""

    type = Text()
    inherit_cache = True


# CONTENT stands for the compiled column, the only thing put into this text (the searched words
# are a bound parameter). A pause without a corridor has "corridor": null: no waypoints.
_SQLITE = ("coalesce(json_extract(CONTENT, '$.title'), '') || ' ' || "
           "coalesce(json_extract(CONTENT, '$.conditions'), '') || ' ' || "
           "coalesce((SELECT group_concat(json_extract(w.value, '$.name'), ' ') "
           "FROM json_each(CONTENT, '$.corridor.waypoints') AS w), '')")
_POSTGRESQL = ("concat_ws(' ', CAST(CONTENT AS jsonb) ->> 'title', "
               "CAST(CONTENT AS jsonb) ->> 'conditions', "
               "(SELECT string_agg(w ->> 'name', ' ') "
               "FROM jsonb_array_elements(CAST(CONTENT AS jsonb) #> '{corridor,waypoints}') AS w))")


@compiles(words, "sqlite")
def _words_sqlite(element: words, compiler: Any, **kw: Any) -> str:
    return _SQLITE.replace("CONTENT", compiler.process(element.clauses, **kw))


@compiles(words, "postgresql")
def _words_postgresql(element: words, compiler: Any, **kw: Any) -> str:
    return _POSTGRESQL.replace("CONTENT", compiler.process(element.clauses, **kw))


def text_in(text: str) -> ColumnElement[bool]:
    """Pauses whose current version's words contain `text`, ignoring case."""
    return exists(select(PauseVersion.pause_id).where(
        PauseVersion.pause_id == Pause.id, PauseVersion.number == Pause.current_version,
        textsearch.contains(words(PauseVersion.content), text)))

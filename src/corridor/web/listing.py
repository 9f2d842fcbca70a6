"""Pages of a list on the web: at most `PAGE_SIZE` rows, read from a cursor exactly as the API's
lists are (`corridor.paging`: the sort key of the last row shown), with "Next page" and "First
page" links that keep the list's filters.

A page never loads the rows of the pages after it, and a row added while someone reads neither
repeats nor goes missing between pages, as it would with page numbers over a changing list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request

from corridor import paging
from corridor.errors import InvalidInput
from corridor.web.render import gettext

PAGE_SIZE = paging.DEFAULT_LIMIT

# Empty (or absent) for the first page; as long as the API allows.
Cursor = Annotated[str, Query(max_length=500)]


@dataclass(frozen=True)
class Links:
    """Where the pager's links go: None where there is no such page."""

    next: str | None
    first: str | None


def links(request: Request, next_cursor: str | None) -> Links:
    """The next page's and the first page's addresses, with every other query parameter kept."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    path = request.url.path

    def url(params: list[tuple[str, str]]) -> str:
        return f"{path}?{urlencode(params)}" if params else path

    on_first = not request.query_params.get("cursor")
    return Links(next=url([*kept, ("cursor", next_cursor)]) if next_cursor else None,
                 first=None if on_first else url(kept))


@contextmanager
def cursor_read(request: Request) -> Iterator[None]:
    """Refuse a cursor this list did not give (edited, cut short, from another list) with a
    422 page in the reader's language, instead of the API's English message."""
    try:
        yield
    except InvalidInput as exc:
        if exc.field != "cursor":
            raise
        _ = gettext(request)
        raise InvalidInput(_("This page's address was not made by this list: it may have "
                             "been cut short or edited. Go to the first page and go on from "
                             "there."), field="cursor") from exc

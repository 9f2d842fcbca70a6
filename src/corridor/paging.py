"""Pages of a list, by cursor: every list of the API returns at most `limit` rows (50 unless
asked, never more than 200) and says where the next page starts.

The cursor is the sort key of the last row given, so a page is one indexed range query however
deep it lies, and rows added meanwhile neither repeat nor vanish between pages (an offset would
do both). It is opaque to clients: base64 of the key, read back against the columns it sorts by.
Lists that answer with a JSON array keep that shape and give the next cursor in the
`Next-Cursor` header and an RFC 8288 `Link: <…>; rel="next"`; lists that answer with an object
carry `next_cursor` in it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query, Request, Response
from sqlalchemy import Select, TypeDecorator, and_, false, or_
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from corridor.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
NEXT_CURSOR = "Next-Cursor"

PAGING_DOC = (f"Paged: at most `limit` rows ({DEFAULT_LIMIT} unless asked, at most {MAX_LIMIT}); "
              f"the `{NEXT_CURSOR}` response header (and `Link: <…>; rel=\"next\"`) gives the "
              "cursor of the next page, and is absent on the last one.")

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=(
    f"Rows per page: {DEFAULT_LIMIT} unless given, at most {MAX_LIMIT}"))]
Cursor = Annotated[str | None, Query(max_length=500, description=(
    f"Where the page starts: the `{NEXT_CURSOR}` of the page before (opaque); none for the "
    "first page"))]

# Response header documentation for the routes' OpenAPI `responses`.
PAGED_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"headers": {
    NEXT_CURSOR: {"description": "The `cursor` of the next page; absent on the last page",
                  "schema": {"type": "string"}},
    "Link": {"description": "The next page's URL, rel=\"next\" (RFC 8288); absent on the last",
             "schema": {"type": "string"}}}}}

T = TypeVar("T")
# A column, mapped attribute or `.desc()` of one, as lists sort by.
OrderTerm = ColumnElement[Any] | InstrumentedAttribute[Any]


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    next_cursor: str | None


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode(values: Sequence[Any]) -> str:
    raw = json.dumps([_value(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _column(order: OrderTerm) -> tuple[ColumnElement[Any], bool]:
    """The column an ORDER BY term sorts by, and whether it is descending."""
    if isinstance(order, InstrumentedAttribute):
        return order.expression, False
    if isinstance(order, UnaryExpression) and order.modifier is not None:
        return order.element, order.modifier is operators.desc_op
    return order, False


def _python_type(column: ColumnElement[Any]) -> type:
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):  # e.g. UTCDateTime: what it stores decides
        sql_type = sql_type.impl_instance
    return sql_type.python_type


def decode(cursor: str, columns: Sequence[ColumnElement[Any]]) -> list[Any]:
    """The sort key in `cursor`, typed as `columns` are; a cursor not made here is refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError("wrong length")
        out: list[Any] = []
        for value, column in zip(values, columns, strict=True):
            kind = _python_type(column)
            if value is None:
                out.append(None)
            elif kind is datetime:
                out.append(datetime.fromisoformat(value))
            elif kind in (int, float, str):
                out.append(kind(value))
            else:
                out.append(value)
        return out
    except (ValueError, TypeError, binascii.Error, NotImplementedError) as exc:
        raise InvalidInput("the cursor was not given by this list; start again without it",
                           field="cursor") from exc


def after(order_by: Sequence[OrderTerm], key: Sequence[Any]) -> ColumnElement[bool]:
    """Rows that sort after `key` in `order_by` (each term ascending or descending)."""
    terms = [_column(o) for o in order_by]
    alternatives = []
    for i, (column, descending) in enumerate(terms):
        if key[i] is None:
            continue  # keys are never null in the columns lists sort by
        equal = [c == key[j] for j, (c, _) in enumerate(terms[:i])]
        beyond = column < key[i] if descending else column > key[i]
        alternatives.append(and_(*equal, beyond))
    return or_(*alternatives) if alternatives else false()


def fetch(db: Session, query: Select[T], *, order_by: Sequence[OrderTerm], limit: int | None,
          cursor: str | None = None) -> Page[T]:
    """One page of `query`'s rows in `order_by` (which must end in a unique column), and the
    cursor after its last row when there are more; every row when `limit` is None (for pages
    and checks inside the server, never for a client's request)."""
    columns = [_column(o)[0] for o in order_by]
    if cursor:
        query = query.where(after(order_by, decode(cursor, columns)))
    query = query.order_by(*order_by)
    if limit is None:
        return Page(list(db.scalars(query)), None)
    rows = list(db.scalars(query.limit(limit + 1)))
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, encode([getattr(rows[-1], str(c.key)) for c in columns]))


def headers(request: Request, next_cursor: str | None) -> dict[str, str]:
    """The response headers that say where the next page starts (none on the last page)."""
    if next_cursor is None:
        return {}
    url = request.url.include_query_params(cursor=next_cursor)
    return {NEXT_CURSOR: next_cursor, "Link": f'<{url}>; rel="next"'}


def announce(request: Request, response: Response, next_cursor: str | None) -> None:
    """Say where the next page starts, for a list answered as a JSON array."""
    response.headers.update(headers(request, next_cursor))

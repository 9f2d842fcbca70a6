"""Strict input: the types every API schema and parameter is built from, the JSON reader that
refuses what JSON should not carry, and the JSON pointers that name a wrong field.

Why: pydantic's defaults coerce (`"5"` and `true` become 5, an integer becomes a time) and leave
integers and times unbounded, so nonsense was stored, and values beyond what the database or
the conversion to UTC can hold came back as 500s. The rules are in docs/security.md ("Input").
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Path, Query, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from corridor.config import Settings
from corridor.errors import CorridorError, InvalidInput

# The largest id, version number or log position Corridor stores: PostgreSQL keeps them in
# 32-bit INTEGER columns, and a larger number bound to one overflows (SQLSTATE 22003, a 500)
# before the query runs. Larger ones are refused (422, naming the field) before any query.
MAX_ID = 2**31 - 1
TIME_EXAMPLE = "2026-05-01T06:00:00+03:00"

# ---- Text and numbers anywhere in a JSON body ----------------------------------------------


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None: NUL (PostgreSQL refuses it) and lone surrogates
    (not UTF-8, so neither database nor a signature can hold them)."""
    if "\x00" in text:
        return "NUL (U+0000) is not allowed in text"
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return "a lone surrogate (U+D800 to U+DFFF) is not a character; send UTF-8 text"
    return None


def _refuse_constant(name: str) -> Any:
    # Python's json module reads NaN and ±Infinity, which JSON (RFC 8259) does not have.
    raise ValueError(f"{name} is not a JSON number")


def read_json(raw: bytes) -> Any:
    """The JSON value of a request body, read as RFC 8259 says; ValueError if it is not one."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("the body is not UTF-8") from exc
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise ValueError("the body is nested too deeply") from exc


def find_unclean(value: Any) -> tuple[list[str | int], str] | None:
    """The location and reason of the first text (value or key) that cannot be stored."""
    stack: list[tuple[list[str | int], Any]] = [([], value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            reason = text_problem(node)
            if reason:
                return where, reason
        elif isinstance(node, float) and not math.isfinite(node):
            return where, "a number must be finite"
        elif isinstance(node, dict):
            for key, item in node.items():
                reason = text_problem(key) if isinstance(key, str) else None
                if reason:
                    return [*where, key], f"in a key: {reason}"
                stack.append(([*where, key], item))
        elif isinstance(node, list):
            stack.extend(([*where, i], item) for i, item in enumerate(node))
    return None


# ---- Where a wrong value sits ----------------------------------------------------------------


def escape(part: str | int) -> str:
    """One reference token of a pointer; a lone surrogate (refused, so only ever named in an
    error) is written as its escape, since the answer itself must be UTF-8."""
    text = str(part).encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("~", "~0").replace("/", "~1")


def pointer(loc: Sequence[Any], body: Any) -> str:
    """The JSON pointer (RFC 6901) into `body` of a pydantic error location, or "body" for the
    body itself. Parts that name no place in the body (a union's branch, a discriminator's tag)
    are left out; a last part that is absent is kept (a missing or unknown member)."""
    parts: list[str] = []
    node = body
    for i, part in enumerate(loc):
        inside_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        inside_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if inside_dict or inside_list:
            node = node[part]
        elif i == len(loc) - 1 and isinstance(node, dict) and isinstance(part, str):
            node = None
        else:
            continue
        parts.append(escape(part))
    return "/" + "/".join(parts) if parts else "body"


def dotted_to_pointer(field: str) -> str:
    """A path written `window.start` or `via.2` as the pointer `/window/start`, `/via/2`."""
    return field if field.startswith("/") else "/" + "/".join(escape(p) for p in field.split("."))


@contextmanager
def under(prefix: str, part: type[BaseModel]) -> Iterator[None]:
    """Services name the fields of what they were given (a pause's content) from its root; a
    route that gave them that part of its body puts the part's pointer in front of the fields
    that belong to it, so that `field` points into the body the client sent."""
    try:
        yield
    except CorridorError as exc:
        head = (exc.field or "").split("/")[1:2]
        if exc.field and exc.field.startswith("/") and head and head[0] in part.model_fields:
            exc.field = prefix + exc.field
        raise


# ---- Times ------------------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(?P<offset>[Zz]|[+-]\d{2}:\d{2})?")
_DEFAULTS = Settings.model_fields
_time_range: ContextVar[tuple[datetime, datetime]] = ContextVar(
    "corridor_time_range",
    default=(_DEFAULTS["earliest_time"].default, _DEFAULTS["latest_time"].default))


async def use_settings(request: Request) -> None:
    """The time range this application accepts (Settings.earliest_time/latest_time), for the
    validators of this request. A dependency of the application, so API and pages alike."""
    settings: Settings = request.app.state.settings
    _time_range.set((settings.earliest_time, settings.latest_time))


def _refuse(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _time(value: Any, *, local_allowed: bool) -> datetime:
    if isinstance(value, datetime):  # from Python callers (pages, the demo); JSON has no such
        parsed = value
    elif isinstance(value, str):
        match = _RFC3339.fullmatch(value)
        if match is None:
            raise _refuse("time_format", f"give a time as RFC 3339 text, e.g. {TIME_EXAMPLE}")
        if match["offset"] is None and not local_allowed:
            raise _refuse("time_zone", "time has no zone or offset; write it as "
                          f"{TIME_EXAMPLE} or with Z for UTC")
        try:
            parsed = datetime.fromisoformat(value.upper().replace(" ", "T"))
        except ValueError as exc:
            raise _refuse("time_format", f"not a real date and time: {exc}") from None
    else:
        raise _refuse("time_type", "a time is RFC 3339 text with a zone (e.g. "
                      f"{TIME_EXAMPLE}), never a number")
    earliest, latest = _time_range.get()
    # The local reading first: offsets stay under a day, so a time this far inside the range
    # converts to UTC without overflowing (9999-12-31T23:30:00-01:00 used to be a 500).
    wall = parsed.replace(tzinfo=None)
    day = timedelta(days=1)
    outside = not (earliest.replace(tzinfo=None) - day <= wall <= latest.replace(tzinfo=None) + day)
    if not outside and parsed.utcoffset() is not None:
        outside = not earliest <= parsed.astimezone(UTC) <= latest
    if outside:
        raise _refuse("time_range", f"give a time between {earliest.isoformat()} and "
                      f"{latest.isoformat()}")
    return parsed


def _instant(value: Any) -> datetime:
    return _time(value, local_allowed=False)


def _maybe_instant(value: Any) -> datetime | None:
    return None if value is None else _instant(value)


def _local_instant(value: Any) -> datetime:
    return _time(value, local_allowed=True)


_TIME_SCHEMA = {"type": "string", "format": "date-time", "example": TIME_EXAMPLE}
# An instant: RFC 3339 text with Z or an offset, inside the configured range.
Instant = Annotated[datetime, PlainValidator(_instant), WithJsonSchema(_TIME_SCHEMA)]
MaybeInstant = Annotated[datetime | None, PlainValidator(_maybe_instant),
                         WithJsonSchema({"anyOf": [_TIME_SCHEMA, {"type": "null"}]})]
# A pause window's ends may leave the offset out when the window names its zone.
LocalInstant = Annotated[datetime, PlainValidator(_local_instant), WithJsonSchema({
    "type": "string", "pattern": _RFC3339.pattern, "example": TIME_EXAMPLE})]

# ---- Numbers ---------------------------------------------------------------------------------

# In a body: a JSON integer, never a string, a boolean or a float (1e30 was a 500).
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, strict=True)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, strict=True)]
# In a URL: digits read as an integer, within what the database stores.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
QueryInstant = Annotated[MaybeInstant, Query(description=f"RFC 3339, e.g. {TIME_EXAMPLE}")]


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """A `bbox` query parameter: four finite numbers, west,south,east,north in degrees."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:  # not four numbers (one long number, three, words...)
        west = south = east = north = math.nan
    if not all(math.isfinite(v) for v in (west, south, east, north)) or not (
            -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidInput("bbox is min_lon,min_lat,max_lon,max_lat: four finite numbers, "
                           "longitudes within ±180, latitudes within ±90, south before north",
                           field="bbox")
    return west, south, east, north


class In(BaseModel):
    """Base of every request body: unknown members refused, no coercion between JSON types,
    and no text that cannot be stored (also for the pages, which validate with these models)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        # The API's reader already refused these with their exact pointer (StrictRoute); this
        # is for the pages and other Python callers, which validate with the same models.
        found = find_unclean(value)
        if found is not None:
            where = "/" + "/".join(escape(p) for p in found[0])
            raise _refuse("text_unstorable", f"{where}: {found[1]}")
        return value


# ---- The API's routes ------------------------------------------------------------------------


def _is_json(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in ("", "application/json") or (kind.startswith("application/")
                                                and kind.endswith("+json"))


def _invalid(loc: tuple[Any, ...], kind: str, message: str, body: Any = None) -> Exception:
    return RequestValidationError([{"type": kind, "loc": loc, "msg": message, "input": None}],
                                  body=body)


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route reads, its dependencies' included."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


class StrictRoute(APIRoute):
    """An API route that, before FastAPI reads anything, refuses query parameters it does not
    take, parameters with text that cannot be stored, and bodies that are not strict JSON
    (NaN, Infinity, invalid UTF-8, NUL or lone surrogates anywhere, keys included), each as
    422 naming the parameter or pointer."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        has_body = self.body_field is not None
        # A misspelt filter (`?stauts=active`) would otherwise be ignored and the whole list
        # answered as if it had been obeyed.
        known = _query_names(self.dependant)

        async def strict(request: Request) -> Response:
            unknown = sorted(set(request.query_params) - known)
            if unknown:
                raise _invalid(("query", unknown[0]), "query_unknown",
                               f"unknown query parameter; this operation takes "
                               f"{', '.join(sorted(known)) or 'none'}")
            params = [*(("path", k, v) for k, v in request.path_params.items()),
                      *(("query", k, v) for k, v in request.query_params.multi_items())]
            for where, name, value in params:
                reason = text_problem(value) if isinstance(value, str) else None
                if reason:
                    raise _invalid((where, name), "text_unstorable", reason)
            if has_body and _is_json(request):
                raw = await request.body()  # kept by the request for FastAPI's own reading
                if raw:
                    try:
                        body = read_json(raw)
                    except ValueError as exc:
                        raise _invalid(("body",), "json_invalid", f"not JSON: {exc}") from None
                    found = find_unclean(body)
                    if found is not None:
                        raise _invalid(("body", *found[0]), "text_unstorable", found[1], body)
            return await handler(request)

        return strict

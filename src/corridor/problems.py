"""RFC 9457 problem details: the one shape of every error the API answers, built here so that
the middleware (backpressure, body limits) and the application's handlers share it."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from corridor.errors import CorridorError

PROBLEM_BASE = "https://corridor.example/problems/"

# The one mapping of a domain error's kind to an HTTP status, for the API and the pages alike.
STATUS = {
    "refused": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "too_large": 413,
    "unsupported_media_type": 415,
    "invalid": 422,
    "unavailable": 503,
}


def status_of(exc: CorridorError) -> int:
    return STATUS[exc.kind]


def problem_of(exc: CorridorError) -> JSONResponse:
    """A domain error as the API answers it."""
    return problem(status_of(exc), exc.type, exc.title, exc.detail, field=exc.field,
                   extra=exc.extra)


def problem(
    status: int,
    type_: str,
    title: str,
    detail: str,
    *,
    field: str | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + type_,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if field is not None:
        body["field"] = field
    body.update(extra or {})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type="application/problem+json",
                        headers=headers)

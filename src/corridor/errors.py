"""Domain errors: plain exceptions, mapped once to RFC 9457 problem details in `app.py`.

Each error carries a stable `type` slug (the URI is built from it), an HTTP status, a message that
says what was wrong and what would be accepted, and where possible the field that was wrong.
"""

from __future__ import annotations

from typing import Any


class CorridorError(Exception):
    """Base of every error a user can cause; never raised for a bug."""

    type: str = "error"
    title: str = "Request refused"
    status: int = 400

    def __init__(
        self, detail: str, *, field: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra or {}


class NotFound(CorridorError):
    type = "not-found"
    title = "Not found"
    status = 404


class Unauthenticated(CorridorError):
    type = "unauthenticated"
    title = "Authentication required"
    status = 401


class Forbidden(CorridorError):
    type = "forbidden"
    title = "Not permitted"
    status = 403


class InvalidInput(CorridorError):
    type = "invalid-input"
    title = "Invalid input"
    status = 422


class Conflict(CorridorError):
    type = "conflict"
    title = "Conflict"
    status = 409


class InvalidTransition(Conflict):
    """A lifecycle move that the transition table does not allow from the current state."""

    type = "invalid-transition"
    title = "Move not allowed in this state"


class InvalidSignature(CorridorError):
    type = "invalid-signature"
    title = "Signature refused"
    status = 422


class PayloadTooLarge(CorridorError):
    type = "payload-too-large"
    title = "Request body too large"
    status = 413


class UnsupportedMediaType(CorridorError):
    type = "unsupported-media-type"
    title = "Unsupported media type"
    status = 415


class SchemaOutOfDate(CorridorError):
    type = "schema-out-of-date"
    title = "Database schema out of date"
    status = 503

"""Domain errors: plain exceptions that say what kind of refusal they are, never an HTTP status.

Each carries a `kind` (`not_found`, `forbidden`, `conflict`, `invalid`...), a stable `type` slug
(the problem URI is built from it), a message that says what was wrong and what would be
accepted, and where possible the field that was wrong. `corridor.problems` maps each kind to a
status once, for the API and the web pages alike; services know nothing of HTTP.
"""

from __future__ import annotations

from typing import Any


class CorridorError(Exception):
    """Base of every error a user can cause; never raised for a bug."""

    type: str = "error"
    title: str = "Request refused"
    kind: str = "refused"

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
    kind = "not_found"


class Unauthenticated(CorridorError):
    type = "unauthenticated"
    title = "Authentication required"
    kind = "unauthenticated"


class Forbidden(CorridorError):
    type = "forbidden"
    title = "Not permitted"
    kind = "forbidden"


class InvalidInput(CorridorError):
    type = "invalid-input"
    title = "Invalid input"
    kind = "invalid"


class Conflict(CorridorError):
    type = "conflict"
    title = "Conflict"
    kind = "conflict"


class InvalidTransition(Conflict):
    """A lifecycle move that the transition table does not allow from the current state."""

    type = "invalid-transition"
    title = "Move not allowed in this state"


class InvalidSignature(CorridorError):
    type = "invalid-signature"
    title = "Signature refused"
    kind = "invalid"


class PayloadTooLarge(CorridorError):
    type = "payload-too-large"
    title = "Request body too large"
    kind = "too_large"


class UnsupportedMediaType(CorridorError):
    type = "unsupported-media-type"
    title = "Unsupported media type"
    kind = "unsupported_media_type"


class SchemaOutOfDate(CorridorError):
    type = "schema-out-of-date"
    title = "Database schema out of date"
    kind = "unavailable"

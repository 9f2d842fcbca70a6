"""A service's refusal, as a form page shows it: the one place the pages turn a domain error's
kind into a status (the error page and the API use `corridor.problems`)."""

from __future__ import annotations

from corridor.errors import CorridorError

# Refusals about the object itself, not about what was typed: the error page says them.
_NOT_A_FORM_MATTER = ("unauthenticated", "forbidden", "not_found")


def form_status(exc: Exception) -> int:
    """The status to show the form again with (409 when someone changed it meanwhile, else
    422); a refusal that forbids or hides the object is raised again, to become the error page.
    Pydantic's refusals of a form's fields are 422 too."""
    if isinstance(exc, CorridorError) and exc.kind in _NOT_A_FORM_MATTER:
        raise exc
    return 409 if isinstance(exc, CorridorError) and exc.kind == "conflict" else 422

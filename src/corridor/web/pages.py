"""Mounting the web: its routers, static files, compression, and what a page does when the
reader is not logged in (redirect to the login page) or a form's CSRF token is wrong."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.middleware.gzip import GZipMiddleware

from corridor.web import assets, auth, docs, events, log
from corridor.web.deps import CsrfRefused, LoginRequired
from corridor.web.incidents import pages as incidents
from corridor.web.notices import pages as notices
from corridor.web.operations import forms as operations_forms
from corridor.web.operations import pages as operations
from corridor.web.operations import participants as operations_participants
from corridor.web.overview import pages as overview
from corridor.web.pauses import forms as pauses_forms
from corridor.web.pauses import pages as pauses
from corridor.web.pauses import sign as pauses_sign
from corridor.web.render import gettext, render


async def _to_login(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)


async def _csrf_refused(request: Request, _exc: Exception) -> Response:
    _ = gettext(request)
    return render(request, "error.html", status=403, login=request.state.web_login,
                  title=_("The form had expired"),
                  message=_("This page was open too long or in another session. Go back, "
                            "reload the page and send the form again; nothing was saved."))


def mount(app: FastAPI) -> None:
    """Add the pages to the application (after the API, so the API's paths win)."""
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    # Level 6: level 9 (Starlette's default) costs 4x the CPU for responses under 1 % smaller.
    app.add_middleware(GZipMiddleware, minimum_size=800, compresslevel=6)
    for module in (assets, auth, events, docs, overview, pauses, notices,
                   operations_forms,  # before operations: /operations/new is not an id
                   operations, operations_participants, incidents, log, pauses_forms,
                   pauses_sign):
        app.include_router(module.router)

"""Dependencies of the pages: the logged-in member (or a redirect to the login page) and forms
whose CSRF token has been checked."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy import select
from starlette.datastructures import FormData

from corridor.deps import SessionDep
from corridor.groups import logins as sessions
from corridor.groups.logins import WebLogin
from corridor.log.models import LogHead

COOKIE = sessions.COOKIE


class LoginRequired(Exception):
    """No live session: the page answers with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRefused(Exception):
    """A form came without the token of the session that showed it."""


def optional_login(request: Request, db: SessionDep) -> WebLogin | None:
    secret = request.cookies.get(COOKIE)
    login = sessions.current(db, secret=secret) if secret else None
    request.state.web_login = login
    if login is not None:
        # The log's size before the page reads anything else: the page's live updates compare
        # it with the size their stream starts at, so an entry integrated between this read
        # and the stream's start ("pending" on the page) still refreshes the page.
        request.state.log_size = int(db.scalar(
            select(LogHead.size).where(LogHead.group_id == login.principal.group.id)) or 0)
    return login


def require_login(request: Request, login: Annotated[WebLogin | None,
                                                      Depends(optional_login)]) -> WebLogin:
    if login is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(quote(target, safe="/?=&"))
    return login


WebUser = Annotated[WebLogin, Depends(require_login)]
MaybeUser = Annotated[WebLogin | None, Depends(optional_login)]


async def checked_form(request: Request, login: WebUser) -> FormData:
    """The posted form, once its CSRF token matches the session's."""
    form = await request.form()
    token = form.get("csrf_token")
    if not sessions.csrf_matches(login.csrf_token, token if isinstance(token, str) else None):
        raise CsrfRefused()
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]

"""Typed FastAPI dependencies: the database session, the settings and the calling member."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.errors import Forbidden, NotFound, Unauthenticated
from corridor.groups import service as groups
from corridor.groups.models import Group
from corridor.groups.principal import Principal
from corridor.web import sessions as web_sessions


def get_db(request: Request) -> Iterator[Session]:
    """One session per route call; services commit, anything left uncommitted is rolled back.

    Closed when the route function returns (scope="function"), not after the response has been
    sent: a slow reader on a poor connection must not hold one of the pool's few connections (and
    on SQLite a read transaction) while its bytes trickle out. Routes therefore return plain data
    or models loaded in full, never something that loads lazily while being serialised."""
    db: Session = request.app.state.sessionmaker()
    try:
        yield db
    finally:
        db.rollback()
        db.close()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_principal(
    request: Request, db: SessionDep, authorization: Annotated[str | None, Header()] = None
) -> Principal:
    """The member behind the bearer token (or the web page's session cookie), or 401."""
    if not authorization and request.cookies.get(web_sessions.COOKIE):
        return _cookie_principal(request, db, request.cookies[web_sessions.COOKIE])
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("send 'Authorization: Bearer <token>' with a token of a member")
    person = groups.authenticate(db, secret=authorization[7:].strip())
    if person is None:
        raise Unauthenticated("the token is unknown, revoked, or its person is inactive")
    org = person.organisation
    return Principal(person=person, organisation=org, group=org.group)


def _cookie_principal(request: Request, db: Session, secret: str) -> Principal:
    """A page's own API calls: the session cookie, and for writes the session's CSRF token in
    the X-CSRF-Token header (a cookie alone would let another site write in the person's name)."""
    login = web_sessions.current(db, secret=secret)
    if login is None:
        raise Unauthenticated("the web session has ended; log in again")
    if request.method not in ("GET", "HEAD", "OPTIONS") and not web_sessions.csrf_matches(
            login.csrf_token, request.headers.get("x-csrf-token")):
        raise Forbidden("a write with the session cookie needs the page's X-CSRF-Token header")
    return login.principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def get_member_group(
    principal: CurrentPrincipal, group: Annotated[str, Path(max_length=64)]
) -> Group:
    """The group in the path, if the caller is a member of it; another group is 404, not 403."""
    if principal.group.slug != group:
        raise NotFound(f"no contact group '{group}'", field="group")
    return principal.group


CurrentGroup = Annotated[Group, Depends(get_member_group)]

"""The calling member, as FastAPI dependencies: a bearer token or a web page's session cookie,
and the group in the path (another group's is 404, not 403)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request
from sqlalchemy.orm import Session

from corridor.deps import SessionDep
from corridor.errors import Forbidden, NotFound, Unauthenticated
from corridor.groups import logins as web_sessions
from corridor.groups import service as groups
from corridor.groups.models import Group
from corridor.groups.principal import Principal


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

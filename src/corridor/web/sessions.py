"""Logging in and out: Argon2id passwords, random session secrets, CSRF tokens, lockout.

Lockout: after FREE_ATTEMPTS failures in a row an account waits before the next try, doubling
each time up to an hour. It slows guessing without letting a stranger lock an officer out for a
day. The answer to a wrong name and to a wrong password is the same, and takes as long.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.groups import security
from corridor.groups.models import Person
from corridor.groups.principal import Principal
from corridor.web.models import WebSession

COOKIE = "corridor_session"
FREE_ATTEMPTS = 5
MAX_WAIT = timedelta(hours=1)
SESSION_LIFETIME = timedelta(days=7)
IDLE_LIMIT = timedelta(hours=12)
# A real hash to verify against when the name is unknown, so both failures cost the same.
_DUMMY_HASH = security.hash_password(secrets.token_hex(8))


class LoginRefused(Exception):
    """Wrong name or password, or the account waits; `until` says till when."""

    def __init__(self, until: datetime | None = None) -> None:
        super().__init__("login refused")
        self.until = until


@dataclass(frozen=True)
class Viewer:
    """Plain facts about who is reading, for page headers: safe to use after the database
    session has closed (error pages are drawn then)."""

    username: str
    display_name: str
    role: str
    organisation: str
    organisation_slug: str
    organisation_kind: str
    group: str
    group_slug: str
    language: str
    timezone: str


@dataclass(frozen=True)
class WebLogin:
    """A live session and the member behind it."""

    principal: Principal
    session_id: int
    csrf_token: str
    viewer: Viewer


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def wait_after(failures: int) -> timedelta:
    """How long an account waits after this many failures in a row."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    wait: timedelta = timedelta(minutes=1) * 2 ** min(failures - FREE_ATTEMPTS, 10)
    return min(MAX_WAIT, wait)


def log_in(db: Session, *, username: str, password: str) -> tuple[str, WebSession]:
    """A new session for a correct name and password; the secret goes into the cookie."""
    now = clock.now()
    person = db.scalar(select(Person).where(Person.username == username.strip().lower()))
    if person is None or not person.active or person.password_hash is None:
        security.verify_password(_DUMMY_HASH, password)
        raise LoginRefused()
    if person.locked_until is not None and person.locked_until > now:
        raise LoginRefused(until=person.locked_until)
    if not security.verify_password(person.password_hash, password):
        person.failed_logins += 1
        wait = wait_after(person.failed_logins)
        person.locked_until = now + wait if wait else None
        db.commit()
        raise LoginRefused(until=person.locked_until)
    person.failed_logins = 0
    person.locked_until = None
    secret = secrets.token_urlsafe(32)
    web_session = WebSession(
        person_id=person.id, token_hash=digest(secret), csrf_token=secrets.token_urlsafe(32),
        created_at=now, last_seen_at=now, expires_at=now + SESSION_LIFETIME,
    )
    db.add(web_session)
    db.commit()
    return secret, web_session


def current(db: Session, *, secret: str) -> WebLogin | None:
    """The live session for a cookie's secret, or None (unknown, ended, expired or idle)."""
    web_session = db.scalar(select(WebSession).where(WebSession.token_hash == digest(secret)))
    now = clock.now()
    if (web_session is None or web_session.ended_at is not None
            or web_session.expires_at <= now or now - web_session.last_seen_at > IDLE_LIMIT):
        return None
    person = web_session.person
    if not person.active:
        return None
    # Note activity at most once a minute, so reading pages does not become writing.
    if (now - web_session.last_seen_at).total_seconds() > 60:
        web_session.last_seen_at = now
        db.commit()
    org = person.organisation
    viewer = Viewer(person.username, person.display_name, person.role, org.name, org.slug,
                    org.kind, org.group.name, org.group.slug, person.language,
                    person.timezone or org.timezone)
    return WebLogin(Principal(person=person, organisation=org, group=org.group),
                    web_session.id, web_session.csrf_token, viewer)


def log_out(db: Session, *, session_id: int) -> None:
    """End a session; its cookie is worthless from now on."""
    web_session = db.get(WebSession, session_id)
    if web_session is not None and web_session.ended_at is None:
        web_session.ended_at = clock.now()
        db.commit()


def csrf_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def anonymous_csrf(secret_key: str, nonce: str) -> str:
    """The login form's CSRF token: tied to a cookie nonce by the server's secret."""
    return hmac.new(secret_key.encode(), nonce.encode(), hashlib.sha256).hexdigest()

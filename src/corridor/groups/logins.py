"""Logging in and out: Argon2id passwords, random session secrets, CSRF tokens, lockout.

Lockout: after FREE_ATTEMPTS failures in a row an account waits before the next try, doubling
each time up to an hour. It slows guessing without letting a stranger lock an officer out for a
day. Each attempt is counted in the database before its password is checked, so the lock holds
across threads and processes. The answer to a wrong name, a wrong password and a waiting
account is the same, and takes as long: it does not tell whether the name exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, literal, null, or_, select, update
from sqlalchemy.orm import Session

from corridor import clock
from corridor.db import UTCDateTime
from corridor.groups import security
from corridor.groups.models import Person, WebSession
from corridor.groups.principal import Principal
from corridor.uow import write

COOKIE = "corridor_session"
FREE_ATTEMPTS = 5
MAX_WAIT = timedelta(hours=1)
SESSION_LIFETIME = timedelta(days=7)
IDLE_LIMIT = timedelta(hours=12)
# A real hash to verify against when the name is unknown, so both failures cost the same.
_DUMMY_HASH = security.hash_password(secrets.token_hex(8))
NO_PERSON = 0  # an id no row has (ids start at 1)


class LoginRefused(Exception):
    """Wrong name or password, or the account waits (which one is not said, on purpose)."""

    def __init__(self) -> None:
        super().__init__("login refused")


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
    usable = person is not None and person.active and person.password_hash is not None
    # Every attempt runs the same statements and the same hash work, whatever the name: the
    # counting UPDATE matches no row for an unknown or unusable name (NO_PERSON) or a waiting
    # account, and the password is then checked against a dummy hash of the same cost.
    counted = _count_attempt(db, person_id=person.id if usable and person else NO_PERSON, now=now)
    real_hash = person.password_hash if counted and person is not None else None
    matches = security.verify_password(real_hash or _DUMMY_HASH, password)
    if person is None or real_hash is None or not matches:
        raise LoginRefused()  # counted already, and locked if it was one too many
    secret = secrets.token_urlsafe(32)
    web_session = WebSession(
        person_id=person.id, token_hash=digest(secret), csrf_token=secrets.token_urlsafe(32),
        created_at=now, last_seen_at=now, expires_at=now + SESSION_LIFETIME,
    )
    with write(db, subject="login"):
        db.execute(update(Person).where(Person.id == person.id)
                   .values(failed_logins=0, locked_until=None)
                   .execution_options(synchronize_session=False))
        db.add(web_session)
    return secret, web_session


def _count_attempt(db: Session, *, person_id: int, now: datetime) -> bool:
    """Count an attempt as failed before its password is checked, and lock the account if this
    is one failure too many; a right password resets the count afterwards. One conditional
    UPDATE: of any number of attempts sent at once, at most FREE_ATTEMPTS get checked.

    False when the account waits (nothing counted)."""
    failures = Person.failed_logins + 1
    with write(db, subject="login"):
        counted = db.execute(
            update(Person)
            .where(Person.id == person_id,
                   or_(Person.locked_until.is_(None), Person.locked_until <= now))
            .values(failed_logins=failures, locked_until=_lock_for(failures, now))
            .returning(Person.id)
            .execution_options(synchronize_session=False)
        ).first()
    return counted is not None


def _lock_for(failures: ColumnElement[int], now: datetime) -> ColumnElement[datetime | None]:
    """`wait_after` as SQL: the `locked_until` for a count of failures (a table of steps)."""
    def at(wait: timedelta) -> ColumnElement[datetime]:
        return literal(now + wait, UTCDateTime())

    steps: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = []
    count = FREE_ATTEMPTS
    while wait_after(count) < MAX_WAIT:
        steps.append((failures == count, at(wait_after(count))))
        count += 1
    steps.append((failures < FREE_ATTEMPTS, null()))
    return case(*steps, else_=at(MAX_WAIT))


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
    # Note activity at most once a minute, in a short write of its own, so that reading pages
    # does not become writing (on SQLite a read must not hold the one write lock).
    if (now - web_session.last_seen_at).total_seconds() > 60:
        with write(db, subject="session"):
            db.execute(update(WebSession).where(WebSession.id == web_session.id)
                       .values(last_seen_at=now).execution_options(synchronize_session=False))
    org = person.organisation
    viewer = Viewer(person.username, person.display_name, person.role, org.name, org.slug,
                    org.kind, org.group.name, org.group.slug, person.language,
                    person.timezone or org.timezone)
    return WebLogin(Principal(person=person, organisation=org, group=org.group),
                    web_session.id, web_session.csrf_token, viewer)


def log_out(db: Session, *, session_id: int) -> None:
    """End a session; its cookie is worthless from now on."""
    with write(db, subject="session"):
        db.execute(update(WebSession)
                   .where(WebSession.id == session_id, WebSession.ended_at.is_(None))
                   .values(ended_at=clock.now()).execution_options(synchronize_session=False))


def csrf_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def anonymous_csrf(secret_key: str, nonce: str) -> str:
    """The login form's CSRF token: tied to a cookie nonce by the server's secret."""
    return hmac.new(secret_key.encode(), nonce.encode(), hashlib.sha256).hexdigest()

"""Use cases of groups, members, people, tokens and keys; the only code that writes them."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.errors import Conflict, InvalidInput, NotFound
from corridor.groups import security
from corridor.groups.models import (
    KEY_PURPOSES,
    ORG_KINDS,
    ROLES,
    ApiToken,
    Group,
    Organisation,
    Person,
    SigningKey,
)
from corridor.log import keyfile, signing
from corridor.log import service as log
from corridor.log.checkpoints import origin_of
from corridor.log.service import LogActor
from corridor.uow import change, write
from corridor.zones import validate_zone

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")


def _check_slug(value: str, field: str, pattern: re.Pattern[str] = SLUG) -> str:
    if not pattern.match(value):
        raise InvalidInput(
            f"'{value}' is not allowed: use 2–63 lowercase letters, digits and '-'", field=field
        )
    return value


def _check_choice(value: str, choices: tuple[str, ...], field: str) -> str:
    if value not in choices:
        raise InvalidInput(f"'{value}' is not one of: {', '.join(choices)}", field=field)
    return value


def _positive(value: int, field: str) -> int:
    if value <= 0:
        raise InvalidInput("must be a positive number of hours or days", field=field)
    return value


def get_group(db: Session, *, slug: str) -> Group:
    """The group with this slug, or NotFound."""
    group = db.scalar(select(Group).where(Group.slug == slug))
    if group is None:
        raise NotFound(f"no contact group '{slug}'", field="group")
    return group


def create_group(
    db: Session,
    *,
    slug: str,
    name: str,
    timezone: str,
    key_dir: Path,
    origin_host: str,
    lead_time_hours: int = 48,
    emergency_lead_time_hours: int = 24,
    max_pause_hours: int = 168,
    ack_deadline_hours: int = 24,
    site_stale_days: int = 30,
) -> Group:
    """Create a group with its own log key; its first log entry registers that key."""
    _check_slug(slug, "/slug")
    validate_zone(timezone, field="/timezone")
    for value, field in (
        (lead_time_hours, "lead_time_hours"),
        (emergency_lead_time_hours, "emergency_lead_time_hours"),
        (max_pause_hours, "max_pause_hours"),
        (ack_deadline_hours, "ack_deadline_hours"),
        (site_stale_days, "site_stale_days"),
    ):
        _positive(value, field)
    if not name.strip():
        raise InvalidInput("a group needs a name", field="/name")
    with change(db, group=None, actor=LogActor(None, "server-operator"), subject="group") as ch:
        if db.scalar(select(Group.id).where(Group.slug == slug)) is not None:
            raise Conflict(f"a group with slug '{slug}' already exists", field="/slug")
        verifier = keyfile.create_log_key(key_dir, slug=slug, origin=f"{origin_host}/{slug}")
        group = Group(
            slug=slug,
            name=name.strip(),
            timezone=timezone,
            lead_time_hours=lead_time_hours,
            emergency_lead_time_hours=emergency_lead_time_hours,
            max_pause_hours=max_pause_hours,
            ack_deadline_hours=ack_deadline_hours,
            site_stale_days=site_stale_days,
            log_verifier_key=verifier,
            created_at=clock.now(),
        )
        db.add(group)
        db.flush()
        log.init_head(db, group_id=group.id)
        ch.group = group
        ch.log("group.created", {
                "slug": slug,
                "name": group.name,
                "timezone": timezone,
                "log_verifier_key": verifier,
                "lead_time_hours": lead_time_hours,
                "emergency_lead_time_hours": emergency_lead_time_hours,
                "max_pause_hours": max_pause_hours,
                "ack_deadline_hours": ack_deadline_hours,
                "site_stale_days": site_stale_days,
            },
        )
    return group


def list_organisations(db: Session, *, group: Group) -> list[Organisation]:
    """Member organisations of a group, oldest first."""
    return list(
        db.scalars(
            select(Organisation).where(Organisation.group_id == group.id).order_by(Organisation.id)
        )
    )


def get_organisation(db: Session, *, group: Group, slug: str) -> Organisation:
    """A member organisation of this group, or NotFound."""
    org = db.scalar(
        select(Organisation).where(Organisation.group_id == group.id, Organisation.slug == slug)
    )
    if org is None:
        raise NotFound(f"no member '{slug}' in group '{group.slug}'", field="organisation")
    return org


def add_organisation(
    db: Session,
    *,
    group: Group,
    actor: LogActor,
    slug: str,
    name: str,
    kind: str,
    timezone: str,
) -> Organisation:
    """Add a member organisation to a group."""
    _check_slug(slug, "/slug")
    _check_choice(kind, ORG_KINDS, "kind")
    validate_zone(timezone, field="/timezone")
    if not name.strip():
        raise InvalidInput("a member needs a name", field="/name")
    with change(db, group=group, actor=actor, subject="member") as ch:
        exists = db.scalar(
            select(Organisation.id).where(Organisation.group_id == group.id,
                                          Organisation.slug == slug)
        )
        if exists is not None:
            raise Conflict(f"'{slug}' is already a member of '{group.slug}'", field="/slug")
        org = Organisation(
            group_id=group.id,
            slug=slug,
            name=name.strip(),
            kind=kind,
            timezone=timezone,
            created_at=clock.now(),
        )
        db.add(org)
        db.flush()
        ch.log("member.added", {"organisation": slug, "name": org.name, "kind": kind,
                                "timezone": timezone})
    return org


def list_people(db: Session, *, organisation: Organisation) -> list[Person]:
    """People of one organisation."""
    return list(
        db.scalars(
            select(Person).where(Person.organisation_id == organisation.id).order_by(Person.id)
        )
    )


def get_person(db: Session, *, group: Group, username: str) -> Person:
    """A person of any member of this group, or NotFound."""
    person = db.scalar(
        select(Person)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .where(Person.username == username, Organisation.group_id == group.id)
    )
    if person is None:
        raise NotFound(f"no person '{username}' in group '{group.slug}'", field="username")
    return person


def add_person(
    db: Session,
    *,
    organisation: Organisation,
    actor: LogActor,
    username: str,
    display_name: str,
    role: str,
    password: str | None = None,
    language: str = "en",
    timezone: str | None = None,
) -> Person:
    """Add a person to an organisation; only username and role go into the log."""
    _check_slug(username, "/username", USERNAME)
    _check_choice(role, ROLES, "role")
    _check_choice(language, ("en", "uk", "ru"), "language")
    if timezone is not None:
        validate_zone(timezone, field="/timezone")
    if password is not None and len(password) < 10:
        raise InvalidInput("a password needs at least 10 characters", field="/password")
    with change(db, group=organisation.group, actor=actor, subject="person") as ch:
        if db.scalar(select(Person.id).where(Person.username == username)) is not None:
            raise Conflict(f"the username '{username}' is taken", field="/username")
        person = Person(
            organisation_id=organisation.id,
            username=username,
            display_name=display_name.strip() or username,
            role=role,
            password_hash=security.hash_password(password) if password else None,
            language=language,
            timezone=timezone,
            active=True,
            failed_logins=0,
            created_at=clock.now(),
        )
        db.add(person)
        db.flush()
        ch.log("person.added",
               {"organisation": organisation.slug, "username": username, "role": role})
    return person


def issue_token(
    db: Session, *, person: Person, actor: LogActor, label: str = "api"
) -> tuple[ApiToken, str]:
    """A new bearer token for a person; the secret is returned once and never stored."""
    label = label.strip() or "api"
    if len(label) > 100:
        raise InvalidInput("a token label has at most 100 characters", field="/label")
    with change(db, group=person.organisation.group, actor=actor, subject="token") as ch:
        secret = security.new_token()
        token = ApiToken(
            person_id=person.id,
            token_hash=security.token_digest(secret),
            label=label,
            created_at=clock.now(),
        )
        db.add(token)
        db.flush()
        ch.log("token.issued", {"username": person.username, "token_id": token.id, "label": label},
        )
    return token, secret


def get_token(db: Session, *, group: Group, token_id: int) -> ApiToken:
    """A token of a person in this group, or NotFound."""
    token = db.get(ApiToken, token_id)
    if token is None or token.person.organisation.group_id != group.id:
        raise NotFound(f"no token {token_id} in this group", field="token_id")
    return token


def list_tokens(db: Session, *, person: Person) -> list[ApiToken]:
    """A person's tokens (hashes are never shown)."""
    return list(db.scalars(select(ApiToken).where(ApiToken.person_id == person.id)))


def revoke_token(db: Session, *, token: ApiToken, actor: LogActor) -> ApiToken:
    """Revoke a token; it stops working at once."""
    with change(db, group=token.person.organisation.group, actor=actor, subject="token") as ch:
        if token.revoked_at is not None:
            raise Conflict(f"token {token.id} was already revoked", field="token_id")
        token.revoked_at = clock.now()
        ch.log("token.revoked", {"username": token.person.username, "token_id": token.id},
        )
    return token


def authenticate(db: Session, *, secret: str) -> Person | None:
    """The active person a bearer token belongs to, or None; notes the last use."""
    token = db.scalar(
        select(ApiToken).where(ApiToken.token_hash == security.token_digest(secret))
    )
    if token is None or token.revoked_at is not None or not token.person.active:
        return None
    now = clock.now()
    # Write the last-use time at most once a minute, in a short write of its own, so that reads
    # do not become writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        with write(db, subject="token"):
            token.last_used_at = now
    return token.person


def register_key(
    db: Session,
    *,
    organisation: Organisation,
    actor: LogActor,
    public_key: str,
    purpose: str = "signing",
    label: str = "",
) -> SigningKey:
    """Register an organisation's Ed25519 public key (a log entry, so auditors learn it)."""
    raw = signing.decode_public_key(public_key)
    _check_choice(purpose, KEY_PURPOSES, "purpose")
    encoded = signing.encode_public_key(raw)
    with change(db, group=organisation.group, actor=actor, subject="key") as ch:
        exists = db.scalar(
            select(SigningKey.id).where(
                SigningKey.organisation_id == organisation.id, SigningKey.public_key == encoded
            )
        )
        if exists is not None:
            raise Conflict("this key is already registered for the organisation",
                           field="/public_key")
        key = SigningKey(
            organisation_id=organisation.id,
            public_key=encoded,
            fingerprint=signing.fingerprint(raw),
            purpose=purpose,
            label=label.strip()[:100],
            created_at=clock.now(),
        )
        db.add(key)
        db.flush()
        ch.log("key.registered", {
                "organisation": organisation.slug,
                "key_id": key.id,
                "public_key": encoded,
                "fingerprint": key.fingerprint,
                "purpose": purpose,
            },
        )
    return key


def list_keys(db: Session, *, group: Group) -> list[SigningKey]:
    """Every key registered by members of the group, revoked ones included."""
    return list(
        db.scalars(
            select(SigningKey)
            .join(Organisation, SigningKey.organisation_id == Organisation.id)
            .where(Organisation.group_id == group.id)
            .order_by(SigningKey.id)
        )
    )


def get_key(db: Session, *, group: Group, key_id: int) -> SigningKey:
    """A registered key of this group, or NotFound."""
    key = db.get(SigningKey, key_id)
    if key is None or key.organisation.group_id != group.id:
        raise NotFound(f"no key {key_id} in this group", field="key_id")
    return key


def revoke_key(db: Session, *, key: SigningKey, actor: LogActor) -> SigningKey:
    """Revoke a key: signatures made with it from now on are refused."""
    with change(db, group=key.organisation.group, actor=actor, subject="key") as ch:
        if key.revoked_at is not None:
            raise Conflict(f"key {key.fingerprint} was already revoked", field="key_id")
        key.revoked_at = clock.now()
        ch.log("key.revoked", {"organisation": key.organisation.slug, "key_id": key.id,
                     "fingerprint": key.fingerprint},
        )
    return key


def log_key_names(db: Session, group_id: int) -> tuple[str, str]:
    """A group's log key file name and checkpoint origin (registered with the log at start)."""
    group = db.get(Group, group_id)
    assert group is not None
    return group.slug, origin_of(group.log_verifier_key)

"""Amending and withdrawing a site or movement: only its notifier may, each with its log entry.

An amendment names the version it amends and makes the next one; the superseded content is kept
(`NoticeVersion`) so that a receipt of it can still be checked, and every party's receipt is
pending again for the new version. A withdrawn notice leaves the lists and the spatial index and
can no longer be acknowledged or changed. Both claim the notice with one conditional UPDATE
(`version = N and not withdrawn`): of two writers racing on version N, one wins and the other is
told to read it again (a conflict), on PostgreSQL and SQLite alike.

The notice's `notified_at` becomes the time the current version was sent: the parties' deadline
and the lead-time rule run from when they received what they are asked to acknowledge.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from corridor import clock
from corridor.errors import Conflict, InvalidInput
from corridor.groups.principal import Principal
from corridor.log.canonical import canonicalize
from corridor.notifications import rules
from corridor.notifications.content import (
    content_hash,
    movement_content,
    site_at_place,
    site_content,
)
from corridor.notifications.models import Movement, NoticeVersion, Site
from corridor.notifications.schemas import MovementAmendIn, MovementIn, SiteAmendIn, SiteIn
from corridor.notifications.service import Subject, target
from corridor.pauses import service as pauses
from corridor.pauses.models import Pause
from corridor.places import service as places
from corridor.policy import Action, allowed, require
from corridor.uow import Change, change


def _kind(subject: Subject) -> str:
    return "site" if isinstance(subject, Site) else "movement"


def _current(subject: Subject, version: int) -> None:
    """Refuse early, in words, a change to a withdrawn notice or of a stale version."""
    kind = _kind(subject)
    if subject.withdrawn_at is not None:
        raise Conflict(f"this {kind} was withdrawn ({subject.withdrawn_at.isoformat()}); "
                       "notify a new one instead", field="/version")
    if version != subject.version:
        raise Conflict(f"you changed version {version} of this {kind}, but the current version "
                       f"is {subject.version}; read it and try again", field="/version",
                       extra={"current_version": subject.version})


def _claim(db: Session, subject: Subject, expected: int, /, **values: Any) -> None:
    """Write `values` only if the notice is still at `version` and not withdrawn; the row lock
    this takes makes a concurrent writer of the same version find it changed."""
    model = type(subject)
    result = cast(CursorResult[Any], db.execute(
        update(model).where(model.id == subject.id, model.version == expected,
                            model.withdrawn_at.is_(None))
        .values(**values).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        raise Conflict(f"this {_kind(subject)} was changed by another request just now; read "
                       "it again", field="/version")
    for name, value in values.items():  # the same values, so the change feed sees the object
        setattr(subject, name, value)


def _superseded(subject: Subject) -> NoticeVersion:
    """The current version as history (added after the claim, so a loser adds nothing)."""
    return NoticeVersion(
        group_id=subject.group_id, site_id=subject.id if isinstance(subject, Site) else None,
        movement_id=subject.id if isinstance(subject, Movement) else None,
        number=subject.version, content=subject.content, content_hash=subject.content_hash,
        notified_at=subject.notified_at, log_pending_id=subject.log_pending_id,
        superseded_at=clock.now())


def _log(ch: Change, subject: Subject, change: str, payload: dict[str, Any]) -> int:
    """Append the change's entry; the entry's pending id."""
    pending = ch.log(f"{_kind(subject)}.{change}", payload).id
    if change == "amended":  # the notice's log number is that of its current content
        subject.log_pending_id = pending
    return pending


def _change(db: Session, principal: Principal, subject: Subject) -> AbstractContextManager[Change]:
    return change(db, group=principal.group, actor=principal.log_actor(), subject=_kind(subject))


def _unchanged(subject: Subject, digest: str) -> None:
    if digest == subject.content_hash:
        raise InvalidInput(f"the amendment changes nothing in this {_kind(subject)}",
                           field="/version")


def amend_site(db: Session, *, principal: Principal, site: Site, body: SiteAmendIn) -> Site:
    """A new version of your organisation's site; each party's receipt is pending again."""
    require(principal.actor, Action.NOTIFICATION_AMEND, target(site))
    _current(site, body.version)
    plain = SiteIn.model_validate(body.model_dump(exclude={"version"}))
    plain = site_at_place(plain, lambda: places.gazetteer(db, group_id=principal.group.id))
    content = site_content(plain, organisation=site.organisation.slug)
    digest, now = content_hash(content), clock.now()
    _unchanged(site, digest)
    previous = site.content_hash
    old = _superseded(site)
    lon, lat = content["location"]["coordinates"]
    with _change(db, principal, site) as ch:
        _claim(db, site, body.version, version=body.version + 1)
        db.add(old)
        site.name, site.site_type, site.lon, site.lat = content["name"], plain.type, lon, lat
        site.people_present = plain.people_present
        site.content, site.content_hash = canonicalize(content).decode(), digest
        site.notified_at = site.confirmed_at = now
        _log(ch, site, "amended", {
            "site": site.id, "version": site.version, "content_hash": digest,
            "previous_hash": previous})
    return site


def _linked_pause(db: Session, principal: Principal, pause_id: int) -> None:
    pause = db.get(Pause, pause_id)
    if pause is None or pause.group_id != principal.group.id or not allowed(
            principal.actor, Action.PAUSE_READ, pauses.target(pause)):
        raise InvalidInput(f"no pause {pause_id} in this group", field="/pause")


def amend_movement(db: Session, *, principal: Principal, movement: Movement,
                   body: MovementAmendIn, max_vertices: int) -> Movement:
    """A new version of your organisation's movement; each party's receipt is pending again,
    and the lead-time rule applies from now."""
    require(principal.actor, Action.NOTIFICATION_AMEND, target(movement))
    _current(movement, body.version)
    plain = MovementIn.model_validate(body.model_dump(exclude={"version"}))
    group, now = principal.group, clock.now()
    made = movement_content(plain, organisation=movement.organisation.slug,
                            max_vertices=max_vertices, now=now,
                            places=lambda: places.gazetteer(db, group_id=group.id))
    if plain.pause is not None:
        _linked_pause(db, principal, plain.pause)
    digest = content_hash(made.content)
    _unchanged(movement, digest)
    previous = movement.content_hash
    old = _superseded(movement)
    with _change(db, principal, movement) as ch:
        _claim(db, movement, body.version, version=body.version + 1)
        db.add(old)
        west, south, east, north = made.route.bounds
        movement.pause_id, movement.departure, movement.arrival = plain.pause, made.departure, \
            made.arrival
        movement.emergency = plain.emergency
        movement.required_lead_hours = rules.required_lead_hours(
            emergency=plain.emergency, lead_hours=group.lead_time_hours,
            emergency_lead_hours=group.emergency_lead_time_hours)
        movement.length_km = made.length_km
        movement.min_lon, movement.min_lat, movement.max_lon, movement.max_lat = (
            west, south, east, north)
        movement.content, movement.content_hash = canonicalize(made.content).decode(), digest
        movement.notified_at = now
        _log(ch, movement, "amended", {
            "movement": movement.id, "version": movement.version, "content_hash": digest,
            "previous_hash": previous})
    return movement


def withdraw(db: Session, *, principal: Principal, subject: Subject, version: int,
             reason: str) -> Subject:
    """Withdraw your organisation's site or movement: no longer active, checked or
    acknowledged; its record and receipts stay."""
    require(principal.actor, Action.NOTIFICATION_WITHDRAW, target(subject))
    _current(subject, version)
    kind = _kind(subject)
    with _change(db, principal, subject) as ch:
        _claim(db, subject, version, withdrawn_at=clock.now())
        _log(ch, subject, "withdrawn", {
            kind: subject.id, "version": version, "content_hash": subject.content_hash,
            "reason": reason.strip()})
    return subject

"""Use cases of notifications; the only code that writes them. Each notice and each receipt
commits together with its log entry. The entry carries a hash of the content, not the content:
every member reads the log, but a humanitarian organisation's sites and movements are
need-to-know, and the hash is enough for a party to prove later what it received."""

from __future__ import annotations

from contextlib import AbstractContextManager

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from corridor import clock, paging
from corridor.errors import Conflict, Forbidden, InvalidInput, NotFound
from corridor.geo.gazetteer import Gazetteer
from corridor.groups.principal import Principal
from corridor.log.canonical import canonicalize
from corridor.notifications import rules
from corridor.notifications import visible as visible_notices
from corridor.notifications.content import (
    content_hash,
    movement_content,
    site_at_place,
    site_content,
)
from corridor.notifications.models import Acknowledgement, Movement, Site
from corridor.notifications.schemas import MovementIn, SiteIn
from corridor.paging import Page
from corridor.pauses import service as pauses
from corridor.pauses.models import Pause
from corridor.places import service as places
from corridor.policy import Action, Target, allowed, require
from corridor.uow import Change, change

Subject = Site | Movement


def target(subject: Subject) -> Target:
    """Whose notice it is: other humanitarian organisations never see it (policy.py)."""
    return Target(group_id=subject.group_id, organisation_id=subject.organisation_id,
                  owner_kind=subject.organisation.kind)


def _kind(subject: Subject) -> str:
    return "site" if isinstance(subject, Site) else "movement"


def get_site(db: Session, *, principal: Principal, site_id: int) -> Site:
    """A site the caller may see; another humanitarian organisation's does not exist for them."""
    site = db.get(Site, site_id)
    if site is None or site.group_id != principal.group.id:
        raise NotFound(f"no site {site_id} in this group", field="site")
    require(principal.actor, Action.NOTIFICATION_READ, target(site))
    return site


def get_movement(db: Session, *, principal: Principal, movement_id: int) -> Movement:
    """A movement the caller may see; another humanitarian organisation's does not exist."""
    movement = db.get(Movement, movement_id)
    if movement is None or movement.group_id != principal.group.id:
        raise NotFound(f"no movement {movement_id} in this group", field="movement")
    require(principal.actor, Action.NOTIFICATION_READ, target(movement))
    return movement


def list_sites(db: Session, *, principal: Principal,
               bbox: tuple[float, float, float, float] | None = None,
               limit: int | None = None, cursor: str | None = None) -> Page[Site]:
    """The group's active sites visible to the caller, by id, optionally within a bounding box;
    a page of `limit` from `cursor`, or all of them."""
    require(principal.actor, Action.NOTIFICATION_READ, Target(group_id=principal.group.id))
    query = visible_notices.sites(principal.actor).options(joinedload(Site.organisation))
    if bbox is not None:
        west, south, east, north = bbox
        query = query.where(Site.lon >= west, Site.lon <= east, Site.lat >= south,
                            Site.lat <= north)
    return paging.fetch(db, query, order_by=[Site.id], limit=limit, cursor=cursor)


def list_movements(db: Session, *, principal: Principal, pause_id: int | None = None,
                   limit: int | None = None, cursor: str | None = None) -> Page[Movement]:
    """The group's active movements visible to the caller, by planned departure, optionally
    only those relying on one pause; a page of `limit` from `cursor`, or all of them."""
    require(principal.actor, Action.NOTIFICATION_READ, Target(group_id=principal.group.id))
    query = visible_notices.movements(principal.actor).options(joinedload(Movement.organisation))
    if pause_id is not None:
        query = query.where(Movement.pause_id == pause_id)
    return paging.fetch(db, query, order_by=[Movement.departure, Movement.id], limit=limit,
                        cursor=cursor)


# What a page asks before it offers a button or a form; the use cases below check again.
def may_read(principal: Principal) -> bool:
    """Whether the caller sees notices at all (observers do not)."""
    return allowed(principal.actor, Action.NOTIFICATION_READ, Target(group_id=principal.group.id))


def may_notify(principal: Principal) -> bool:
    return allowed(principal.actor, Action.NOTIFICATION_CREATE, _own_notice(principal))


def may_change(principal: Principal, subject: Subject) -> bool:
    """Whether the caller may confirm, amend or withdraw this notice (its organisation's)."""
    return allowed(principal.actor, Action.NOTIFICATION_CREATE, target(subject))


def may_acknowledge(principal: Principal, subject: Subject) -> bool:
    return allowed(principal.actor, Action.NOTIFICATION_ACKNOWLEDGE, target(subject))


def check_notify(principal: Principal) -> None:
    require(principal.actor, Action.NOTIFICATION_CREATE, _own_notice(principal))


def _own_notice(principal: Principal) -> Target:
    return Target(group_id=principal.group.id, organisation_id=principal.organisation.id)


def _change(db: Session, principal: Principal, subject: str) -> AbstractContextManager[Change]:
    return change(db, group=principal.group, actor=principal.log_actor(), subject=subject)


def _places(db: Session, principal: Principal) -> Gazetteer:
    return places.gazetteer(db, group_id=principal.group.id)


def notify_site(db: Session, *, principal: Principal, body: SiteIn) -> Site:
    """Notify the parties of a site of your organisation."""
    check_notify(principal)
    body = site_at_place(body, lambda: _places(db, principal))
    content = site_content(body, organisation=principal.organisation.slug)
    digest, now = content_hash(content), clock.now()
    lon, lat = content["location"]["coordinates"]
    with _change(db, principal, "site") as ch:
        site = Site(group_id=principal.group.id, organisation_id=principal.organisation.id,
                    created_by_id=principal.person.id, name=content["name"], site_type=body.type,
                    lon=lon, lat=lat, people_present=body.people_present,
                    content=canonicalize(content).decode(), content_hash=digest, notified_at=now,
                    confirmed_at=now, log_pending_id=0)
        db.add(site)
        db.flush()
        site.log_pending_id = ch.log("site.notified", {
            "site": site.id, "organisation": principal.organisation.slug,
            "content_hash": digest}).id
    return site


def confirm_site(db: Session, *, principal: Principal, site: Site) -> Site:
    """Re-confirm that a site of your organisation is still there as notified."""
    require(principal.actor, Action.NOTIFICATION_CREATE, target(site))
    with _change(db, principal, "site") as ch:
        site.confirmed_at = clock.now()
        ch.log("site.confirmed", {"site": site.id, "content_hash": site.content_hash})
    return site


def _linked_pause(db: Session, principal: Principal, pause_id: int) -> None:
    pause = db.get(Pause, pause_id)
    if pause is None or pause.group_id != principal.group.id or not allowed(
            principal.actor, Action.PAUSE_READ, pauses.target(pause)):
        raise InvalidInput(f"no pause {pause_id} in this group", field="/pause")


def notify_movement(db: Session, *, principal: Principal, body: MovementIn,
                    max_vertices: int) -> Movement:
    """Notify the parties of a movement; a notice later than the lead time is kept, marked late."""
    check_notify(principal)
    group, now = principal.group, clock.now()
    made = movement_content(body, organisation=principal.organisation.slug,
                            max_vertices=max_vertices, now=now,
                            places=lambda: _places(db, principal))
    with _change(db, principal, "movement") as ch:
        if body.pause is not None:
            _linked_pause(db, principal, body.pause)
        digest = content_hash(made.content)
        west, south, east, north = made.route.bounds
        movement = Movement(
            group_id=group.id, organisation_id=principal.organisation.id,
            created_by_id=principal.person.id, pause_id=body.pause, departure=made.departure,
            arrival=made.arrival, emergency=body.emergency,
            required_lead_hours=rules.required_lead_hours(
                emergency=body.emergency, lead_hours=group.lead_time_hours,
                emergency_lead_hours=group.emergency_lead_time_hours),
            length_km=made.length_km, min_lon=west, min_lat=south, max_lon=east, max_lat=north,
            content=canonicalize(made.content).decode(), content_hash=digest, notified_at=now,
            log_pending_id=0)
        db.add(movement)
        db.flush()
        movement.log_pending_id = ch.log("movement.notified", {
            "movement": movement.id, "organisation": principal.organisation.slug,
            "content_hash": digest}).id
    return movement


def acknowledge(db: Session, *, principal: Principal, subject: Subject,
                party: str | None) -> Acknowledgement:
    """A party's receipt of a site or movement: only its own operators sign for it."""
    require(principal.actor, Action.NOTIFICATION_ACKNOWLEDGE, target(subject))
    own = principal.organisation.slug
    if party is not None and party != own:
        raise Forbidden(f"you act for {own}; a party acknowledges only for itself, not for "
                        f"'{party}'", field="/party",
                        extra={"permission": str(Action.NOTIFICATION_ACKNOWLEDGE)})
    kind = _kind(subject)
    if subject.withdrawn_at is not None:
        raise Conflict(f"this {kind} was withdrawn ({subject.withdrawn_at.isoformat()}); there "
                       "is nothing to acknowledge", field=kind)
    column = Acknowledgement.site_id if kind == "site" else Acknowledgement.movement_id
    with _change(db, principal, kind) as ch:
        earlier = db.scalar(select(Acknowledgement).where(
            column == subject.id, Acknowledgement.organisation_id == principal.organisation.id,
            Acknowledgement.version == subject.version))
        if earlier is not None:
            raise Conflict(f"{own} already acknowledged version {subject.version} of this {kind} "
                           f"({earlier.created_at.isoformat()})", field="/party")
        pending = ch.log(f"{kind}.acknowledged", {
            kind: subject.id, "party": own, "content_hash": subject.content_hash,
            "version": subject.version}).id
        ack = Acknowledgement(
            group_id=subject.group_id, site_id=subject.id if kind == "site" else None,
            movement_id=subject.id if kind == "movement" else None,
            organisation_id=principal.organisation.id, person_id=principal.person.id,
            content_hash=subject.content_hash, created_at=clock.now(), log_pending_id=pending,
            version=subject.version)
        db.add(ack)
    return ack

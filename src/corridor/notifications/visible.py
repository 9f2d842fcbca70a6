"""The sites and movements a member may see, as SQL: lists, pages, alerts, operations and incident
links all start here, so need to know (policy.py's `notification.read`: the convener, parties
and intermediaries read every notice of the group; any other notifier only its own) is written
once and applied by the database instead of to each row in Python."""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.sql.elements import ColumnElement

from corridor.notifications.models import Movement, Site
from corridor.policy import NOTIFICATION_READERS, Action, Actor, Target, allowed

Notice = type[Site] | type[Movement]


def rule(actor: Actor, model: Notice) -> ColumnElement[bool]:
    """The condition on `model`'s rows (sites or movements) that `actor` may read."""
    if not allowed(actor, Action.NOTIFICATION_READ, Target(group_id=actor.group_id)):
        return false()
    in_group = model.group_id == actor.group_id
    if actor.kind in NOTIFICATION_READERS:
        return in_group
    return in_group & (model.organisation_id == actor.organisation_id)


def sites(actor: Actor, *, active: bool = True) -> Select[Site]:
    """Sites `actor` may read; only those not withdrawn unless `active` is False."""
    query = select(Site).where(rule(actor, Site))
    return query.where(Site.withdrawn_at.is_(None)) if active else query


def movements(actor: Actor, *, active: bool = True) -> Select[Movement]:
    """Movements `actor` may read; only those not withdrawn unless `active` is False."""
    query = select(Movement).where(rule(actor, Movement))
    return query.where(Movement.withdrawn_at.is_(None)) if active else query


def site_ids(actor: Actor) -> Select[int]:
    """Ids of every site `actor` may read, withdrawn ones too (for links to them)."""
    return select(Site.id).where(rule(actor, Site))


def movement_ids(actor: Actor) -> Select[int]:
    """Ids of every movement `actor` may read, withdrawn ones too (for links to them)."""
    return select(Movement.id).where(rule(actor, Movement))

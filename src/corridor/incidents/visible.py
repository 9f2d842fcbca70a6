"""The incident reports a member may see, and the list's filters, as SQL: the list, its exports,
the overview and the pages start here, so the rule (policy.py's `incident.read`: every report of
the member's group) is written once and the filters run in the database.

Which links of a report a member may see is need to know of the notices linked
(`notifications.visible`), applied in `views.py` to the whole page at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, false, select
from sqlalchemy.sql.elements import ColumnElement

from corridor.groups.models import Organisation
from corridor.incidents.models import FollowUp, Incident
from corridor.policy import Action, Actor, Target, allowed

NOT_LINKED = "not_linked"


def rule(actor: Actor) -> ColumnElement[bool]:
    """The condition on `Incident` rows that `actor` may read."""
    if not allowed(actor, Action.INCIDENT_READ, Target(group_id=actor.group_id)):
        return false()
    return Incident.group_id == actor.group_id


def incidents(actor: Actor) -> Select[Incident]:
    """Every report `actor` may read (no order: callers sort and page)."""
    return select(Incident).where(rule(actor))


@dataclass(frozen=True)
class Filters:
    """What the list may be narrowed to; each given one applies."""

    type: str | None = None
    status: str | None = None  # of the follow-up (open, answered, closed), or not_linked
    occurred_after: datetime | None = None
    occurred_before: datetime | None = None
    organisation: str | None = None  # the reporting organisation's slug


def filtered(query: Select[Incident], filters: Filters) -> Select[Incident]:
    if filters.type:
        query = query.where(Incident.incident_type == filters.type)
    if filters.occurred_after:
        query = query.where(Incident.occurred_at >= filters.occurred_after)
    if filters.occurred_before:
        query = query.where(Incident.occurred_at <= filters.occurred_before)
    if filters.organisation:
        query = query.where(Incident.organisation_id.in_(select(Organisation.id).where(
            Organisation.slug == filters.organisation,
            Organisation.group_id == Incident.group_id)))
    if filters.status == NOT_LINKED:
        query = query.where(~exists().where(FollowUp.incident_id == Incident.id))
    elif filters.status:
        query = query.where(exists().where(FollowUp.incident_id == Incident.id,
                                           FollowUp.state == filters.status))
    return query

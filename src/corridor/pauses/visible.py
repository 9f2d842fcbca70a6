"""The pauses a member may see, as one SQL query: every list, page, alert and check starts here,
so the rule (policy.py's `pause.read`: the group's pauses, but another organisation's draft does
not exist) is written once and filters in the database, not row by row in Python.

Shown statuses depend on the clock (an agreed pause is active inside its window, a proposal
whose window began has lapsed); `with_status` says the same in SQL as `lifecycle.shown`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from corridor.pauses.lifecycle import State
from corridor.pauses.models import Pause
from corridor.policy import Action, Actor, Target, allowed


def rule(actor: Actor) -> ColumnElement[bool]:
    """The condition on `Pause` rows that `actor` may read."""
    if not allowed(actor, Action.PAUSE_READ, Target(group_id=actor.group_id)):
        return false()
    return and_(Pause.group_id == actor.group_id,
                or_(Pause.state != State.DRAFT.value,
                    Pause.organisation_id == actor.organisation_id))


def pauses(actor: Actor) -> Select[Pause]:
    """Every pause `actor` may read (no order: callers sort and page)."""
    return select(Pause).where(rule(actor))


def status_is(status: str, now: datetime) -> ColumnElement[bool]:
    """Pauses shown with `status` at `now`, or stored in that state (as the API filters)."""
    state, started, ended = Pause.state, Pause.window_start <= now, Pause.window_end <= now
    agreed, proposed = State.AGREED.value, State.PROPOSED.value
    if status == "active":
        return and_(state == agreed, started, ~ended)
    if status == "completed":
        return and_(state == agreed, ended)
    if status == State.PROPOSED:
        return and_(state == proposed, ~started)
    if status == State.LAPSED:
        return or_(state == State.LAPSED.value, and_(state == proposed, started))
    if status in set(State):
        return state == status
    return false()


def time_is(when: str, now: datetime) -> ColumnElement[bool]:
    """Pauses whose window is `current`, `upcoming` or `past` at `now`."""
    if when == "upcoming":
        return Pause.window_start > now
    if when == "past":
        return Pause.window_end <= now
    if when == "current":
        return and_(Pause.window_start <= now, Pause.window_end > now)
    return false()

"""The operations a member may see, as SQL: the list, its exports, the alerts and the pages
start here, so the rule (policy.py's `operation.read`: every operation of the member's group)
is written once and applied by the database."""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from corridor.operations.models import Operation
from corridor.policy import Action, Actor, Target, allowed


def rule(actor: Actor) -> ColumnElement[bool]:
    """The condition on `Operation` rows that `actor` may read."""
    if not allowed(actor, Action.OPERATION_READ, Target(group_id=actor.group_id)):
        return false()
    return Operation.group_id == actor.group_id


def operations(actor: Actor) -> Select[Operation]:
    """Every operation `actor` may read, with its lead and author (no order: callers page)."""
    return select(Operation).options(
        joinedload(Operation.organisation), joinedload(Operation.created_by)).where(rule(actor))

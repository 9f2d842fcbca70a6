"""Who records an operation: its lead, and the participants that the lead or the convener adds.

Adding and removing a participant are changes with their log entries, made under the
operation's row lock, which every report takes too: a report checked while a removal commits
waits for it, so an organisation removed is never let in by a race.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from corridor import clock
from corridor.errors import Conflict, Forbidden, InvalidInput, NotFound
from corridor.groups.models import Organisation
from corridor.groups.principal import Principal
from corridor.groups.service import SLUG
from corridor.operations.models import Operation, OperationParticipant
from corridor.policy import RULES, Action, Target, allowed, decide, require
from corridor.uow import change

RECORDING_KINDS = RULES[Action.OPERATION_COUNT].kinds


def of(db: Session, operation_ids: Sequence[int]) -> dict[int, list[OperationParticipant]]:
    """Each operation's participants, in the order they were added, in one statement."""
    found: dict[int, list[OperationParticipant]] = defaultdict(list)
    if not operation_ids:
        return found
    for row in db.scalars(
            select(OperationParticipant)
            .options(joinedload(OperationParticipant.organisation),
                     joinedload(OperationParticipant.added_by))
            .where(OperationParticipant.operation_id.in_(operation_ids))
            .order_by(OperationParticipant.added_at, OperationParticipant.organisation_id)):
        found[row.operation_id].append(row)
    return found


def recording_target(db: Session, operation: Operation) -> Target:
    """The operation as policy sees it when someone records: its lead and its participants."""
    ids = db.scalars(select(OperationParticipant.organisation_id)
                     .where(OperationParticipant.operation_id == operation.id))
    return Target(group_id=operation.group_id, organisation_id=operation.organisation_id,
                  participants=frozenset(ids))


def may_record(db: Session, principal: Principal, operation: Operation) -> bool:
    """Whether the caller may record counts, departures or cargo on this operation."""
    return allowed(principal.actor, Action.OPERATION_COUNT, recording_target(db, operation))


def may_manage(principal: Principal, operation: Operation) -> bool:
    """Whether the caller may add or remove participants (the lead's operators, the convener)."""
    return allowed(principal.actor, Action.OPERATION_PARTICIPANTS, Target(
        group_id=operation.group_id, organisation_id=operation.organisation_id))


def candidates(db: Session, operation: Operation) -> list[Organisation]:
    """The members that could be added: those that record (by kind), not the lead, not in."""
    taken = select(OperationParticipant.organisation_id).where(
        OperationParticipant.operation_id == operation.id)
    return list(db.scalars(select(Organisation).where(
        Organisation.group_id == operation.group_id, Organisation.kind.in_(RECORDING_KINDS),
        Organisation.id != operation.organisation_id, Organisation.id.not_in(taken))
        .order_by(Organisation.slug)))


def require_recorder(db: Session, principal: Principal, operation: Operation) -> None:
    """Refuse anyone but the lead's and the participants' operators, saying who may record."""
    at = recording_target(db, operation)
    reason = decide(principal.actor, Action.OPERATION_COUNT, at)
    if reason is None:
        return
    if decide(principal.actor, Action.OPERATION_COUNT, Target(group_id=at.group_id)) is not None:
        require(principal.actor, Action.OPERATION_COUNT, at)  # kind or role: policy's words
    names = [p.organisation.slug for p in of(db, [operation.id])[operation.id]]
    lead = operation.organisation.slug
    raise Forbidden(
        f"operation {operation.id} is recorded by its lead {lead}"
        + (f" and its participants {', '.join(names)}" if names else " (it has no participants)")
        + f"; {principal.organisation.slug} is neither. Ask {lead} or the convener to add "
        "your organisation as a participant.",
        extra={"permission": str(Action.OPERATION_COUNT), "lead": lead, "participants": names})


def _lock(db: Session, operation: Operation) -> Operation:
    return db.scalars(select(Operation).where(Operation.id == operation.id)
                      .with_for_update().execution_options(populate_existing=True)).one()


def _member(db: Session, principal: Principal, slug: str) -> Organisation | None:
    # Checked before the query: PostgreSQL refuses NUL and the like in text with an error.
    if not SLUG.match(slug):
        return None
    return db.scalar(select(Organisation).where(Organisation.group_id == principal.group.id,
                                                Organisation.slug == slug))


def add(db: Session, *, principal: Principal, operation: Operation,
        organisation: str) -> OperationParticipant:
    """Let a member organisation record the operation's counts, departures or cargo."""
    require(principal.actor, Action.OPERATION_PARTICIPANTS, Target(
        group_id=operation.group_id, organisation_id=operation.organisation_id))
    with change(db, group=principal.group, actor=principal.log_actor(),
                subject="operation") as ch:
        locked = _lock(db, operation)
        org = _member(db, principal, organisation)
        if org is None:
            raise InvalidInput(f"no member organisation '{organisation}' in this group",
                               field="/organisation")
        if org.id == locked.organisation_id:
            raise InvalidInput(f"{org.slug} leads operation {locked.id} and records it without "
                               "being a participant", field="/organisation")
        if org.kind not in RECORDING_KINDS:
            raise InvalidInput(
                f"{org.slug} is a {org.kind}; participants record counts and cargo, which only "
                f"{' and '.join(sorted(RECORDING_KINDS))} members do", field="/organisation")
        if db.get(OperationParticipant, (locked.id, org.id)) is not None:
            raise Conflict(f"{org.slug} is already a participant of operation {locked.id}",
                           field="/organisation")
        row = OperationParticipant(operation_id=locked.id, organisation_id=org.id,
                                   added_by_id=principal.person.id, added_at=clock.now(),
                                   log_pending_id=0)
        db.add(row)
        db.flush()
        row.log_pending_id = ch.log("operation.participant_added", {
            "operation": locked.id, "organisation": org.slug}).id
    return row


def remove(db: Session, *, principal: Principal, operation: Operation,
           organisation: str) -> None:
    """Stop a participant recording; what it already reported stays on the record."""
    require(principal.actor, Action.OPERATION_PARTICIPANTS, Target(
        group_id=operation.group_id, organisation_id=operation.organisation_id))
    with change(db, group=principal.group, actor=principal.log_actor(),
                subject="operation") as ch:
        locked = _lock(db, operation)
        org = _member(db, principal, organisation)
        row = db.get(OperationParticipant, (locked.id, org.id)) if org is not None else None
        if org is None or row is None:
            raise NotFound(f"{organisation} is not a participant of operation {locked.id}",
                           field="/organisation")
        db.delete(row)
        db.flush()
        ch.log("operation.participant_removed", {"operation": locked.id,
                                                 "organisation": org.slug})

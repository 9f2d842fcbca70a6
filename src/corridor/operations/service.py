"""Use cases of operations; the only code that writes them. Each operation and each report
commits together with its log entry. A report is checked against the reconciliation with it
included, under the operation's row lock, so two racing reports cannot together make anyone
negative. Log entries carry counts and the SHA-256 of free text, never the text itself."""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock, paging
from corridor.errors import InvalidInput, NotFound
from corridor.groups.principal import Principal
from corridor.log.service import format_time
from corridor.notifications import service as notifications
from corridor.operations import facts, manifest, participants, reconcile
from corridor.operations import visible as visible_operations
from corridor.operations.models import (
    CargoLine,
    CargoReport,
    Operation,
    OperationMovement,
    OperationStage,
    PeopleReport,
)
from corridor.operations.reconcile import AGE_GROUPS, CATEGORIES
from corridor.operations.schemas import CargoIn, CountIn, DepartureIn, OperationIn, PeopleIn
from corridor.paging import Page
from corridor.pauses import service as pauses
from corridor.pauses.models import Pause
from corridor.policy import Action, Target, allowed, require
from corridor.uow import Change, change

# A count's time may run this far ahead of the server's clock (phones in the field drift).
CLOCK_SKEW = timedelta(minutes=5)
_THIS_REPORT = 2**62  # the id a report being checked has, after every stored one


def target(operation: Operation) -> Target:
    return Target(group_id=operation.group_id, organisation_id=operation.organisation_id)


def get(db: Session, *, principal: Principal, operation_id: int) -> Operation:
    """An operation of the caller's group."""
    operation = db.get(Operation, operation_id)
    if operation is None or operation.group_id != principal.group.id:
        raise NotFound(f"no operation {operation_id} in this group", field="operation")
    require(principal.actor, Action.OPERATION_READ, target(operation))
    return operation


def list_operations(db: Session, *, principal: Principal, pause_id: int | None = None,
                    kind: str | None = None, limit: int | None = None,
                    cursor: str | None = None) -> Page[Operation]:
    """The group's operations, oldest first, optionally of one pause or kind; a page of `limit`
    from `cursor`, or all of them."""
    require(principal.actor, Action.OPERATION_READ, Target(group_id=principal.group.id))
    query = visible_operations.operations(principal.actor)
    if pause_id is not None:
        query = query.where(Operation.pause_id == pause_id)
    if kind is not None:
        query = query.where(Operation.kind == kind)
    return paging.fetch(db, query, order_by=[Operation.id], limit=limit, cursor=cursor)


def may_create(principal: Principal) -> bool:
    """What a page asks before it offers the form: an operation led by one's organisation."""
    return allowed(principal.actor, Action.OPERATION_COUNT, Target(
        group_id=principal.group.id, organisation_id=principal.organisation.id))


def _digest(text: str) -> str | None:
    return hashlib.sha256(text.encode()).hexdigest() if text else None


def _log(ch: Change, kind: str, payload: dict[str, Any], free_text: str) -> int:
    if free_text:
        payload["free_text_sha256"] = _digest(free_text)
    return ch.log(kind, payload).id


def _change(db: Session, principal: Principal) -> AbstractContextManager[Change]:
    return change(db, group=principal.group, actor=principal.log_actor(), subject="operation")


def _check_pause(db: Session, principal: Principal, pause_id: int) -> Pause:
    pause = db.get(Pause, pause_id)
    if pause is None or pause.group_id != principal.group.id or not allowed(
            principal.actor, Action.PAUSE_READ, pauses.target(pause)):
        raise InvalidInput(f"no pause {pause_id} in this group", field="/pause")
    return pause


def _check_movements(db: Session, principal: Principal, ids: list[int]) -> None:
    for i, movement_id in enumerate(ids):
        if movement_id in ids[:i]:
            raise InvalidInput(f"movement {movement_id} is listed twice", field=f"/movements/{i}")
        try:
            notifications.get_movement(db, principal=principal, movement_id=movement_id)
        except NotFound as exc:
            raise InvalidInput(f"no movement {movement_id} that you may see in this group",
                               field=f"/movements/{i}") from exc


def _check_stages(body: OperationIn) -> None:
    seen: set[str] = set()
    for i, stage in enumerate(body.stages):
        if (stage.lon is None) != (stage.lat is None):
            raise InvalidInput("give both lon and lat, or neither", field=f"/stages/{i}/lon")
        if stage.name.casefold() in seen:
            raise InvalidInput(f"two stages are called '{stage.name}'; name each place once",
                               field=f"/stages/{i}/name")
        seen.add(stage.name.casefold())
    kinds = {s.kind for s in body.stages}
    if body.kind == "evacuation" and not {"pickup", "destination"} <= kinds:
        raise InvalidInput("an evacuation needs at least one pickup point and one destination "
                           "among its stages", field="/stages")


def create(db: Session, *, principal: Principal, body: OperationIn) -> Operation:
    """A new operation led by the caller's organisation, on a pause and its movements."""
    require(principal.actor, Action.OPERATION_COUNT,
            Target(group_id=principal.group.id, organisation_id=principal.organisation.id))
    with _change(db, principal) as ch:
        _check_pause(db, principal, body.pause)
        _check_movements(db, principal, body.movements)
        _check_stages(body)
        operation = Operation(
            group_id=principal.group.id, organisation_id=principal.organisation.id,
            pause_id=body.pause, kind=body.kind, title=body.title, free_text=body.free_text,
            created_by_id=principal.person.id, created_at=clock.now(), reports_made=0,
            log_pending_id=0)
        db.add(operation)
        db.flush()
        rows = [OperationStage(operation_id=operation.id, position=i + 1, kind=s.kind, name=s.name,
                               lon=s.lon, lat=s.lat) for i, s in enumerate(body.stages)]
        db.add_all(rows)
        db.add_all([OperationMovement(operation_id=operation.id, movement_id=m)
                    for m in body.movements])
        db.flush()
        operation.log_pending_id = _log(ch, "operation.created", {
            "operation": operation.id, "kind": body.kind, "lead": principal.organisation.slug,
            "pause": body.pause, "movements": body.movements, "title": body.title,
            "stages": [{"id": r.id, "position": r.position, "kind": r.kind, "name": r.name,
                        "lon": r.lon, "lat": r.lat} for r in rows]}, body.free_text)
    return operation


def _locked(db: Session, principal: Principal, operation: Operation, kind: str) -> Operation:
    """The operation, its row locked until commit, if the caller may record it (checked under
    the lock, which adding or removing a participant takes too); a report of the wrong kind is
    refused."""
    locked = db.scalars(select(Operation).where(Operation.id == operation.id)
                        .with_for_update().execution_options(populate_existing=True)).one()
    participants.require_recorder(db, principal, locked)
    if locked.kind != kind:
        other = "/counts" if locked.kind == "evacuation" else "/cargo"
        raise InvalidInput(f"operation {locked.id} is an {locked.kind.replace('_', ' ')}; "
                           f"report it at {other}", field="operation")
    locked.reports_made += 1
    return locked


def _when(at: datetime | None) -> datetime:
    now = clock.now()
    if at is not None and at > now + CLOCK_SKEW:
        raise InvalidInput(f"{at.isoformat()} is in the future (the server's time is "
                           f"{now.isoformat()}); give when it was counted", field="/at")
    return at or now


def _check_people(people: PeopleIn) -> reconcile.People:
    value = reconcile.People(*(getattr(people, c) for c in CATEGORIES))
    for among in ("wounded_or_sick", "disabilities"):
        if value.get(among) > value.total:
            raise InvalidInput(
                f"{value.get(among)} {among} but only {value.total} people "
                f"({' + '.join(AGE_GROUPS)}); they are counted among them",
                field=f"/people/{among}")
    return value


def _stage(db: Session, operation: Operation, stage_id: int) -> OperationStage:
    stage = db.get(OperationStage, stage_id)
    if stage is None or stage.operation_id != operation.id:
        own = ", ".join(f"{s.id} ({s.name}, {s.kind})" for s in facts.stages(db, operation))
        raise InvalidInput(f"stage {stage_id} is not a stage of operation {operation.id}; its "
                           f"stages are {own or 'none'}", field="/stage")
    return stage


def _check_reconciles(db: Session, operation: Operation,
                      new: reconcile.Count | reconcile.Departure) -> None:
    counts, departures = facts.people_facts(facts.people_reports(db, operation),
                                            facts.stages(db, operation))
    if isinstance(new, reconcile.Departure):
        departures.append(new)
    else:
        counts.append(new)
    try:
        reconcile.reconcile(counts, departures, lead=operation.organisation.slug)
    except InvalidInput as exc:
        if exc.extra.get("report") == _THIS_REPORT:
            del exc.extra["report"]
        elif "report" in exc.extra:
            exc.extra["conflicts_with_report"] = exc.extra.pop("report")
        raise


def record_people(db: Session, *, principal: Principal, operation: Operation,
                  body: CountIn | DepartureIn) -> PeopleReport:
    """A count at a stage, or a departure from a vehicle; refused if it makes anyone negative."""
    with _change(db, principal) as ch:
        operation = _locked(db, principal, operation, "evacuation")
        stage = _stage(db, operation, body.stage)
        at, people = _when(body.at), _check_people(body.people)
        fact_stage, org = facts.stage_fact(stage), principal.organisation.slug
        is_departure, last_stop = isinstance(body, DepartureIn), False
        new: reconcile.Count | reconcile.Departure
        if isinstance(body, DepartureIn):
            new = reconcile.Departure(_THIS_REPORT, fact_stage, body.vehicle, org, people,
                                      reconcile.Reason(body.reason))
        else:
            last_stop = stage.kind == "destination" and body.last_stop
            new = reconcile.Count(_THIS_REPORT, fact_stage, body.vehicle, org, people, last_stop)
        _check_reconciles(db, operation, new)
        report = PeopleReport(
            operation_id=operation.id, stage_id=stage.id, kind=body.type, vehicle=body.vehicle,
            reason=body.reason if isinstance(body, DepartureIn) else None, last_stop=last_stop,
            place=body.place if isinstance(body, DepartureIn) else "", free_text=body.free_text,
            organisation_id=principal.organisation.id, person_id=principal.person.id, at=at,
            recorded_at=clock.now(), log_pending_id=0, **body.people.model_dump())
        db.add(report)
        db.flush()
        payload: dict[str, Any] = {
            "operation": operation.id, "report": report.id, "stage": stage.id,
            "vehicle": body.vehicle, "people": people.as_dict(), "at": format_time(at)}
        if isinstance(body, DepartureIn):
            payload.update(reason=body.reason, place=body.place)
        elif stage.kind == "destination":
            payload["last_stop"] = last_stop
        report.log_pending_id = _log(ch, "operation.departure_recorded" if is_departure
                                     else "operation.counted", payload, body.free_text)
    return report


def record_cargo(db: Session, *, principal: Principal, operation: Operation,
                 body: CargoIn) -> CargoReport:
    """A dispatch, delivery or loss on the manifest; refused if more arrives than was sent."""
    with _change(db, principal) as ch:
        operation = _locked(db, principal, operation, "aid_delivery")
        if (body.stage == "lost_or_damaged") != (body.reason is not None):
            raise InvalidInput("give a reason exactly when cargo is lost or damaged",
                               field="/reason")
        if body.complete and body.stage != "delivered":
            raise InvalidInput("only a delivery can complete the manifest", field="/complete")
        at, org = _when(body.at), principal.organisation.slug
        stage = manifest.CargoStage(body.stage)
        new = [manifest.Line(_THIS_REPORT, org, stage, manifest.Item(
            manifest.CargoCategory(x.category), x.item, x.unit), x.quantity, body.complete)
            for x in body.lines]
        try:
            manifest.reconcile_cargo(facts.cargo_lines(facts.cargo_reports(db, operation)) + new,
                                     lead=operation.organisation.slug)
        except InvalidInput as exc:
            index = next((i for i, x in enumerate(body.lines) if (x.item, x.unit) == (
                exc.extra.get("item"), exc.extra.get("unit"))), None)
            exc.field = f"/lines/{index}/quantity" if index is not None else "/lines"
            raise
        report = CargoReport(
            operation_id=operation.id, stage=body.stage, complete=body.complete, reason=body.reason,
            place=body.place, free_text=body.free_text, organisation_id=principal.organisation.id,
            person_id=principal.person.id, at=at, recorded_at=clock.now(), log_pending_id=0,
            lines=[CargoLine(**x.model_dump()) for x in body.lines])
        db.add(report)
        db.flush()
        report.log_pending_id = _log(ch, "operation.cargo_reported", {
            "operation": operation.id, "report": report.id, "stage": body.stage,
            "lines": [x.model_dump() for x in body.lines], "reason": body.reason,
            "complete": body.complete, "place": body.place, "at": format_time(at)}, body.free_text)
    return report

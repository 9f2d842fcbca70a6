"""Building what the API returns about operations (read-only; no writes here).

A list of operations is built in a fixed number of statements, whatever its length: stages,
reports, linked movements, pauses and log numbers are each read once for the whole page
(`operations_out`), and each operation's summary is reconciled from them in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.groups.principal import Principal
from corridor.log import refs
from corridor.notifications import visible as visible_notices
from corridor.notifications.models import Movement
from corridor.operations import facts, manifest, participants, reconcile, schemas
from corridor.operations.models import (
    CargoReport,
    Operation,
    OperationMovement,
    OperationParticipant,
    OperationStage,
    PeopleReport,
)
from corridor.operations.warnings import warnings
from corridor.pauses import views as pause_views
from corridor.pauses.models import Pause


def people_out(p: reconcile.People) -> schemas.PeopleOut:
    return schemas.PeopleOut(**p.as_dict())


def figures_out(f: reconcile.Figures) -> schemas.FiguresOut:
    return schemas.FiguresOut(boarded=people_out(f.boarded), arrived=people_out(f.arrived),
                              departed=people_out(f.departed), en_route=people_out(f.en_route),
                              unaccounted=people_out(f.unaccounted))


def _claim(c: reconcile.Claim) -> schemas.ClaimOut:
    return schemas.ClaimOut(organisation=c.organisation, people=people_out(c.people),
                            reports=list(c.reports))


def _report(r: PeopleReport, stages: dict[int, str], superseded: set[int],
            seqs: dict[int, int | None]) -> schemas.PeopleReportOut:
    return schemas.PeopleReportOut(
        id=r.id, type=r.kind, stage=r.stage_id, stage_name=stages[r.stage_id], vehicle=r.vehicle,
        reason=r.reason, last_stop=r.last_stop if r.kind == "count" else None,
        people=people_out(facts.people_of(r)), place=r.place, free_text=r.free_text,
        organisation=r.organisation.slug, person=r.person.username, at=r.at,
        recorded_at=r.recorded_at, superseded=r.id in superseded,
        log_index=seqs.get(r.log_pending_id))


def _reconciliation(operation: Operation, stage_rows: Sequence[OperationStage],
                    rows: Sequence[PeopleReport], seqs: dict[int, int | None]
                    ) -> schemas.ReconciliationOut:
    counts, departures = facts.people_facts(rows, stage_rows)
    result = reconcile.reconcile(counts, departures, lead=operation.organisation.slug)
    names, superseded = {s.id: s.name for s in stage_rows}, set(result.superseded)
    return schemas.ReconciliationOut(
        operation=operation.id, total=figures_out(result.total),
        vehicles=[schemas.VehicleOut(vehicle=v.vehicle, figures=figures_out(v.figures),
                                     last_seen=v.last_seen, finished_at=v.finished_at)
                  for v in result.vehicles],
        departed_by_reason={str(k): people_out(v) for k, v in result.departed_by_reason.items()},
        discrepancies=[schemas.DiscrepancyOut(
            stage=d.stage.id, stage_name=d.stage.name, vehicle=d.vehicle, what=d.what,
            used=_claim(d.used), others=[_claim(c) for c in d.others])
            for d in result.discrepancies],
        alert=bool(result.unaccounted or result.discrepancies),
        reports=[_report(r, names, superseded, seqs) for r in rows])


def reconciliations_out(db: Session, operations: Sequence[Operation]
                        ) -> list[schemas.ReconciliationOut]:
    """Each evacuation's reconciliation, with every report behind it, in the order given."""
    ids = [o.id for o in operations]
    stages, people = facts.stages_of(db, ids), facts.people_reports_of(db, ids)
    seqs = refs.indexes(db, [r.log_pending_id for rows in people.values() for r in rows])
    return [_reconciliation(o, stages[o.id], people[o.id], seqs) for o in operations]


def reconciliation_out(db: Session, operation: Operation) -> schemas.ReconciliationOut:
    """The evacuation's reconciliation, with every report behind it."""
    return reconciliations_out(db, [operation])[0]


def _cargo_report(r: CargoReport, seqs: dict[int, int | None]) -> schemas.CargoReportOut:
    return schemas.CargoReportOut(
        id=r.id, stage=r.stage, reason=r.reason, complete=r.complete, place=r.place,
        free_text=r.free_text, organisation=r.organisation.slug, person=r.person.username,
        at=r.at, recorded_at=r.recorded_at, log_index=seqs.get(r.log_pending_id),
        lines=[schemas.CargoLineOut(category=x.category, item=x.item, unit=x.unit,
                                    quantity=x.quantity) for x in r.lines])


def _cargo_claim(c: manifest.CargoClaim) -> dict[str, str | int]:
    return {"organisation": c.organisation, "quantity": c.quantity,
            "reports": ",".join(str(r) for r in c.reports)}


def manifest_out(db: Session, operation: Operation) -> schemas.ManifestOut:
    """The delivery's manifest reconciled item by item, with every report behind it."""
    rows = facts.cargo_reports(db, operation)
    result = manifest.reconcile_cargo(facts.cargo_lines(rows), lead=operation.organisation.slug)
    seqs = refs.indexes(db, [r.log_pending_id for r in rows])
    return schemas.ManifestOut(
        operation=operation.id, complete=result.complete,
        items=[schemas.ItemOut(category=i.item.category, item=i.item.name, unit=i.item.unit,
                               dispatched=i.dispatched, delivered=i.delivered,
                               lost_or_damaged=i.lost_or_damaged, in_transit=i.in_transit,
                               unaccounted=i.unaccounted) for i in result.items],
        discrepancies=[schemas.CargoDiscrepancyOut(
            stage=d.stage, item=d.item.name, unit=d.item.unit, used=_cargo_claim(d.used),
            others=[_cargo_claim(c) for c in d.others]) for d in result.discrepancies],
        alert=bool(result.unaccounted_items or result.discrepancies),
        reports=[_cargo_report(r, seqs) for r in rows])


@dataclass
class _Loaded:
    """What the operations of one page need besides their own rows, read once for all."""

    stages: dict[int, list[OperationStage]]
    people: dict[int, list[PeopleReport]]
    cargo: dict[int, list[CargoReport]]
    movements: dict[int, list[Movement]]
    pauses: dict[int, tuple[Pause, dict[str, Any]]]
    indexes: dict[int, int | None]
    participants: dict[int, list[OperationParticipant]]


def _load(db: Session, operations: Sequence[Operation], viewer: Principal) -> _Loaded:
    ids = [o.id for o in operations]
    movements: dict[int, list[Movement]] = defaultdict(list)
    for operation_id, movement in db.execute(
            select(OperationMovement.operation_id, Movement)
            .join(Movement, OperationMovement.movement_id == Movement.id)
            .where(OperationMovement.operation_id.in_(ids),
                   visible_notices.rule(viewer.actor, Movement))
            .order_by(Movement.id)):
        movements[operation_id].append(movement)
    return _Loaded(
        stages=facts.stages_of(db, ids), people=facts.people_reports_of(db, ids),
        cargo=facts.cargo_reports_of(db, ids), movements=movements,
        pauses=pause_views.current(db, {o.pause_id for o in operations}),
        indexes=refs.indexes(db, [o.log_pending_id for o in operations]),
        participants=participants.of(db, ids))


def _summary(loaded: _Loaded, operation: Operation) -> schemas.SummaryOut:
    lead = operation.organisation.slug
    if operation.kind == "evacuation":
        counts, departures = facts.people_facts(loaded.people[operation.id],
                                                loaded.stages[operation.id])
        r = reconcile.reconcile(counts, departures, lead=lead)
        t = r.total
        return schemas.SummaryOut(
            boarded=t.boarded.total, arrived=t.arrived.total, departed=t.departed.total,
            en_route=t.en_route.total, unaccounted=t.unaccounted.total,
            discrepancies=len(r.discrepancies))
    m = manifest.reconcile_cargo(facts.cargo_lines(loaded.cargo[operation.id]), lead=lead)
    return schemas.SummaryOut(items=len(m.items), unaccounted_items=m.unaccounted_items,
                              complete=m.complete, discrepancies=len(m.discrepancies))


def _operation(loaded: _Loaded, operation: Operation) -> schemas.OperationOut:
    stage_rows, seen = loaded.stages[operation.id], loaded.movements[operation.id]
    pause, content = loaded.pauses[operation.pause_id]
    summary = _summary(loaded, operation)
    return schemas.OperationOut(
        id=operation.id, kind=operation.kind, title=operation.title,
        lead=operation.organisation.slug, pause=operation.pause_id,
        participants=[p.organisation.slug for p in loaded.participants[operation.id]],
        movements=[m.id for m in seen],
        stages=[schemas.StageOut(id=s.id, position=s.position, kind=s.kind, name=s.name,
                                 lon=s.lon, lat=s.lat) for s in stage_rows],
        free_text=operation.free_text, created_at=operation.created_at,
        created_by=operation.created_by.username,
        log_index=loaded.indexes.get(operation.log_pending_id),
        summary=summary,
        alert=bool(summary.unaccounted or summary.unaccounted_items or summary.discrepancies),
        warnings=warnings(operation, pause, content, stage_rows, seen))


def operations_out(db: Session, operations: Sequence[Operation],
                   viewer: Principal) -> list[schemas.OperationOut]:
    """What the API shows of each operation, in the order given."""
    if not operations:
        return []
    loaded = _load(db, operations, viewer)
    return [_operation(loaded, o) for o in operations]


def operation_out(db: Session, operation: Operation, viewer: Principal) -> schemas.OperationOut:
    return operations_out(db, [operation], viewer)[0]


def participants_out(db: Session, operation: Operation) -> schemas.ParticipantsOut:
    """The operation's lead and participants, each with the log entry that added it."""
    rows = participants.of(db, [operation.id])[operation.id]
    seqs = refs.indexes(db, [r.log_pending_id for r in rows])
    return schemas.ParticipantsOut(
        operation=operation.id, lead=operation.organisation.slug,
        participants=[schemas.ParticipantOut(
            organisation=r.organisation.slug, name=r.organisation.name,
            kind=r.organisation.kind, added_by=r.added_by.username, added_at=r.added_at,
            log_index=seqs.get(r.log_pending_id)) for r in rows])

"""Reading an operation's stored reports as the plain facts that reconcile.py and manifest.py
work on (read-only). The `*_of` functions read those of many operations in one statement each,
for lists: a page of operations costs as many statements as one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from corridor.operations import manifest, reconcile
from corridor.operations.models import (
    CargoReport,
    Operation,
    OperationStage,
    PeopleReport,
)
from corridor.operations.reconcile import CATEGORIES, People


def stages(db: Session, operation: Operation) -> list[OperationStage]:
    return list(db.scalars(select(OperationStage).where(
        OperationStage.operation_id == operation.id).order_by(OperationStage.position)))


def people_reports(db: Session, operation: Operation) -> list[PeopleReport]:
    return list(db.scalars(
        select(PeopleReport).options(joinedload(PeopleReport.organisation),
                                     joinedload(PeopleReport.person))
        .where(PeopleReport.operation_id == operation.id).order_by(PeopleReport.id)))


def cargo_reports(db: Session, operation: Operation) -> list[CargoReport]:
    return list(db.scalars(
        select(CargoReport).options(joinedload(CargoReport.organisation),
                                    joinedload(CargoReport.person),
                                    selectinload(CargoReport.lines))
        .where(CargoReport.operation_id == operation.id).order_by(CargoReport.id)))


def stages_of(db: Session, operation_ids: Collection[int]) -> dict[int, list[OperationStage]]:
    """The stages of each operation, in route order."""
    out: dict[int, list[OperationStage]] = defaultdict(list)
    for row in db.scalars(select(OperationStage).where(
            OperationStage.operation_id.in_(operation_ids))
            .order_by(OperationStage.operation_id, OperationStage.position)):
        out[row.operation_id].append(row)
    return out


def people_reports_of(db: Session, operation_ids: Collection[int]
                      ) -> dict[int, list[PeopleReport]]:
    """The counts and departures of each operation, in the order they were recorded."""
    out: dict[int, list[PeopleReport]] = defaultdict(list)
    for row in db.scalars(
            select(PeopleReport).options(joinedload(PeopleReport.organisation),
                                         joinedload(PeopleReport.person))
            .where(PeopleReport.operation_id.in_(operation_ids)).order_by(PeopleReport.id)):
        out[row.operation_id].append(row)
    return out


def cargo_reports_of(db: Session, operation_ids: Collection[int]) -> dict[int, list[CargoReport]]:
    """The cargo reports of each operation, with their lines, in the order recorded."""
    out: dict[int, list[CargoReport]] = defaultdict(list)
    for row in db.scalars(
            select(CargoReport).options(joinedload(CargoReport.organisation),
                                        joinedload(CargoReport.person),
                                        selectinload(CargoReport.lines))
            .where(CargoReport.operation_id.in_(operation_ids)).order_by(CargoReport.id)):
        out[row.operation_id].append(row)
    return out


def stage_fact(row: OperationStage) -> reconcile.Stage:
    return reconcile.Stage(row.id, row.position, reconcile.StageKind(row.kind), row.name)


def people_of(row: PeopleReport) -> People:
    return People(*(int(getattr(row, c)) for c in CATEGORIES))


def people_facts(
    rows: Sequence[PeopleReport], stage_rows: Sequence[OperationStage]
) -> tuple[list[reconcile.Count], list[reconcile.Departure]]:
    by_id = {s.id: stage_fact(s) for s in stage_rows}
    counts, departures = [], []
    for r in rows:
        stage = by_id[r.stage_id]
        if r.kind == "departure":
            assert r.reason is not None
            departures.append(reconcile.Departure(r.id, stage, r.vehicle, r.organisation.slug,
                                                  people_of(r), reconcile.Reason(r.reason)))
        else:
            counts.append(reconcile.Count(r.id, stage, r.vehicle, r.organisation.slug,
                                          people_of(r), r.last_stop))
    return counts, departures


def reconciliation(db: Session, operation: Operation) -> reconcile.Reconciliation:
    counts, departures = people_facts(people_reports(db, operation), stages(db, operation))
    return reconcile.reconcile(counts, departures, lead=operation.organisation.slug)


def cargo_lines(rows: Sequence[CargoReport]) -> list[manifest.Line]:
    return [manifest.Line(r.id, r.organisation.slug, manifest.CargoStage(r.stage),
                          manifest.Item(manifest.CargoCategory(x.category), x.item, x.unit),
                          x.quantity, r.complete)
            for r in rows for x in r.lines]


def manifest_of(db: Session, operation: Operation) -> manifest.ManifestReconciliation:
    return manifest.reconcile_cargo(cargo_lines(cargo_reports(db, operation)),
                                    lead=operation.organisation.slug)

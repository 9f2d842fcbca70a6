"""Operations' part of the alerts: anyone unaccounted for, and counts in dispute, for the
convener, the intermediary and the operation's lead (PRODUCT.md: "an alert to the convener and
the intermediary"). Registered with `alerts/service.py` by `corridor.wiring`; every evacuation's
reports are read in one batch, not operation by operation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from corridor.alerts.schemas import AlertOut, SubjectOut
from corridor.groups.principal import Principal
from corridor.operations import facts, reconcile
from corridor.operations import visible as visible_operations
from corridor.operations.models import Operation

WATCHERS = ("convener", "intermediary")


def for_caller(db: Session, principal: Principal) -> list[AlertOut]:
    """Unaccounted people and discrepancies of the evacuations the caller watches."""
    out: list[AlertOut] = []
    org = principal.organisation
    query = visible_operations.operations(principal.actor).where(Operation.kind == "evacuation")
    if org.kind not in WATCHERS:
        query = query.where(Operation.organisation_id == org.id)
    found = list(db.scalars(query.order_by(Operation.id)))
    ids = [o.id for o in found]
    stages, people = facts.stages_of(db, ids), facts.people_reports_of(db, ids)
    for operation in found:
        counts, departures = facts.people_facts(people[operation.id], stages[operation.id])
        rec = reconcile.reconcile(counts, departures, lead=operation.organisation.slug)
        subject = SubjectOut(type="operation", id=operation.id)
        if rec.unaccounted > 0:
            out.append(AlertOut(
                kind="unaccounted", subject=subject,
                message=f"{rec.unaccounted} people unaccounted for in '{operation.title}'.",
                data={"unaccounted": rec.unaccounted}))
        for d in rec.discrepancies:
            out.append(AlertOut(
                kind="discrepancy", subject=subject,
                message=f"Organisations report different {d.what} for vehicle {d.vehicle} at "
                        f"{d.stage.name} in '{operation.title}'; both are kept.",
                data={"vehicle": d.vehicle, "what": d.what, "stage": d.stage.name}))
    return out

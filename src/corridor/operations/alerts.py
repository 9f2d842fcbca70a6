"""Operations' part of the alerts: anyone unaccounted for, and counts in dispute, for the
convener, the intermediary and the operation's lead (PRODUCT.md: "an alert to the convener and
the intermediary"). Read by `alerts/service.py` through its extension point."""

from __future__ import annotations

from sqlalchemy.orm import Session

from corridor.alerts.schemas import AlertOut, SubjectOut
from corridor.groups.principal import Principal
from corridor.operations import facts
from corridor.operations.service import list_operations

WATCHERS = ("convener", "intermediary")


def for_caller(db: Session, principal: Principal) -> list[AlertOut]:
    """Unaccounted people and discrepancies of the evacuations the caller watches."""
    out: list[AlertOut] = []
    org = principal.organisation
    for operation in list_operations(db, principal=principal, kind="evacuation"):
        if org.kind not in WATCHERS and operation.organisation_id != org.id:
            continue
        rec = facts.reconciliation(db, operation)
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

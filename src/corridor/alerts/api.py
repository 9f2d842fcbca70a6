"""HTTP route of the caller's alerts (the web inbox reads the same)."""

from __future__ import annotations

from fastapi import APIRouter

from corridor.alerts import service as alerts
from corridor.alerts.schemas import AlertsOut
from corridor.deps import CurrentGroup, CurrentPrincipal, SessionDep

router = APIRouter(prefix="/groups/{group}/alerts", tags=["alerts"])


@router.get("", response_model=AlertsOut)
def my_alerts(group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep) -> AlertsOut:
    """What waits for your organisation: consents, acknowledgements, follow-ups, counts."""
    return alerts.for_caller(db, principal=principal)

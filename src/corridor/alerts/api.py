"""HTTP route of the caller's alerts (the web inbox reads the same)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from corridor.alerts import service as alerts
from corridor.alerts.schemas import AlertsOut
from corridor.deps import SessionDep
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.inputs import StrictRoute

router = APIRouter(prefix="/groups/{group}/alerts", tags=["alerts"], route_class=StrictRoute)


@router.get("", response_model=AlertsOut)
def my_alerts(group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep,
              limit: Annotated[int, Query(ge=1, le=alerts.MAX_LIMIT)] = alerts.LIMIT
              ) -> AlertsOut:
    """What waits for your organisation: consents, acknowledgements, follow-ups, counts; at
    most `limit` (200 unless given, at most 1000), oldest first, `complete` false if more wait."""
    return alerts.for_caller(db, principal=principal, limit=limit)

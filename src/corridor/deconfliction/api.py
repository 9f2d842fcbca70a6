"""The deconfliction check's route: `GET …/movements/{id}/check` (thin: parse, run, answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from corridor import clock
from corridor.deconfliction import service as deconflict
from corridor.deconfliction.check import DEFAULT_INCIDENT_HOURS, DEFAULT_RADIUS_M, Finding
from corridor.deps import SessionDep
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.inputs import PathId, StrictRoute
from corridor.notifications import schemas
from corridor.notifications import service as notifications

router = APIRouter(prefix="/groups/{group}", tags=["notifications"], route_class=StrictRoute)


def _finding(f: Finding) -> schemas.FindingOut:
    return schemas.FindingOut(code=f.code, reason=f.reason, data=f.data)


@router.get("/movements/{movement_id}/check", response_model=schemas.CheckOut)
def check_movement(
    movement_id: PathId, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep,
    radius_km: Annotated[float, Query(gt=0, le=100, allow_inf_nan=False,
                                      description="Sites within this")] = (
        DEFAULT_RADIUS_M / 1000),
    incident_hours: Annotated[int, Query(ge=1, le=24 * 90)] = DEFAULT_INCIDENT_HOURS,
) -> schemas.CheckOut:
    """Is it covered by an agreed pause (or why not), and what does its route pass?"""
    movement = notifications.get_movement(db, principal=principal, movement_id=movement_id)
    result = deconflict.run(db, principal=principal, movement=movement,
                            radius_m=radius_km * 1000, incident_hours=incident_hours)
    return schemas.CheckOut(
        movement=movement.id, checked_at=clock.now(), covered=bool(result.covered_by),
        covered_by=result.covered_by, summary=_finding(result.summary),
        pauses=[_finding(f) for f in result.pauses], sites=[_finding(f) for f in result.sites],
        incidents=[_finding(f) for f in result.incidents], radius_km=radius_km,
        incident_hours=incident_hours)

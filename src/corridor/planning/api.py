"""HTTP route of planning: any member of the group may ask for a plan; nothing is stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from corridor.deps import SessionDep
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.inputs import StrictRoute
from corridor.planning import service as planning
from corridor.planning.service import PlanRequest

router = APIRouter(prefix="/groups/{group}/plans", tags=["plans"], route_class=StrictRoute)


@router.post("")
def create_plan(body: PlanRequest, group: CurrentGroup, principal: CurrentPrincipal,
                db: SessionDep) -> dict[str, Any]:
    """Plan an evacuation (from an instance, or from a pause of the group): itineraries, the
    upper bound and gap, what is left waiting, and the independent check the plan passed."""
    return planning.plan_for_group(db, principal=principal, request=body)

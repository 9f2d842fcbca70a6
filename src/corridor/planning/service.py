"""Use cases of planning: plan an instance (with a step override, safety delays and a Monte-Carlo
check), or plan for a pause of the group. Plans are computed, never stored: a plan is advice to
the people running the operation, and recomputing it is cheaper than keeping it current."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.orm import Session

from corridor.errors import InvalidInput
from corridor.groups.principal import Principal
from corridor.inputs import MAX_ID, In
from corridor.planning.from_pause import instance_from_pause
from corridor.planning.instance import parse_instance
from corridor.planning.planner import Options, make_plan
from corridor.planning.robust import monte_carlo, parse_safety, with_percentile_delays
from corridor.policy import Action, Target, require


class PlanRequest(In):
    """An instance, or a pause (with the fleet and people waiting given in `instance`)."""

    instance: dict[str, Any] | None = Field(default=None, description="See the planner's README")
    pause: int | None = Field(default=None, ge=1, le=MAX_ID,
                              description="Take corridor and window from it")
    time_limit: float = Field(default=10.0, gt=0, le=120, allow_inf_nan=False)
    step_minutes: int | None = Field(default=None, ge=1, le=60)
    safety: str | None = Field(default=None, max_length=4, description="e.g. P80")
    monte_carlo: int = Field(default=0, ge=0, le=20_000)


def plan_instance(request: PlanRequest, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """A checked plan for the request's instance (or `data`, built from a pause)."""
    data = dict(data if data is not None else request.instance or {})
    if not data:
        raise InvalidInput("give an instance, or a pause to plan for", field="/instance")
    if request.step_minutes is not None:
        data["step_minutes"] = request.step_minutes
    given = parse_instance(data, at="/instance")
    planned = given
    if request.safety:
        planned = with_percentile_delays(given, parse_safety(request.safety))
    plan = make_plan(planned, Options(time_limit=request.time_limit))
    plan["safety"] = request.safety
    if request.monte_carlo:
        # Against the delays as given: how often would this plan leave someone inside?
        plan["robustness"] = monte_carlo(given, plan["itineraries"], request.monte_carlo)
    plan["instance"] = given.model_dump(mode="json")
    return plan


def plan_for_group(db: Session, *, principal: Principal, request: PlanRequest) -> dict[str, Any]:
    """Plan for the caller's group: from a pause of it when one is named."""
    require(principal.actor, Action.PLAN_CREATE, Target(group_id=principal.group.id))
    if request.pause is None:
        return plan_instance(request)
    data = instance_from_pause(db, principal=principal, pause_id=request.pause,
                               given=request.instance or {})
    plan = plan_instance(request, data)
    plan["pause"] = request.pause
    return plan

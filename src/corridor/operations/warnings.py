"""What an operation's readers should look at although it was accepted: a stage off the pause's
route, a movement relying on another pause, aid on a pause that keeps aid out, a pause not
agreed. Warnings, never refusals: the field knows things the server does not."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shapely.geometry import Point, shape

from corridor.geo.metric import distance_m
from corridor.notifications.models import Movement
from corridor.operations.models import Operation, OperationStage
from corridor.pauses.models import Pause

# Closer than this to the edge of the pause's zone still counts as on it (rounding of points).
_ON_ROUTE_M = 50.0


def _outside_m(content: dict[str, Any], point: Point) -> float:
    """How far a point lies outside the pause's corridor and area (0 inside either)."""
    gaps = []
    if content.get("corridor"):
        route = shape(content["corridor"]["route"])
        gaps.append(distance_m(point, route) - float(content["corridor"]["half_width_m"]))
    if content.get("area"):
        gaps.append(distance_m(point, shape(content["area"])))
    return max(min(gaps), 0.0) if gaps else 0.0


def warnings(operation: Operation, pause: Pause, content: dict[str, Any],
             stages: Sequence[OperationStage], movements: Sequence[Movement]) -> list[str]:
    """What to look at in `operation`, on `pause` whose current version reads `content`."""
    out = []
    if pause.state != "agreed":
        out.append(f"pause {pause.id} is {pause.state}, not agreed")
    if operation.kind == "aid_delivery" and not content.get("aid_may_enter"):
        out.append(f"pause {pause.id} does not let aid enter its area; this delivery must stay "
                   "outside it")
    for m in movements:
        if m.pause_id != operation.pause_id:
            relies = f"relies on pause {m.pause_id}" if m.pause_id else "relies on no pause"
            out.append(f"movement {m.id} {relies}, not on pause {operation.pause_id}")
    for s in stages:
        if s.lon is None or s.lat is None:
            continue
        gap = _outside_m(content, Point(s.lon, s.lat))
        if gap > _ON_ROUTE_M:
            out.append(f"{s.kind} '{s.name}' lies {gap / 1000:.1f} km outside pause "
                       f"{pause.id}'s corridor and area")
    return out

"""An instance from a pause of the group: the window and the corridor (route, half-width, length
in km from pyproj) come from the pause's current version; the fleet, the people waiting and the
checkpoints' delays come from the caller, since a pause does not record them. Sites and
checkpoints are placed by coordinates, or by the name of a waypoint of the corridor or a stage
of an evacuation operation relying on the pause; each must lie inside the pause's corridor or
area, or the request is refused naming it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from shapely.geometry import LineString, Point, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.errors import InvalidInput
from corridor.geo.metric import buffer_m, km_along, length_km
from corridor.groups.principal import Principal
from corridor.operations.models import Operation, OperationStage
from corridor.pauses import service as pauses


def _places(db: Session, pause_id: int, content: dict[str, Any]) -> dict[str, tuple[float, float]]:
    known = {w["name"].casefold(): (w["lon"], w["lat"])
             for w in (content.get("corridor") or {}).get("waypoints", [])}
    stages = db.execute(select(OperationStage).join(
        Operation, Operation.id == OperationStage.operation_id).where(
        Operation.pause_id == pause_id)).scalars()
    for st in stages:
        if st.lon is not None and st.lat is not None:
            known.setdefault(st.name.casefold(), (st.lon, st.lat))
    return known


def instance_from_pause(db: Session, *, principal: Principal, pause_id: int,
                        given: dict[str, Any]) -> dict[str, Any]:
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    content = json.loads(pauses.current_version(db, pause).content)
    corridor = content.get("corridor")
    if not corridor or not corridor.get("route"):
        raise InvalidInput(f"pause {pause_id} has no corridor with a route to plan along",
                           field="pause.corridor.route")
    route = LineString(corridor["route"]["coordinates"])
    inside = buffer_m(route, corridor["half_width_m"])
    if content.get("area"):
        inside = inside.union(shape(content["area"]))
    places = _places(db, pause_id, content)
    total = length_km(route)
    depot = dict(given.get("depot") or {})
    if not depot.get("name"):
        waypoints = corridor.get("waypoints") or []
        dest = next((d for d in content.get("destinations", []) if d.casefold() in places), None)
        depot["name"] = dest or (waypoints[-1]["name"] if waypoints else "Destination")
    if depot.get("lon") is None or depot.get("lat") is None:
        depot["lon"], depot["lat"] = places.get(depot["name"].casefold(), route.coords[-1])
    depot_xy = (float(depot["lon"]), float(depot["lat"]))
    at_end = Point(depot_xy).distance(Point(route.coords[-1])) <= Point(depot_xy).distance(
        Point(route.coords[0]))

    def km_from_depot(xy: tuple[float, float]) -> float:
        along = km_along(route, Point(xy))
        return round(total - along if at_end else along, 2)

    sites = []
    for i, s in enumerate(given.get("sites") or []):
        xy = _where(s, places, f"sites.{i}")
        if not inside.covers(Point(xy)):
            raise InvalidInput(f"site '{s.get('name')}' is outside the pause's corridor and "
                               "area", field=f"sites.{i}")
        sites.append({**s, "lon": xy[0], "lat": xy[1], "km": km_from_depot(xy)})
    checkpoints = []
    for i, c in enumerate((given.get("corridor") or {}).get("checkpoints") or []):
        xy = _where(c, places, f"corridor.checkpoints.{i}")
        checkpoints.append({**c, "lon": xy[0], "lat": xy[1], "km": km_from_depot(xy)})
    start = datetime.fromisoformat(content["window"]["start"])
    end = datetime.fromisoformat(content["window"]["end"])
    coords = [list(p) for p in route.coords]
    return {
        "name": given.get("name") or content.get("title", f"pause {pause_id}"),
        "window": {"start": start.isoformat(), "hours": (end - start).total_seconds() / 3600},
        "step_minutes": given.get("step_minutes", 10),
        "depot": depot,
        "corridor": {"length_km": round(total, 2), "checkpoints": checkpoints,
                     "slow_stretches": (given.get("corridor") or {}).get("slow_stretches", []),
                     "route": coords if at_end else coords[::-1]},
        "sites": sites,
        "vehicles": given.get("vehicles") or [],
        **{k: given[k] for k in ("priority_weights", "stretcher_categories") if k in given},
    }


def _where(item: dict[str, Any], places: dict[str, tuple[float, float]],
           field: str) -> tuple[float, float]:
    if item.get("lon") is not None and item.get("lat") is not None:
        return float(item["lon"]), float(item["lat"])
    name = str(item.get("name", ""))
    if name.casefold() in places:
        return places[name.casefold()]
    raise InvalidInput(f"'{name}' is neither a waypoint of the corridor nor a stage of an "
                       "operation of this pause; give lon and lat", field=field)

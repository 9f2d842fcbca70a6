"""Recent incident reports near a movement's route, for the deconfliction check
(`notifications.check.incidents_near` is the hook this fills; see `near_route`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from shapely.geometry import LineString, Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.geo.index import SpatialIndex
from corridor.geo.metric import degrees_for, km_along
from corridor.incidents.models import Incident
from corridor.notifications.check import Finding


def near_route(db: Session, *, group_id: int, route: LineString, radius_m: float, hours: int,
               limit: int = 100) -> list[Finding]:
    """Reports of the last `hours` within `radius_m` of the route, nearest first; each says how
    far, where along the route, and when; a report is a claim, so is each finding."""
    since: datetime = clock.now() - timedelta(hours=hours)
    pad = degrees_for(route, radius_m)
    west, south, east, north = route.bounds
    rows = {str(i.id): i for i in db.scalars(select(Incident).where(
        Incident.group_id == group_id, Incident.occurred_at >= since,
        Incident.lon >= west - pad, Incident.lon <= east + pad,
        Incident.lat >= south - pad, Incident.lat <= north + pad))}
    index = SpatialIndex()
    index.upsert_many("incident", ((k, Point(i.lon, i.lat)) for k, i in rows.items()))
    found = []
    for hit in index.near(route, radius_m, kinds=["incident"], limit=limit):
        incident = rows[hit.id]
        km = km_along(route, Point(incident.lon, incident.lat))
        kind = incident.incident_type.replace("_", " ")
        found.append(Finding(
            "incident_near_route",
            f"{incident.organisation.slug} reported {kind} {hit.distance_m / 1000:.1f} km from the "
            f"route at km {km:.1f}, at {incident.occurred_at.strftime('%d %b %Y %H:%M UTC')} "
            f"(incident {incident.id}; a report, not a finding).",
            {"incident": incident.id, "type": incident.incident_type,
             "reported_by": incident.organisation.slug, "km_along": round(km, 2),
             "distance_km": round(hit.distance_m / 1000, 3),
             "occurred_at": incident.occurred_at.isoformat()}))
    return found

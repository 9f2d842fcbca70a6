"""Lists of sites and movements as RFC 7946 GeoJSON FeatureCollections, for any GIS tool."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corridor.notifications.schemas import MovementOut, SiteOut

MEDIA_TYPE = "application/geo+json"


def _receipts(acks: Sequence[Any]) -> dict[str, str]:
    return {a.party: a.status for a in acks}


def sites(rows: Sequence[SiteOut]) -> dict[str, Any]:
    """One Point feature per site; WGS84 lon/lat, as RFC 7946 requires (no `crs` member)."""
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": s.id,
        "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
        "properties": {
            "kind": "site", "organisation": s.organisation, "name": s.name, "type": s.type,
            "people_present": s.people_present, "notified_at": s.notified_at.isoformat(),
            "confirmed_at": s.confirmed_at.isoformat(), "stale": s.stale,
            "acknowledgements": _receipts(s.acknowledgements),
        },
    } for s in rows]}


def movements(rows: Sequence[MovementOut]) -> dict[str, Any]:
    """One LineString feature per movement, its route as notified."""
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": m.id, "geometry": m.route,
        "properties": {
            "kind": "movement", "organisation": m.organisation,
            "departure": m.departure.isoformat(), "arrival": m.arrival.isoformat(),
            "phase": m.phase, "length_km": m.length_km, "vehicles": m.vehicles.model_dump(),
            "staff": m.staff, "passengers": m.passengers, "cargo": m.cargo, "pause": m.pause,
            "emergency": m.emergency, "late": m.late, "late_by": m.late_by,
            "waypoints": [w["name"] for w in m.waypoints],
            "acknowledgements": _receipts(m.acknowledgements),
        },
    } for m in rows]}

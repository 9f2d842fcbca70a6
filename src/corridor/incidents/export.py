"""Incident reports as RFC 7946 GeoJSON and as CSV with HXL hashtags, for the field's tools."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corridor.hxl import MEDIA_TYPE as HXL_MEDIA_TYPE
from corridor.hxl import write_csv as _write
from corridor.incidents.schemas import IncidentOut

GEOJSON_MEDIA_TYPE = "application/geo+json"
CSV_MEDIA_TYPE = HXL_MEDIA_TYPE

COLUMNS = [
    ("Incident", "#event+code"), ("Occurred", "#date+occurred"), ("Type", "#event+type"),
    ("Latitude", "#geo+lat"), ("Longitude", "#geo+lon"),
    ("Uncertainty m", "#geo+precision+m"), ("Place", "#loc+name"), ("Reported by", "#org"),
    ("Killed", "#affected+killed"), ("Injured", "#affected+injured"),
    ("Killed children", "#affected+killed+children"),
    ("Injured children", "#affected+injured+children"), ("Follow-up", "#status"),
    ("Linked to", "#event+linked"), ("Narrative (as reported)", "#description"),
]


def _linked(i: IncidentOut) -> str:
    return "; ".join(f"{link.kind} {link.subject}" for link in i.links)


def hxl(rows: Sequence[IncidentOut]) -> str:
    return _write(COLUMNS, [[
        i.id, i.occurred_at.isoformat(), i.type, i.lat, i.lon, i.uncertainty_m, i.place,
        i.reported_by, i.killed, i.injured, i.casualties["killed"]["children"],
        i.casualties["injured"]["children"], i.status, _linked(i), i.narrative] for i in rows])


def geojson(rows: Sequence[IncidentOut]) -> dict[str, Any]:
    """One Point feature per report; the uncertainty radius is a property (RFC 7946 has no
    circles)."""
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": i.id,
        "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
        "properties": {
            "kind": "incident", "type": i.type, "occurred_at": i.occurred_at.isoformat(),
            "uncertainty_m": i.uncertainty_m, "place": i.place, "reported_by": i.reported_by,
            "casualties": i.casualties, "killed": i.killed, "injured": i.injured,
            "narrative": i.narrative, "status": i.status,
            "links": [link.model_dump() for link in i.links],
        },
    } for i in rows]}

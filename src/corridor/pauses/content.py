"""Normalising a version's content and hashing it: what people sign is exactly what is stored.

The hash is SHA-256 of the RFC 8785 bytes of the normalised content, so two clients that
canonicalise the same content compute the same hash independently.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from corridor.errors import InvalidInput
from corridor.geo.validate import parse_geometry, to_geojson
from corridor.log.canonical import canonicalize
from corridor.pauses.schemas import PauseContentIn
from corridor.pauses.window import Window, validate_window

AREA_TYPES = frozenset({"Polygon", "MultiPolygon"})
LINE_TYPES = frozenset({"LineString"})


def normalise(
    content: PauseContentIn,
    *,
    parties: dict[str, str],
    max_hours: int,
    max_vertices: int,
    now: datetime | None,
) -> tuple[dict[str, Any], Window]:
    """Validated content as stored and signed; `parties` maps each party's slug to its zone."""
    if content.area is None and content.corridor is None:
        raise InvalidInput("a pause needs an area, a corridor, or both", field="/area")
    for i, slug in enumerate(content.required_signatories):
        if slug not in parties:
            known = ", ".join(sorted(parties)) or "none"
            raise InvalidInput(f"'{slug}' is not a party of this group (parties: {known})",
                               field=f"/required_signatories/{i}")
    signatories = sorted(set(content.required_signatories))
    window = validate_window(
        content.window.start, content.window.end, zone=content.window.zone,
        party_zones=[parties[s] for s in signatories], max_hours=max_hours, now=now,
    )
    out: dict[str, Any] = {
        "title": content.title.strip(),
        "purposes": sorted(set(content.purposes)),
        "window": window.as_json(),
        "required_signatories": signatories,
        "destinations": [d.strip() for d in content.destinations if d.strip()],
        "aid_may_enter": content.aid_may_enter,
        "who_may_leave": content.who_may_leave.strip(),
        "vehicle_marking": content.vehicle_marking.strip(),
        "conditions": content.conditions.strip(),
        "area": None,
        "corridor": None,
    }
    if content.area is not None:
        area = parse_geometry(content.area, field="/area", allowed=AREA_TYPES,
                              max_vertices=max_vertices)
        out["area"] = to_geojson(area)
    if content.corridor is not None:
        c = content.corridor
        route_json = c.route
        if route_json is None:
            if len(c.waypoints) < 2:
                raise InvalidInput("a corridor needs a route or at least two waypoints",
                                   field="/corridor/waypoints")
            coords = [[w.lon, w.lat] for w in c.waypoints]
            route_json = {"type": "LineString", "coordinates": coords}
        route = parse_geometry(route_json, field="/corridor/route", allowed=LINE_TYPES,
                               max_vertices=max_vertices)
        waypoints = []
        for i, w in enumerate(c.waypoints):
            pt = parse_geometry({"type": "Point", "coordinates": [w.lon, w.lat]},
                                field=f"/corridor/waypoints/{i}", allowed=frozenset({"Point"}),
                                max_vertices=1)
            coords = to_geojson(pt)["coordinates"]
            waypoints.append({"name": w.name.strip(), "lon": coords[0], "lat": coords[1]})
        out["corridor"] = {
            "route": to_geojson(route),
            "waypoints": waypoints,
            "half_width_m": c.half_width_m,
        }
    return out, window


def version_hash(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the RFC 8785 canonical JSON of a version's content."""
    return hashlib.sha256(canonicalize(content)).hexdigest()


def diff(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """Field-by-field differences between two versions' content (paths like window.end)."""
    changes: list[dict[str, Any]] = []
    for key in sorted(set(old) | set(new)):
        path = f"{prefix}{key}"
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict) and key not in ("route", "area"):
            changes.extend(diff(a, b, prefix=f"{path}."))
        else:
            changes.append({"field": path, "from": a, "to": b})
    return changes

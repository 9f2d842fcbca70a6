"""A plan as CSV (one row per itinerary event, with an HXL hashtag row so humanitarian tools read
it) and as GeoJSON (RFC 7946: the depot, sites with what is brought out and left, checkpoints
with their busiest hour, and the route)."""

from __future__ import annotations

from typing import Any

from corridor.hxl import write_csv
from corridor.planning.instance import CATEGORIES, Instance

HEADER = ["vehicle", "type", "event", "place", "direction", "minute", "time",
          *CATEGORIES]
HXL = ["#meta+vehicle", "#meta+type", "#event+type", "#loc+name", "#meta+direction",
       "#meta+minute", "#date+time", "#affected+wounded", "#affected+older",
       "#affected+children", "#affected+other"]


def to_csv(inst: Instance, plan: dict[str, Any]) -> str:
    # Names of vehicles and places come from whoever wrote the instance: the shared writer
    # neutralises any that would run as a spreadsheet formula.
    rows = [[it["vehicle"], it["type"], e["event"], e["place"], e.get("direction") or "",
             e["min"], e.get("at") or "",
             *[(e.get("people") or {}).get(c, "") if e["event"] == "load" else ""
               for c in CATEGORIES]]
            for it in plan["itineraries"] for e in it["events"]]
    return write_csv(list(zip(HEADER, HXL, strict=True)), rows)


def _point(lon: float | None, lat: float | None) -> dict[str, Any] | None:
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def to_geojson(inst: Instance, plan: dict[str, Any]) -> dict[str, Any]:
    features: list[dict[str, Any]] = []

    def add(geometry: dict[str, Any] | None, props: dict[str, Any]) -> None:
        if geometry is not None:
            features.append({"type": "Feature", "geometry": geometry, "properties": props})

    add(_point(inst.depot.lon, inst.depot.lat), {"kind": "depot", "name": inst.depot.name})
    for s in inst.sites:
        add(_point(s.lon, s.lat), {
            "kind": "site", "name": s.name, "km": s.km,
            "brought_out": plan["by_site"][s.name], "left_waiting": plan["left_waiting"][s.name]})
    for c in inst.corridor.checkpoints:
        add(_point(c.lon, c.lat), {"kind": "checkpoint", "name": c.name, "km": c.km,
                                   "delay_minutes": c.delay_minutes,
                                   **plan["utilisation"]["checkpoints"].get(c.name, {})})
    if inst.corridor.route:
        add({"type": "LineString", "coordinates": [list(p) for p in inst.corridor.route]},
            {"kind": "corridor", "length_km": inst.corridor.length_km,
             "people": plan["people"], "bound": plan["bound"]["people"]})
    return {"type": "FeatureCollection", "features": features}

"""The deconfliction check of a movement as map data: its route, the stretches outside a pause in
red, the pauses the check speaks of (their corridor buffer and area), and the sites and incidents
it found near the route as markers.

The red stretches are cut from the route at the check's own points (`from`/`to` of each finding,
the lon/lat at km A and km B), projected back onto the stored line, so the map shows exactly the
stretch the words describe and no second metric computation can disagree with it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from shapely.geometry import LineString, Point
from shapely.ops import substring
from sqlalchemy.orm import Session

from corridor import clock
from corridor.deconfliction import check
from corridor.errors import CorridorError
from corridor.groups.principal import Principal
from corridor.incidents import service as incidents
from corridor.notifications.content import route_of
from corridor.notifications.models import Movement, Site
from corridor.notifications.schemas import MovementOut
from corridor.pauses import service as pauses
from corridor.pauses.lifecycle import State, shown
from corridor.web.pauses.pages import geojson as pause_geojson
from corridor.web.render import gettext

OUTSIDE = ("leaves_pause", "outside_pause")


def stretch(route: LineString, start: list[float], end: list[float]) -> LineString | None:
    """The part of `route` between two of its points (given as lon/lat), or None if empty."""
    a, b = route.project(Point(start)), route.project(Point(end))
    if b - a <= 0:
        return None
    piece = substring(route, a, b)
    return piece if isinstance(piece, LineString) and piece.length > 0 else None


def _feature(geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def pause_title(db: Session, principal: Principal, pause_id: int | None) -> str | None:
    """The title of a pause the reader may see (a movement may name one they may not)."""
    if pause_id is None:
        return None
    try:
        pause = pauses.get(db, principal=principal, pause_id=pause_id)
    except CorridorError:
        return None
    return str(json.loads(pauses.current_version(db, pause).content)["title"])


def _pause_features(request: Request, db: Session, principal: Principal, pause_id: int,
                    covering: bool) -> list[dict[str, Any]]:
    try:
        pause = pauses.get(db, principal=principal, pause_id=pause_id)
    except CorridorError:
        return []
    content = json.loads(pauses.current_version(db, pause).content)
    status = shown(State(pause.state), start=pause.window_start, end=pause.window_end,
                   now=clock.now())
    features: list[dict[str, Any]] = pause_geojson(pause, content, status)["features"]
    title = gettext(request)("Pause %(id)s: %(title)s") % {
        "id": pause.id, "title": content["title"]}
    for f in features:
        f["properties"].update(kind="pause", pause=pause.id, covering=covering,
                               url=f"/pauses/{pause.id}",
                               title=f["properties"].get("title") if f["properties"]["part"]
                               == "waypoint" else title)
    return features


def map_data(request: Request, db: Session, principal: Principal, movement: Movement,
             view: MovementOut, result: check.Result) -> dict[str, Any]:
    """One FeatureCollection: pauses under, the route, red stretches, then the markers."""
    _ = gettext(request)
    route = route_of(view.content)
    features: list[dict[str, Any]] = []
    named = [f.data["pause"] for f in result.pauses if "pause" in f.data]
    pause_ids = list(dict.fromkeys([*result.covered_by, *named,
                                    *([movement.pause_id] if movement.pause_id else [])]))
    for pause_id in pause_ids:
        features += _pause_features(request, db, principal, pause_id,
                                    pause_id in result.covered_by)
    features.append(_feature(view.route, kind="movement", part="route", status="movement",
                             title=_("Route of movement %(id)s") % {"id": movement.id}))
    for finding in result.pauses:
        if finding.code not in OUTSIDE:
            continue
        piece = stretch(route, finding.data["from"], finding.data["to"])
        if piece is None:
            continue
        features.append(_feature(
            piece.__geo_interface__, kind="outside", part="outside", status="outside",
            highlight=True, pause=finding.data["pause"],
            from_km=finding.data["from_km"], to_km=finding.data["to_km"],
            title=_("Outside pause %(id)s: km %(a)s to km %(b)s") % {
                "id": finding.data["pause"], "a": f"{finding.data['from_km']:.1f}",
                "b": f"{finding.data['to_km']:.1f}"}))
    for finding in result.sites:
        site = db.get(Site, finding.data["site"])  # the check considered only visible sites
        if site is not None:
            features.append(_feature(
                {"type": "Point", "coordinates": [site.lon, site.lat]}, kind="site",
                part="site", status="site", url=f"/sites/{site.id}", title=site.name))
    for finding in result.incidents:
        try:
            incident = incidents.get(db, principal=principal,
                                     incident_id=finding.data["incident"])
        except CorridorError:
            continue
        features.append(_feature(
            {"type": "Point", "coordinates": [incident.lon, incident.lat]}, kind="incident",
            part="incident", status="incident", url=f"/incidents/{incident.id}",
            title=_("Incident %(id)s") % {"id": incident.id}))
    return {"type": "FeatureCollection", "features": features}

"""Normalising a notice into the content that is stored, hashed and acknowledged: what a party
receives is exactly what the log commits to, whichever client sent it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shapely.geometry import LineString, Point, shape

from corridor.errors import InvalidInput
from corridor.geo.gazetteer import Gazetteer
from corridor.geo.metric import length_km
from corridor.geo.validate import parse_geometry, to_geojson
from corridor.log.canonical import canonicalize
from corridor.notifications.schemas import MovementIn, SiteIn
from corridor.pauses.window import iso_utc
from corridor.places.service import default_gazetteer
from corridor.zones import require_aware

# Longer than any convoy the group plans at once; a typo in the year is caught here.
MAX_MOVEMENT = timedelta(days=14)
LINE = frozenset({"LineString"})


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the RFC 8785 canonical JSON of a notice's content."""
    return hashlib.sha256(canonicalize(content)).hexdigest()


def _name(value: str, field: str) -> str:
    name = value.strip()
    if not name:
        raise InvalidInput(f"{field} must not be blank", field=field)
    return name


def site_content(body: SiteIn, *, organisation: str) -> dict[str, Any]:
    """A site as stored and hashed (its point given as lon/lat: see `site_at_place`)."""
    if body.lon is None or body.lat is None:
        raise InvalidInput("give the site's lon and lat, or a place name", field="/lon")
    point = to_geojson(Point(body.lon, body.lat))
    content = {"organisation": organisation, "name": _name(body.name, "/name"), "type": body.type,
               "location": point, "people_present": body.people_present}
    if body.place is not None:
        content["place"] = body.place.strip()
    return content


def site_at_place(body: SiteIn, places: Callable[[], Gazetteer]) -> SiteIn:
    """The site with its point: as given, or looked up from its place name."""
    if body.place is None:
        if body.lon is None or body.lat is None:
            raise InvalidInput("give the site's point as lon and lat, or as a place name (place)",
                               field="/lon" if body.lon is None else "/lat")
        return body
    if body.lon is not None or body.lat is not None:
        raise InvalidInput("give the site's point as lon and lat or as a place name, not both",
                           field="/place")
    found = places().lookup(_name(body.place, "/place"), field="/place")
    return body.model_copy(update={"lon": found.lon, "lat": found.lat})


@dataclass(frozen=True)
class MovementContent:
    content: dict[str, Any]
    route: LineString
    departure: datetime
    arrival: datetime
    length_km: float


def _via(names: list[str], places: Gazetteer) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    waypoints = []
    for i, raw in enumerate(names):
        place = places.lookup(_name(raw, f"/via/{i}"), field=f"/via/{i}")
        waypoints.append({"name": raw.strip(), "place": place.name, "country": place.country,
                          "lon": place.lon, "lat": place.lat})
    line = {"type": "LineString", "coordinates": [[w["lon"], w["lat"]] for w in waypoints]}
    return line, waypoints


def _route(body: MovementIn, max_vertices: int, places: Callable[[], Gazetteer]
           ) -> tuple[LineString, list[dict[str, Any]]]:
    if (body.route is None) == (body.via is None):
        raise InvalidInput("give the route either as GeoJSON (route) or as place names (via), "
                           "exactly one of them", field="/route")
    waypoints: list[dict[str, Any]] = []
    raw: Any = body.route
    field = "/route"
    if body.via is not None:
        raw, waypoints = _via(body.via, places())
        field = "/via"
    geom = parse_geometry(raw, field=field, allowed=LINE, max_vertices=max_vertices)
    # Checked again after rounding to 7 decimals, so what is stored is itself a valid route.
    rounded = to_geojson(geom)
    line = parse_geometry(rounded, field=field, allowed=LINE, max_vertices=max_vertices)
    assert isinstance(line, LineString)
    return line, waypoints


def movement_content(body: MovementIn, *, organisation: str, max_vertices: int, now: datetime,
                     places: Callable[[], Gazetteer] = default_gazetteer) -> MovementContent:
    """A movement as stored and hashed, or InvalidInput naming the field that is wrong."""
    departure = require_aware(body.departure, field="/departure").astimezone(UTC)
    arrival = require_aware(body.arrival, field="/arrival").astimezone(UTC)
    departure, arrival = departure.replace(microsecond=0), arrival.replace(microsecond=0)
    if arrival <= departure:
        raise InvalidInput(f"the arrival ({iso_utc(arrival)}) must be after the departure "
                           f"({iso_utc(departure)})", field="/arrival")
    if arrival - departure > MAX_MOVEMENT:
        raise InvalidInput(f"a movement may last at most {MAX_MOVEMENT.days} days; notify "
                           "longer ones in stages", field="/arrival")
    if arrival <= now:
        raise InvalidInput(f"the arrival ({iso_utc(arrival)}) has already passed; notify "
                           "movements that are planned or under way", field="/arrival")
    route, waypoints = _route(body, max_vertices, places)
    km = length_km(route)
    content = {
        "organisation": organisation,
        "route": to_geojson(route),
        "waypoints": waypoints,
        "length_km": round(km, 3),
        "departure": iso_utc(departure),
        "arrival": iso_utc(arrival),
        "vehicles": {"count": body.vehicles.count, "type": _name(body.vehicles.type,
                                                                 "vehicles.type"),
                     "marking": body.vehicles.marking.strip()},
        "staff": body.staff,
        "passengers": body.passengers,
        "cargo": body.cargo.strip(),
        "pause": body.pause,
        "emergency": body.emergency,
    }
    return MovementContent(content, route, departure, arrival, km)


def route_of(content: dict[str, Any]) -> LineString:
    """The stored route as a shapely line (already validated when notified)."""
    line = shape(content["route"])
    assert isinstance(line, LineString)
    return line

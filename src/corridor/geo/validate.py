"""Refuse bad GeoJSON geometry (RFC 7946, lon/lat) at the edge, saying what is wrong and where."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import shapely
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from shapely.geometry.base import BaseGeometry

from corridor.errors import InvalidInput

# Depth of nesting of positions under "coordinates" for each supported type.
_DEPTH = {
    "Point": 0, "MultiPoint": 1, "LineString": 1,
    "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3,
}
# ~1 cm on the ground: finer digits are client noise, and make equal shapes hash differently.
DECIMALS = 7
_WHERE = re.compile(r"\[\s*(\S+)\s+(\S+)\s*\]")

Coords = list[Any] | tuple[Any, ...]


def _refuse(field: str, pointer: str, what: str, **extra: Any) -> InvalidInput:
    detail = f"{field}{pointer}: {what}"
    # A pointer-named field (an API body member) points at the very coordinate.
    where = field + pointer if field.startswith("/") else field
    return InvalidInput(detail, field=where, extra={"pointer": pointer, **extra})


def _count_vertices(coords: Any, depth: int, limit: int) -> int:
    """Count positions from list lengths alone, stopping as soon as the limit is passed."""
    if depth == 0:
        return 1
    if depth == 1:
        return len(coords) if isinstance(coords, list | tuple) else 0
    total = 0
    for part in coords if isinstance(coords, list | tuple) else ():
        # An empty part still costs a step, so a million of them are cut short too.
        total += max(_count_vertices(part, depth - 1, limit), 1)
        if total > limit:
            break
    return total


def _number(value: Any, field: str, pointer: str) -> float:
    # bool is an int in Python but never a coordinate; strings are not silently converted.
    if type(value) not in (int, float):
        raise _refuse(field, pointer, f"expected a number, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise _refuse(field, pointer, "coordinates must be finite numbers")
    return number


def _position(raw: Any, field: str, pointer: str) -> tuple[float, float]:
    if not isinstance(raw, list | tuple) or not 2 <= len(raw) <= 3:
        raise _refuse(field, pointer, "a position must be [longitude, latitude] or with altitude")
    lon = _number(raw[0], field, f"{pointer}/0")
    lat = _number(raw[1], field, f"{pointer}/1")
    if len(raw) == 3:
        _number(raw[2], field, f"{pointer}/2")  # altitude is checked, then dropped: pauses are 2D
    if not -180.0 <= lon <= 180.0:
        raise _refuse(field, f"{pointer}/0", f"longitude {lon} is outside [-180, 180]")
    if not -90.0 <= lat <= 90.0:
        raise _refuse(field, f"{pointer}/1", f"latitude {lat} is outside [-90, 90]")
    return lon, lat


def _positions(raw: Any, field: str, pointer: str) -> list[tuple[float, float]]:
    if not isinstance(raw, list | tuple):
        raise _refuse(field, pointer, "expected an array of positions")
    return [_position(p, field, f"{pointer}/{i}") for i, p in enumerate(raw)]


def _parts(raw: Any, field: str, pointer: str, what: str) -> Coords:
    if not isinstance(raw, list | tuple) or not raw:
        raise _refuse(field, pointer, f"expected a non-empty array of {what}")
    return raw


def _line(raw: Any, field: str, pointer: str) -> LineString:
    points = _positions(raw, field, pointer)
    if len(set(points)) < 2:
        raise _refuse(field, pointer, "a line needs at least two distinct positions")
    line = LineString(points)
    if not line.is_simple:
        raise _self_intersection(line, field, pointer)
    return line


def _self_intersection(line: LineString, field: str, pointer: str) -> InvalidInput:
    """Name the first pair of segments that cross or overlap, and where."""
    coords = shapely.get_coordinates(line)
    # Repeated vertices make zero-length segments that would "touch" everything around them;
    # skip them but keep the original vertex numbers for the message.
    keep = np.flatnonzero(np.r_[True, (coords[1:] != coords[:-1]).any(axis=1)])
    ends = coords[keep]
    segments = shapely.linestrings(np.stack([ends[:-1], ends[1:]], axis=1))
    pairs = shapely.STRtree(segments).query(segments, predicate="intersects").T
    closed = bool((ends[0] == ends[-1]).all())
    last = len(segments) - 1
    for i, j in sorted((int(a), int(b)) for a, b in pairs if a < b):
        meet = segments[i].intersection(segments[j])
        # Neighbouring segments share a vertex (so do a closed line's ends): only more is bad.
        sharing = j == i + 1 or (closed and (i, j) == (0, last))
        if sharing and meet.geom_type == "Point":
            continue
        at = shapely.get_coordinates(meet)[0]
        first, second = int(keep[i]), int(keep[j])
        return _refuse(
            field, f"{pointer}/{second}",
            f"the line crosses itself near ({at[0]:.6f}, {at[1]:.6f}): the segment from "
            f"position {first} meets the segment from position {second}",
            location=[float(at[0]), float(at[1])],
        )
    return _refuse(field, pointer, "the line crosses itself")


def _ring(raw: Any, field: str, pointer: str) -> list[tuple[float, float]]:
    points = _positions(raw, field, pointer)
    if len(points) < 4:
        raise _refuse(field, pointer, "a ring needs at least four positions")
    if points[0] != points[-1]:
        raise _refuse(field, pointer, "a ring must be closed: last position equal to the first")
    return points


def _polygon(raw: Any, field: str, pointer: str) -> Polygon:
    parts = _parts(raw, field, pointer, "rings")
    rings = [_ring(r, field, f"{pointer}/{i}") for i, r in enumerate(parts)]
    return Polygon(rings[0], rings[1:])


def _invalid_polygon(geom: Polygon | MultiPolygon, field: str) -> InvalidInput:
    """Say why GEOS finds the polygon invalid, which part it is, and where."""
    pointer = "/coordinates"
    if isinstance(geom, MultiPolygon):
        bad = [i for i, part in enumerate(geom.geoms) if not part.is_valid]
        # When every part is valid on its own, the parts overlap each other.
        if bad:
            pointer, geom = f"{pointer}/{bad[0]}", geom.geoms[bad[0]]
    reason = shapely.is_valid_reason(geom)
    extra: dict[str, Any] = {"reason": reason.split("[")[0]}
    what = f"invalid polygon: {extra['reason'].lower()}"
    where = _WHERE.search(reason)
    if where:
        extra["location"] = [float(where.group(1)), float(where.group(2))]
        what += f" near ({where.group(1)}, {where.group(2)})"
    return _refuse(field, pointer, what, **extra)


def _build(kind: str, coords: Any, field: str) -> BaseGeometry:
    base = "/coordinates"
    if kind == "Point":
        return Point(_position(coords, field, base))
    if kind == "MultiPoint":
        return MultiPoint(_positions(_parts(coords, field, base, "positions"), field, base))
    if kind == "LineString":
        return _line(coords, field, base)
    if kind == "MultiLineString":
        parts = _parts(coords, field, base, "lines")
        return MultiLineString([_line(p, field, f"{base}/{i}") for i, p in enumerate(parts)])
    if kind == "Polygon":
        return _polygon(coords, field, base)
    parts = _parts(coords, field, base, "polygons")
    return MultiPolygon([_polygon(p, field, f"{base}/{i}") for i, p in enumerate(parts)])


def parse_geometry(
    geojson: Any, *, field: str, allowed: frozenset[str], max_vertices: int
) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry object, or InvalidInput naming what and where."""
    accepted = ", ".join(sorted(allowed))
    if not isinstance(geojson, dict) or not isinstance(geojson.get("type"), str):
        raise _refuse(field, "", f"expected a GeoJSON geometry object ({accepted})")
    kind = geojson["type"]
    if kind not in allowed or kind not in _DEPTH:
        raise _refuse(field, "/type", f"type {kind!r} is not accepted here; expected {accepted}")
    if "coordinates" not in geojson:
        raise _refuse(field, "/coordinates", "missing")
    coords = geojson["coordinates"]
    count = _count_vertices(coords, _DEPTH[kind], max_vertices)
    if count > max_vertices:
        raise _refuse(
            field, "/coordinates", f"more than {max_vertices} vertices", max_vertices=max_vertices
        )
    geom = _build(kind, coords, field)
    if isinstance(geom, Polygon | MultiPolygon) and not geom.is_valid:
        raise _invalid_polygon(geom, field)
    return geom


def parse_point(lon: Any, lat: Any, *, field: str) -> Point:
    """A Point from separate longitude and latitude inputs, checked like any GeoJSON position."""
    return Point(_position([lon, lat], field, ""))


def _rounded(coords: Any) -> Any:
    if isinstance(coords, tuple) and coords and isinstance(coords[0], float):
        # `+ 0.0` turns -0.0 into 0.0 so equal shapes serialise identically.
        return [round(c, DECIMALS) + 0.0 for c in coords[:2]]
    return [_rounded(c) for c in coords]


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """RFC 7946 GeoJSON: exterior rings counter-clockwise, holes clockwise, at most 7 decimals."""
    oriented = shapely.orient_polygons(geom, exterior_cw=False)
    mapped = shapely.geometry.mapping(oriented)
    if mapped["type"] == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [to_geojson(g) for g in shapely.get_parts(oriented)],
        }
    return {"type": mapped["type"], "coordinates": _rounded(mapped["coordinates"])}

"""Lengths, distances and buffers in metres on WGS84, never in degrees.

Each measure works in a local azimuthal-equidistant plane centred on the features at hand (scale
error under 0.03 % within 250 km of the centre), and reports distances as geodesics between the
nearest points found there, so results agree with `pyproj.Geod` to well within 0.1 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from corridor.errors import InvalidInput

GEOD = Geod(ellps="WGS84")
# RFC 7946 edges are straight in lon/lat; densified this finely (~2 km) before projecting, they stay
# within ~0.1 m of that straight line in the plane.
DENSIFY_DEG = 0.02
# And the other way: buffer edges straight in the plane are densified before going back to lon/lat.
_DENSIFY_M = 1000.0
# Centres are rounded so nearby features share a cached transformer; 0.1° moves a centre < 6 km.
_CENTRE_STEP = 0.1

# Metres per degree at their smallest: of latitude (the meridian radius at the equator), and of
# longitude on the equator before the cos(latitude) shrink.
_M_PER_DEG_LAT_MIN = 6_335_439.0 * math.pi / 180
_M_PER_DEG_LON_EQ = 6_378_137.0 * math.pi / 180

Geometries = Sequence[BaseGeometry] | np.ndarray[Any, np.dtype[np.object_]]


@lru_cache(maxsize=1024)
def _transformer(lon0: float, lat0: float) -> Transformer:
    # A bare PROJ pipeline builds in ~0.1 ms (a CRS-to-CRS search takes ~6 ms); pyproj >= 3.1 makes
    # a cached transformer safe to share across threads.
    return Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84"
    )


class _Plane:
    """A local azimuthal-equidistant plane, in metres, around the bounds of some geometries."""

    def __init__(self, *geoms: BaseGeometry | Geometries) -> None:
        bounds = [shapely.total_bounds(np.asarray(g, dtype=object)) for g in geoms]
        west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
        east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
        lon0 = round((west + east) / 2 / _CENTRE_STEP) * _CENTRE_STEP
        lat0 = round((south + north) / 2 / _CENTRE_STEP) * _CENTRE_STEP
        self._proj = _transformer(round(lon0, 1), round(lat0, 1))

    def to_plane(self, geom: Any) -> Any:
        dense = shapely.segmentize(geom, DENSIFY_DEG)
        return shapely.transform(dense, self._forward)

    def to_lonlat(self, geom: Any) -> Any:
        dense = shapely.segmentize(geom, _DENSIFY_M)
        return shapely.transform(dense, self._inverse)

    def lonlat(self, x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> tuple[Any, Any]:
        return self._proj.transform(x, y, direction="INVERSE")

    def _forward(self, xy: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.column_stack(self._proj.transform(xy[:, 0], xy[:, 1]))

    def _inverse(self, xy: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.column_stack(self.lonlat(xy[:, 0], xy[:, 1]))


def length_km(line: BaseGeometry) -> float:
    """Geodesic length of a (Multi)LineString in km, following its lon/lat-straight edges."""
    return float(GEOD.geometry_length(shapely.segmentize(line, DENSIFY_DEG))) / 1000.0


def degrees_for(geom: BaseGeometry, metres: float) -> float:
    """A radius in degrees that surely covers `metres` around `geom`, whatever the direction."""
    reach = metres / _M_PER_DEG_LAT_MIN
    _, south, _, north = geom.bounds
    lat = min(89.9, max(abs(south), abs(north)) + reach)
    per_degree = min(_M_PER_DEG_LAT_MIN, _M_PER_DEG_LON_EQ * math.cos(math.radians(lat)))
    return metres / per_degree * 1.001 + 1e-9


def degrees_for_xy(geom: BaseGeometry, metres: float) -> tuple[float, float]:
    """(longitude, latitude) radii in degrees that surely cover `metres` around `geom`: as
    `degrees_for`, but a degree of latitude is never shorter than the meridian's least, so the
    latitude one is tighter away from the equator."""
    return degrees_for(geom, metres), metres / _M_PER_DEG_LAT_MIN * 1.001 + 1e-9


def distances_m(
    geom: BaseGeometry, others: Geometries, *, up_to_m: float | None = None
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Metres from `geom` to each of `others` (0 where they touch), in one vectorised pass.

    The plane is centred on `geom`, so `others` should lie within a few hundred km of it; the
    distance is the geodesic between the nearest points found there.

    With `up_to_m`, distances beyond it may come back as infinity: `geom` is then clipped near each
    of `others` first, which keeps a long route cheap against a few nearby areas.
    """
    items = np.asarray(others, dtype=object)
    result = np.full(len(items), np.inf)
    if up_to_m is None:
        pieces, ok = np.full(len(items), geom, dtype=object), np.ones(len(items), dtype=bool)
    else:
        pad = degrees_for(geom, up_to_m)
        b = shapely.bounds(items) + np.array([-pad, -pad, pad, pad])
        pieces = shapely.intersection(geom, shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3]))
        ok = ~shapely.is_empty(pieces)
        # And the same the other way: only the parts of each other near the piece can be nearest.
        b = shapely.bounds(pieces[ok]) + np.array([-pad, -pad, pad, pad])
        items = items.copy()
        items[ok] = shapely.intersection(items[ok], shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3]))
        ok &= ~shapely.is_empty(items)
    if not ok.any():
        return result
    plane = _Plane(geom)
    here, there = plane.to_plane(pieces[ok]), plane.to_plane(items[ok])
    ends = shapely.get_coordinates(shapely.shortest_line(here, there)).reshape(-1, 2, 2)
    lon, lat = plane.lonlat(ends[:, :, 0], ends[:, :, 1])
    result[ok] = GEOD.inv(lon[:, 0], lat[:, 0], lon[:, 1], lat[:, 1])[2]
    return result


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Metres between two lon/lat geometries (0 where they touch)."""
    if isinstance(a, Point) and isinstance(b, Point):
        return float(GEOD.inv(a.x, a.y, b.x, b.y)[2])
    return float(distances_m(a, [b])[0])


def buffer_m(
    geom: BaseGeometry, metres: float, *, field: str = "half_width_m"
) -> Polygon | MultiPolygon:
    """The lon/lat area within `metres` of `geom`: a corridor from its route and half-width."""
    if not (isinstance(metres, int | float) and math.isfinite(metres) and metres > 0):
        raise InvalidInput(f"{field}: must be a positive number of metres", field=field)
    plane = _Plane(geom)
    grown = plane.to_lonlat(plane.to_plane(geom).buffer(metres, quad_segs=16))
    assert isinstance(grown, Polygon | MultiPolygon)
    return grown


def km_along(line: LineString, point: BaseGeometry) -> float:
    """Kilometres from the start of `line` to the point of it nearest to `point`."""
    plane = _Plane(line)
    flat = plane.to_plane(line)
    fraction = float(flat.project(plane.to_plane(point), normalized=True))
    return fraction * length_km(line)


_ALONG_CHUNK = 8


class Along:
    """Kilometres along one line, prepared once and reused for many points: its local plane, its
    segments there with their cumulative lengths, and its geodesic length (`km_along_many` gives
    the same values, preparing the line on each call)."""

    def __init__(self, line: BaseGeometry) -> None:
        self._plane = _Plane(line)
        dense = shapely.segmentize(line, DENSIFY_DEG)
        lonlat = shapely.get_coordinates(dense)
        if isinstance(dense, LineString):  # `length_km` without another walk through shapely
            self.km = float(GEOD.line_length(np.ascontiguousarray(lonlat[:, 0]),
                                             np.ascontiguousarray(lonlat[:, 1]))) / 1000.0
        else:
            self.km = length_km(line)
        flat = self._plane._forward(lonlat)
        self._start, self._step = flat[:-1], flat[1:] - flat[:-1]
        self._lengths = np.hypot(self._step[:, 0], self._step[:, 1])
        self._before = np.concatenate(([0.0], np.cumsum(self._lengths)))
        self._total = float(self._lengths.sum())
        squared = self._lengths * self._lengths
        self._by = np.where(squared > 0, squared, 1.0)
        self._x0, self._y0 = np.ascontiguousarray(flat[:-1, 0]), np.ascontiguousarray(flat[:-1, 1])
        self._dx, self._dy = np.ascontiguousarray(self._step[:, 0]), np.ascontiguousarray(
            self._step[:, 1])
        # Segments in chunks, each with its box and first vertex, to compare a point with the few
        # chunks near it rather than with every segment.
        chunks = np.arange(0, len(self._lengths), _ALONG_CHUNK)
        ends = flat[1:]
        if len(chunks):
            self._lo = np.minimum(np.minimum.reduceat(self._start, chunks),
                                  np.minimum.reduceat(ends, chunks))
            self._hi = np.maximum(np.maximum.reduceat(self._start, chunks),
                                  np.maximum.reduceat(ends, chunks))
        else:
            self._lo = self._hi = np.empty((0, 2))
        self._first = self._start[chunks]

    def km_of(self, lon: Any, lat: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Kilometres from the start to the point of the line nearest to each (lon, lat)."""
        lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
        if not len(lon):
            return np.empty(0)
        if self._total <= 0:
            return np.zeros(len(lon))
        x, y = self._plane._proj.transform(lon, lat)
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        point, seg = self._candidates(x, y)
        wx, wy = x[point] - self._x0[seg], y[point] - self._y0[seg]
        sx, sy = self._dx[seg], self._dy[seg]
        t = np.clip((wx * sx + wy * sy) / self._by[seg], 0.0, 1.0)
        gap = (wx - t * sx) ** 2 + (wy - t * sy) ** 2
        # The nearest segment of each point, and of equally near ones the first along the line
        # (candidates come point by point, in line order).
        change = (point[1:] != point[:-1]).nonzero()[0] + 1
        starts = np.concatenate(([0], change))  # every point has some candidates
        least = np.minimum.reduceat(gap, starts)
        at = (gap == np.repeat(least, np.diff(np.concatenate((starts, [len(gap)]))))).nonzero()[0]
        mark = point[at]
        first = at[np.concatenate(([True], mark[1:] != mark[:-1]))]
        best, lengths = seg[first], self._lengths
        t = np.clip((wx[first] * self._dx[best] + wy[first] * self._dy[best])
                    / np.where(lengths[best] > 0, lengths[best] ** 2, 1.0), 0.0, 1.0)
        along: np.ndarray[Any, np.dtype[np.float64]] = (
            (self._before[best] + t * lengths[best]) / self._total)
        return along * self.km

    def _candidates(self, x: Any, y: Any) -> tuple[Any, Any]:
        """(point, segment) pairs that may hold each point's nearest segment, by point and then
        in line order: the segments of every chunk whose box is no farther from the point than
        some vertex of the line is (a bound that holds whatever the rounding, with its slack)."""
        lo, hi, first = self._lo, self._hi, self._first
        dx = np.maximum(np.maximum(lo[:, 0] - x[:, None], x[:, None] - hi[:, 0]), 0.0)
        dy = np.maximum(np.maximum(lo[:, 1] - y[:, None], y[:, None] - hi[:, 1]), 0.0)
        low = dx * dx + dy * dy
        upper = ((x[:, None] - first[:, 0]) ** 2 + (y[:, None] - first[:, 1]) ** 2).min(axis=1)
        point, chunk = (low <= upper[:, None] * (1 + 1e-6) + 1.0).nonzero()
        seg = (chunk * _ALONG_CHUNK)[:, None] + np.arange(_ALONG_CHUNK)
        point = np.broadcast_to(point[:, None], seg.shape)
        real = seg < len(self._lengths)
        return point[real], seg[real]


def point_at_km(line: LineString, km: float) -> Point:
    """The point `km` kilometres along `line` (clamped to its ends): where to show a km mark."""
    plane = _Plane(line)
    flat = plane.to_plane(line)
    fraction = min(max(km / length_km(line), 0.0), 1.0)
    at = flat.interpolate(fraction, normalized=True)
    lon, lat = plane.lonlat(np.array([at.x]), np.array([at.y]))
    return Point(float(lon[0]), float(lat[0]))


def _merged(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + 1e-9:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def segments_outside(
    route: LineString, area: BaseGeometry, *, tolerance_m: float = 1.0
) -> list[tuple[float, float]]:
    """(km from, km to) of each stretch of `route` outside `area`, merged and in route order.

    The tolerance absorbs noise (7-decimal storage is ~1 cm, the projection round trip < 1 mm) so a
    route drawn along the edge of an area is not reported as leaving it.
    """
    if not tolerance_m >= 0:
        raise ValueError(f"tolerance_m must be 0 or more, not {tolerance_m}")
    plane = _Plane(route)
    flat = plane.to_plane(route)
    # Only the area near the route matters; clipping first keeps a country-sized area cheap.
    margin = degrees_for(route, tolerance_m) + 0.01
    west, south, east, north = route.bounds
    near = area.intersection(box(west - margin, south - margin, east + margin, north + margin))
    inside = plane.to_plane(near)
    if tolerance_m > 0 and not inside.is_empty:
        inside = inside.buffer(tolerance_m)
    total = flat.length
    scale = length_km(route) / total
    intervals = []
    for part in shapely.get_parts(flat.difference(inside)):
        if part.length <= 0:
            continue
        start = float(flat.project(Point(shapely.get_coordinates(part)[0])))
        # Difference keeps the route's direction; the end follows from the start so that a route
        # returning to its start (closed) does not project its last point back to km 0.
        end = min(start + part.length, total)
        intervals.append((start * scale, end * scale))
    return _merged(intervals)


def pause_zone(area: BaseGeometry | None, corridor: LineString | None,
               half_width_m: float) -> tuple[BaseGeometry, str]:
    """Where a pause holds: its area and its corridor route widened by the half-width."""
    parts, names = [], []
    if corridor is not None:
        parts.append(buffer_m(corridor, half_width_m))
        names.append("corridor")
    if area is not None:
        parts.append(area)
        names.append("area")
    if not parts:
        raise ValueError("a pause has an area, a corridor, or both")
    return unary_union(parts), " and ".join(names)

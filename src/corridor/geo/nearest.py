"""Vectorised nearest-point search from many points to a route's segments, for the spatial index.

Each point is compared only with the few segments of the route chunks whose boxes it fell in,
in a local equirectangular frame scaled by the WGS84 radii halfway between point and segment
(cheap; its error grows like (d / R)², 4e-5 at 50 km); the foot point it picks then gets an exact
geodesic distance from `pyproj.Geod`, so results agree with `metric.distance_m`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from corridor.geo.metric import DENSIFY_DEG, GEOD

Array = np.ndarray[Any, Any]
CHUNK = 8  # segments per box: tight boxes along a route, few pairs to compare
_A = 6_378_137.0
_E2 = 0.00669437999014
_RAD = math.pi / 180


@dataclass(frozen=True)
class Segments:
    """A point or lineal geometry cut into segments (lon/lat), grouped in chunks of CHUNK."""

    start: Array  # (n, 2)
    end: Array  # (n, 2)
    chunks: Array  # index of each chunk's first segment; chunk c is [chunks[c], chunks[c+1])
    stops: Array  # one past each chunk's last segment
    # Columns of the starts and the steps in degrees, contiguous for the gathers in `nearest`.
    lon: Array = field(init=False, repr=False, compare=False)
    lat: Array = field(init=False, repr=False, compare=False)
    dlon: Array = field(init=False, repr=False, compare=False)
    dlat: Array = field(init=False, repr=False, compare=False)

    @staticmethod
    def of(geom: BaseGeometry) -> Segments | None:
        """The segments of a (Multi)Point or (Multi)LineString; None for anything with an area."""
        kind = geom.geom_type
        if kind not in ("Point", "MultiPoint", "LineString", "MultiLineString"):
            return None
        dense = shapely.segmentize(geom, DENSIFY_DEG)
        parts = [dense] if kind in ("Point", "LineString") else shapely.get_parts(dense)
        starts, ends, chunks, stops, count = [], [], [], [], 0
        for part in parts:
            xy = shapely.get_coordinates(part)
            a, b = (xy, xy) if len(xy) == 1 else (xy[:-1], xy[1:])
            first = np.arange(0, len(a), CHUNK) + count
            count += len(a)
            starts.append(a)
            ends.append(b)
            chunks.append(first)
            stops.append(np.minimum(first + CHUNK, count))
        if len(starts) == 1:
            return Segments(starts[0], ends[0], chunks[0], stops[0])
        return Segments(
            np.concatenate(starts), np.concatenate(ends), np.concatenate(chunks),
            np.concatenate(stops),
        )

    def __post_init__(self) -> None:
        lon, lat = np.ascontiguousarray(self.start[:, 0]), np.ascontiguousarray(self.start[:, 1])
        object.__setattr__(self, "lon", lon)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "dlon", self.end[:, 0] - lon)
        object.__setattr__(self, "dlat", self.end[:, 1] - lat)

    def boxes(self, pad: float | tuple[float, float]) -> Array:
        """One box per chunk, grown by `pad` degrees on every side (or by (east-west,
        north-south) pads)."""
        lo = np.minimum(
            np.minimum.reduceat(self.start, self.chunks), np.minimum.reduceat(self.end, self.chunks)
        )
        hi = np.maximum(
            np.maximum.reduceat(self.start, self.chunks), np.maximum.reduceat(self.end, self.chunks)
        )
        grow = np.asarray(pad, dtype=np.float64)
        lo, hi = lo - grow, hi + grow
        return np.asarray(shapely.box(lo[:, 0], lo[:, 1], hi[:, 0], hi[:, 1]))

    def nearest(self, chunk: Array, lon: Array, lat: Array) -> tuple[Array, Array, Array]:
        """For each (chunk, point) pair: approximate metres to the chunk, and the foot lon/lat."""
        lon0, lat0, dlon, dlat = self.lon, self.lat, self.dlon, self.dlat
        last = self.stops[chunk][:, None] - 1
        seg = np.minimum(self.chunks[chunk][:, None] + np.arange(CHUNK), last)
        ax, ay = lon0[seg], lat0[seg]
        # Scales at the latitude halfway between point and segment: with the point's own, the
        # frame drifts enough over tens of km to pick the wrong one of two near-equal segments.
        phi = np.radians(lat)
        w = 1.0 - _E2 * np.sin(phi) ** 2
        ky = (_A * _RAD * (1.0 - _E2) / w**1.5)[:, None]  # metres per degree of latitude
        kx = (_A * _RAD * np.cos(phi) / np.sqrt(w))[:, None]  # and of longitude, at the point
        kx = kx * (1.0 - np.tan(phi)[:, None] * np.radians(ay - lat[:, None]) / 2)  # halfway
        dx = dlon[seg] * kx
        dy = dlat[seg] * ky
        wx = (lon[:, None] - ax) * kx
        wy = (lat[:, None] - ay) * ky
        dd = dx * dx + dy * dy
        t = np.clip((wx * dx + wy * dy) / np.where(dd > 0, dd, 1.0), 0.0, 1.0)
        gap = (wx - t * dx) ** 2 + (wy - t * dy) ** 2
        best = np.argmin(gap, axis=1)
        rows = np.arange(len(best))
        s, tb = seg[rows, best], t[rows, best]
        foot_lon = lon0[s] + tb * dlon[s]
        foot_lat = lat0[s] + tb * dlat[s]
        return np.sqrt(gap[rows, best]), foot_lon, foot_lat


def margin(metres: float, lat: float) -> float:
    """How much the local frame may under-estimate a distance up to `metres` near latitude `lat`."""
    # The longitude scale drifts by ~Δφ·tan φ across the distance; 1 % more covers the rest.
    drift = metres / 6_300_000.0 * (1.0 + math.tan(math.radians(min(abs(lat), 89.0))))
    return 1.01 + 2.0 * drift


def point_hits(
    segments: Segments, chunk: Array, code: Array, lon: Array, lat: Array, metres: float
) -> tuple[Array, Array]:
    """Rows (into the pair arrays) of the points within `metres`, and their geodesic distances.

    Pairs are (chunk, point) with `code` naming the point, so a point met by several chunks is
    reported once, at its nearest.
    """
    if not len(code):
        return np.empty(0, dtype=np.intp), np.empty(0)
    approx, foot_lon, foot_lat = segments.nearest(chunk, lon, lat)
    order = np.lexsort((approx, code))
    ordered = code[order]
    first = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    rows = order[first]
    top = float(np.abs(lat).max()) if len(lat) else 0.0
    rows = rows[approx[rows] <= metres * margin(metres, top) + 1.0]
    _, _, exact = GEOD.inv(lon[rows], lat[rows], foot_lon[rows], foot_lat[rows])
    exact = np.asarray(exact, dtype=np.float64)
    keep = exact <= metres
    return rows[keep], exact[keep]

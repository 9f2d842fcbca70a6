"""Geometry the tests use as a reference; nothing in Corridor itself needs it."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from corridor.geo.metric import Along, Geometries, segments_outside


def km_along_many(line: LineString, points: Geometries) -> np.ndarray[Any, np.dtype[np.float64]]:
    """`km_along` for many points at once (`Along`): one projection of the line, each point's
    nearest segment from a vectorised comparison with the segments of the chunks near it
    (GEOS's project walks the whole line per point)."""
    items = np.asarray(points, dtype=object)
    if not len(items):
        return np.empty(0)
    xy = shapely.get_coordinates(items)
    return Along(line).km_of(xy[:, 0], xy[:, 1])


def route_within(route: LineString, area: BaseGeometry, *, tolerance_m: float = 1.0) -> bool:
    """Whether every part of `route` is inside `area`, give or take `tolerance_m`."""
    return not segments_outside(route, area, tolerance_m=tolerance_m)

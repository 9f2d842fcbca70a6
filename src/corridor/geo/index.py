"""One spatial index of a contact group's features (sites, incidents, pauses...) for fast questions.

Design: shapely's STRtree is immutable and rebuilding one over 100,000 points costs ~30 ms, far
more than a query may take, so each kind of feature keeps a packed STRtree over a snapshot plus an
unindexed overlay of the changes since (upserts, and tombstones for replaced or removed entries).
A query asks the tree, drops tombstoned hits, and scans the overlay with a vectorised bounding-box
test; once the overlay outgrows max(512, 1/32 of the snapshot) the next query rebuilds the tree, so
rebuild cost is amortised over many changes and the overlay scan stays in the microseconds.
A route is looked up as chunks of a few segments (tight boxes instead of one long diagonal
envelope) grown by a radius in degrees that is conservative at that latitude; point features
(the bulk) are measured against their chunks' segments only (`nearest.py`), anything else in one
vectorised `metric.distances_m` pass, and every distance reported is geodesic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from corridor.geo.metric import degrees_for, distances_m
from corridor.geo.nearest import Segments, point_hits

Array = np.ndarray[Any, Any]
_POINT = 0  # shapely's type id of Point


class Hit(NamedTuple):
    """A feature found by a query; distance_m is 0 for containment and intersection."""

    kind: str
    id: str
    distance_m: float


_NEAREST_FIRST = itemgetter(2, 0, 1)


def _part_boxes(geom: BaseGeometry, pad: float) -> Array:
    b = shapely.bounds(shapely.get_parts(geom)) + np.array([-pad, -pad, pad, pad])
    return np.asarray(shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3]))


class _Layer:
    """One kind's features: a packed STRtree over a snapshot plus the changes since it."""

    def __init__(self) -> None:
        self.ids: Array = np.empty(0, dtype=object)
        self.geoms: Array = np.empty(0, dtype=object)
        self.alive: Array = np.empty(0, dtype=bool)
        self.tree: shapely.STRtree | None = None
        self.position: dict[str, int] = {}
        self.recent: dict[str, BaseGeometry] = {}
        self.dead = 0
        self._overlay: tuple[Array, Array, Array] | None = None

    def __len__(self) -> int:
        return len(self.position) + len(self.recent)

    def get(self, id_: str) -> BaseGeometry | None:
        if id_ in self.recent:
            return self.recent[id_]
        pos = self.position.get(id_)
        return None if pos is None else self.geoms[pos]

    def upsert(self, id_: str, geom: BaseGeometry) -> None:
        self._drop_from_snapshot(id_)
        self.recent[id_] = geom
        self._overlay = None

    def remove(self, id_: str) -> bool:
        self._overlay = None
        return self.recent.pop(id_, None) is not None or self._drop_from_snapshot(id_)

    def _drop_from_snapshot(self, id_: str) -> bool:
        pos = self.position.pop(id_, None)
        if pos is None:
            return False
        self.alive[pos] = False
        self.dead += 1
        return True

    def rebuild(self) -> None:
        keep = self.alive.nonzero()[0]
        self.ids = np.concatenate([self.ids[keep], np.array(list(self.recent), dtype=object)])
        self.geoms = np.concatenate(
            [self.geoms[keep], np.array(list(self.recent.values()), dtype=object)]
        )
        self.alive = np.ones(len(self.ids), dtype=bool)
        self.position = {id_: i for i, id_ in enumerate(self.ids)}
        self.tree = shapely.STRtree(self.geoms) if len(self.geoms) else None
        self.recent, self.dead, self._overlay = {}, 0, None

    def pairs(self, boxes: Array) -> tuple[Array, Array, Array, Array]:
        """(box, slot, id, geometry) for each feature whose bounds meet a box; slots are unique."""
        if len(self.recent) + self.dead > max(512, len(self.ids) // 32):
            self.rebuild()
        parts = []
        if self.tree is not None:
            box, pos = self.tree.query(boxes)
            live = self.alive[pos]
            parts.append((box[live], pos[live], self.ids[pos[live]], self.geoms[pos[live]]))
        if self.recent:
            if self._overlay is None:
                items = np.array(list(self.recent.values()), dtype=object)
                keys = np.array(list(self.recent), dtype=object)
                self._overlay = (keys, items, shapely.bounds(items))
            keys, items, fb = self._overlay
            bb = shapely.bounds(boxes)
            meets = (
                (fb[:, None, 0] <= bb[None, :, 2]) & (fb[:, None, 2] >= bb[None, :, 0])
                & (fb[:, None, 1] <= bb[None, :, 3]) & (fb[:, None, 3] >= bb[None, :, 1])
            )
            at, box = meets.nonzero()
            parts.append((box, len(self.ids) + at, keys[at], items[at]))
        if not parts:
            ints, objects = np.empty(0, dtype=np.intp), np.empty(0, dtype=object)
            return ints, ints, objects, objects
        box, slot, ids, geoms = (np.concatenate(column) for column in zip(*parts, strict=True))
        return box, slot, ids, geoms


def _hits(names: Array, ids: Array, rows: Array, metres: Array) -> list[Hit]:
    return list(map(Hit, names[rows].tolist(), ids[rows].tolist(), metres.tolist()))


def _checked(geom: BaseGeometry, metres: float = 0.0) -> None:
    if geom is None or geom.is_empty:
        raise ValueError("an empty geometry cannot be looked up")
    if not metres >= 0:
        raise ValueError(f"a search radius must be 0 or more metres, not {metres}")


class SpatialIndex:
    """Features of one contact group by (kind, id), kept current as they change; thread-safe."""

    def __init__(self) -> None:
        self._layers: dict[str, _Layer] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return sum(len(layer) for layer in self._layers.values())

    def get(self, kind: str, id_: str) -> BaseGeometry | None:
        with self._lock:
            layer = self._layers.get(kind)
            return None if layer is None else layer.get(id_)

    def upsert(self, kind: str, id_: str, geom: BaseGeometry) -> None:
        """Add a feature or replace its geometry (lon/lat, not empty)."""
        self.upsert_many(kind, [(id_, geom)])

    def upsert_many(self, kind: str, items: Iterable[tuple[str, BaseGeometry]]) -> None:
        """Add or replace many features of one kind at once, e.g. when loading a group."""
        with self._lock:
            layer = self._layers.setdefault(kind, _Layer())
            for id_, geom in items:
                if geom is None or geom.is_empty:
                    raise ValueError(f"{kind} {id_}: an empty geometry cannot be indexed")
                layer.upsert(id_, geom)

    def remove(self, kind: str, id_: str) -> bool:
        """Forget a feature; False when it was not there."""
        with self._lock:
            layer = self._layers.get(kind)
            return layer is not None and layer.remove(id_)

    def _pairs(self, boxes: Array, kinds: Iterable[str] | None) -> tuple[Array, ...]:
        """(kind, id, geometry, box, code) of every candidate pair; code is unique per feature."""
        columns: list[list[Array]] = [[], [], [], [], []]
        offset = 0
        with self._lock:
            for kind in sorted(self._layers if kinds is None else set(kinds) & set(self._layers)):
                layer = self._layers[kind]
                box, slot, ids, geoms = layer.pairs(boxes)
                names = np.full(len(ids), kind, dtype=object)
                for column, values in zip(
                    columns, (names, ids, geoms, box, slot + offset), strict=True
                ):
                    column.append(values)
                offset += len(layer.ids) + len(layer.recent)
        if not columns[0]:
            ints, objects = np.empty(0, dtype=np.intp), np.empty(0, dtype=object)
            return objects, objects, objects, ints, ints
        return tuple(np.concatenate(column) for column in columns)

    def near(
        self,
        geom: BaseGeometry,
        metres: float,
        *,
        kinds: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[Hit]:
        """Features within `metres` of `geom`, nearest first (ties by kind, then id).

        Distances are geodesic and agree with `metric.distance_m` to ~0.25 m, or ~(d / 6371 km)²
        of the distance d beyond ~20 km (2 m at 50 km).
        """
        _checked(geom, metres)
        pad = degrees_for(geom, metres)
        segments = Segments.of(geom)
        boxes = segments.boxes(pad) if segments is not None else _part_boxes(geom, pad)
        names, ids, geoms, box, code = self._pairs(boxes, kinds)
        hits: list[Hit] = []
        general = np.ones(len(ids), dtype=bool)
        if segments is not None and len(ids):
            general = shapely.get_type_id(geoms) != _POINT
            sel = (~general).nonzero()[0]
            xy = shapely.get_coordinates(geoms[sel])
            rows, metres_to = point_hits(segments, box[sel], code[sel], xy[:, 0], xy[:, 1], metres)
            hits.extend(_hits(names, ids, sel[rows], metres_to))
        _, first = np.unique(code[general], return_index=True)
        rest = general.nonzero()[0][first]
        if len(rest):
            shapely.prepare(geom)
            touching = shapely.intersects(geom, geoms[rest])
            metres_to = np.zeros(len(rest))
            metres_to[~touching] = distances_m(geom, geoms[rest[~touching]], up_to_m=metres)
            within = metres_to <= metres
            hits.extend(_hits(names, ids, rest[within], metres_to[within]))
        hits.sort(key=_NEAREST_FIRST)
        return hits if limit is None else hits[:limit]

    def _matching(
        self, geom: BaseGeometry, kinds: Iterable[str] | None, test: Callable[..., Array]
    ) -> list[Hit]:
        _checked(geom)
        names, ids, geoms, _, code = self._pairs(_part_boxes(geom, 0.0), kinds)
        _, first = np.unique(code, return_index=True)
        if not len(first):
            return []
        shapely.prepare(geom)
        found = first[test(geom, geoms[first])]
        return sorted(_hits(names, ids, found, np.zeros(len(found))))

    def containing(self, geom: BaseGeometry, *, kinds: Iterable[str] | None = None) -> list[Hit]:
        """Features whose geometry covers all of `geom`, boundary included: areas around a point."""
        return self._matching(geom, kinds, shapely.covered_by)

    def intersecting(
        self, geom: BaseGeometry, *, kinds: Iterable[str] | None = None
    ) -> list[Hit]:
        """Features that share at least one point with `geom`."""
        return self._matching(geom, kinds, shapely.intersects)

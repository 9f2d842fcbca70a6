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
Each layer keeps its points' coordinates as columns beside the geometries, so a query touches no
shapely object per candidate, and `nearby` answers as columns for callers that want only a few
of the hits as objects (the check lists at most 100 of each kind).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from corridor.geo.metric import degrees_for, degrees_for_xy, distances_m
from corridor.geo.nearest import Segments, point_hits

Array = np.ndarray[Any, Any]
_POINT = 0  # shapely's type id of Point


class Hit(NamedTuple):
    """A feature found by a query; distance_m is 0 for containment and intersection."""

    kind: str
    id: str
    distance_m: float


def _part_boxes(geom: BaseGeometry, pad: float) -> Array:
    b = shapely.bounds(shapely.get_parts(geom)) + np.array([-pad, -pad, pad, pad])
    return np.asarray(shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3]))


def _coordinates(geoms: Array) -> tuple[Array, Array]:
    """(lon/lat of each point, NaN for anything else; which are points): kept beside the
    geometries so that a query measures point features with no call into shapely."""
    point = np.asarray(shapely.get_type_id(geoms) == _POINT, dtype=bool)
    xy = np.full((len(geoms), 2), np.nan)
    if point.any():
        xy[point] = shapely.get_coordinates(geoms[point])
    return xy, point


class _View(NamedTuple):
    """What one query found in one layer, taken under the index's lock: candidate pairs (box,
    slot), and the arrays their slots index, which later changes replace and never mutate."""

    kind: str
    box: Array
    slot: Array
    snapshot: int  # slots from here on are in the overlay
    ids: Array
    geoms: Array
    overlay_ids: Array
    overlay_geoms: Array
    xy: Array  # of each pair's feature
    point: Array | None  # of each pair's feature; None when all are points

    def take(self, slot: Array, snapshot: Array, overlay: Array) -> Array:
        if not len(overlay):
            return snapshot[slot]
        low = slot < self.snapshot
        if low.all():
            return snapshot[slot]
        out = np.empty((len(slot), *snapshot.shape[1:]), dtype=snapshot.dtype)
        out[low] = snapshot[slot[low]]
        out[~low] = overlay[slot[~low] - self.snapshot]
        return out

    def ids_at(self, slot: Array) -> Array:
        return self.take(slot, self.ids, self.overlay_ids)

    def geoms_at(self, slot: Array) -> Array:
        return self.take(slot, self.geoms, self.overlay_geoms)


_NO_OBJECTS: Array = np.empty(0, dtype=object)
_NO_INTS: Array = np.empty(0, dtype=np.intp)


class _Layer:
    """One kind's features: a packed STRtree over a snapshot plus the changes since it."""

    def __init__(self) -> None:
        self.ids: Array = np.empty(0, dtype=object)
        self.geoms: Array = np.empty(0, dtype=object)
        self.alive: Array = np.empty(0, dtype=bool)
        self.xy: Array = np.empty((0, 2))
        self.point: Array = np.empty(0, dtype=bool)
        self.all_points = True
        self.tree: shapely.STRtree | None = None
        self.position: dict[str, int] = {}
        self.recent: dict[str, BaseGeometry] = {}
        self.dead = 0
        self._overlay: tuple[Array, Array, Array, Array, Array] | None = None

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
        self.xy, self.point = _coordinates(self.geoms)
        self.all_points = bool(self.point.all())
        self.position = {id_: i for i, id_ in enumerate(self.ids)}
        self.tree = shapely.STRtree(self.geoms) if len(self.geoms) else None
        self.recent, self.dead, self._overlay = {}, 0, None

    def view(self, kind: str, boxes: Array) -> _View:
        """The (box, slot) pairs whose feature's bounds meet a box; slots are unique per feature."""
        if len(self.recent) + self.dead > max(512, len(self.ids) // 32):
            self.rebuild()
        box_parts, slot_parts = [], []
        if self.tree is not None:
            box, pos = self.tree.query(boxes)
            live = self.alive[pos]
            if not live.all():
                box, pos = box[live], pos[live]
            box_parts.append(box)
            slot_parts.append(pos)
        keys, items = _NO_OBJECTS, _NO_OBJECTS
        oxy, opoint = np.empty((0, 2)), np.empty(0, dtype=bool)
        if self.recent:
            if self._overlay is None:
                items = np.array(list(self.recent.values()), dtype=object)
                keys = np.array(list(self.recent), dtype=object)
                self._overlay = (keys, items, shapely.bounds(items), *_coordinates(items))
            keys, items, fb, oxy, opoint = self._overlay
            bb = shapely.bounds(boxes)
            meets = (
                (fb[:, None, 0] <= bb[None, :, 2]) & (fb[:, None, 2] >= bb[None, :, 0])
                & (fb[:, None, 1] <= bb[None, :, 3]) & (fb[:, None, 3] >= bb[None, :, 1])
            )
            at, box = meets.nonzero()
            box_parts.append(box)
            slot_parts.append(len(self.ids) + at)
        if not box_parts:
            box, slot = _NO_INTS, _NO_INTS
        elif len(box_parts) == 1:
            box, slot = box_parts[0], slot_parts[0]
        else:
            box, slot = np.concatenate(box_parts), np.concatenate(slot_parts)
        if not len(keys):
            xy, point = self.xy[slot], (self.point[slot] if not self.all_points else None)
        else:
            low = slot < len(self.ids)
            xy = np.empty((len(slot), 2))
            xy[low], xy[~low] = self.xy[slot[low]], oxy[slot[~low] - len(self.ids)]
            point = np.empty(len(slot), dtype=bool)
            point[low], point[~low] = self.point[slot[low]], opoint[slot[~low] - len(self.ids)]
        return _View(kind, box, slot, len(self.ids), self.ids, self.geoms, keys, items, xy, point)


class _Found(NamedTuple):
    """Every candidate pair of a query, over the layers asked: `code` is unique per feature."""

    views: list[_View]
    layer: Array  # which view each pair came from
    box: Array
    slot: Array
    code: Array

    def _gather(self, rows: Array, what: Callable[[_View, Array], Array]) -> Array:
        if len(self.views) == 1:
            return what(self.views[0], self.slot[rows])
        out = np.empty(len(rows), dtype=object)
        at = self.layer[rows]
        for n, view in enumerate(self.views):
            mine = at == n
            if mine.any():
                out[mine] = what(view, self.slot[rows[mine]])
        return out

    def geoms(self, rows: Array) -> Array:
        return self._gather(rows, _View.geoms_at)

    def ids(self, rows: Array) -> Array:
        return self._gather(rows, _View.ids_at)

    def hits(self, rows: Array, metres: Array) -> list[Hit]:
        names = [view.kind for view in self.views]
        kinds = [names[n] for n in self.layer[rows].tolist()]
        return list(map(Hit, kinds, self.ids(rows).tolist(), metres.tolist()))


class Nearby(NamedTuple):
    """Features found by `SpatialIndex.nearby`, nearest first (ties by kind, then id), as
    columns: the same as `near`'s hits without building one object per feature."""

    names: list[str]  # the kinds of the layers searched
    layer: Array  # of each feature, into `names`
    ids: list[str]
    metres: list[float]

    def hits(self) -> list[Hit]:
        names = self.names
        return list(map(Hit, [names[n] for n in self.layer.tolist()], self.ids, self.metres))


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

    def _found(self, boxes: Array, kinds: Iterable[str] | None) -> _Found:
        """Every candidate pair of features and boxes, in the layers of `kinds` (sorted)."""
        views = []
        with self._lock:
            for kind in sorted(self._layers if kinds is None else set(kinds) & set(self._layers)):
                views.append(self._layers[kind].view(kind, boxes))
        views = [v for v in views if len(v.slot)]
        if not views:
            return _Found([], _NO_INTS, _NO_INTS, _NO_INTS, _NO_INTS)
        if len(views) == 1:
            v = views[0]
            return _Found(views, np.zeros(len(v.slot), dtype=np.intp), v.box, v.slot, v.slot)
        offsets = np.cumsum([0] + [v.snapshot + len(v.overlay_ids) for v in views[:-1]])
        layer = np.repeat(np.arange(len(views)), [len(v.slot) for v in views])
        slot = np.concatenate([v.slot for v in views])
        return _Found(views, layer, np.concatenate([v.box for v in views]), slot,
                      slot + offsets[layer])

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
        hits = self.nearby(geom, metres, kinds=kinds).hits()
        return hits if limit is None else hits[:limit]

    def nearby(
        self, geom: BaseGeometry, metres: float, *, kinds: Iterable[str] | None = None
    ) -> Nearby:
        """`near`, as columns."""
        _checked(geom, metres)
        segments = Segments.of(geom)
        boxes = (segments.boxes(degrees_for_xy(geom, metres)) if segments is not None
                 else _part_boxes(geom, degrees_for(geom, metres)))
        found = self._found(boxes, kinds)
        box, code = found.box, found.code
        rows: list[Array] = []
        distances: list[Array] = []
        general = np.ones(len(code), dtype=bool)
        if segments is not None and len(code):
            views = found.views
            xy = np.concatenate([v.xy for v in views]) if len(views) > 1 else views[0].xy
            if all(v.point is None for v in views):
                general = np.zeros(len(code), dtype=bool)
                sel = np.arange(len(code))
            else:
                point = np.concatenate([np.ones(len(v.slot), dtype=bool) if v.point is None
                                        else v.point for v in views])
                general = ~point
                sel = point.nonzero()[0]
                xy = xy[sel]
            at, metres_to = point_hits(segments, box[sel], code[sel], xy[:, 0], xy[:, 1], metres)
            rows.append(sel[at])
            distances.append(metres_to)
        if general.any():
            _, first = np.unique(code[general], return_index=True)
            rest = general.nonzero()[0][first]
            geoms = found.geoms(rest)
            shapely.prepare(geom)
            touching = shapely.intersects(geom, geoms)
            metres_to = np.zeros(len(rest))
            metres_to[~touching] = distances_m(geom, geoms[~touching], up_to_m=metres)
            within = metres_to <= metres
            rows.append(rest[within])
            distances.append(metres_to[within])
        names = [view.kind for view in found.views]
        if not rows:
            return Nearby(names, _NO_INTS, [], [])
        row = rows[0] if len(rows) == 1 else np.concatenate(rows)
        distance = distances[0] if len(distances) == 1 else np.concatenate(distances)
        layer, ids = found.layer[row], found.ids(row)
        order = np.argsort(distance, kind="stable")
        ordered = distance[order]
        if len(ordered) > 1 and (ordered[1:] == ordered[:-1]).any():  # ties: by kind, then id
            kind, key = layer.tolist(), ids.tolist()
            order = np.array(sorted(range(len(key)), key=lambda i: (
                distance[i], names[kind[i]], key[i])), dtype=np.intp)
            ordered = distance[order]
        return Nearby(names, layer[order], ids[order].tolist(), ordered.tolist())

    def _matching(
        self, geom: BaseGeometry, kinds: Iterable[str] | None, test: Callable[..., Array]
    ) -> list[Hit]:
        _checked(geom)
        found = self._found(_part_boxes(geom, 0.0), kinds)
        _, first = np.unique(found.code, return_index=True)
        if not len(first):
            return []
        shapely.prepare(geom)
        rows = first[test(geom, found.geoms(first))]
        return sorted(found.hits(rows, np.zeros(len(rows))))

    def intersecting(
        self, geom: BaseGeometry, *, kinds: Iterable[str] | None = None
    ) -> list[Hit]:
        """Features that share at least one point with `geom`."""
        return self._matching(geom, kinds, shapely.intersects)

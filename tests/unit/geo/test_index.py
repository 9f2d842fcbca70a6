"""The spatial index finds what a brute-force scan finds, stays current, and is fast."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from corridor.geo.index import Hit, SpatialIndex
from corridor.geo.metric import buffer_m, distance_m, distances_m

ROUTE = LineString([(37.54, 47.10), (36.79, 46.76), (35.71, 47.26), (35.12, 47.85)])


def brute_force(
    features: dict[tuple[str, str], BaseGeometry], query: BaseGeometry
) -> dict[tuple[str, str], float]:
    """Every feature's distance from the query, one at a time, with no index at all."""
    return {key: distance_m(query, geom) for key, geom in features.items()}


def assert_same_as_brute_force(
    hits: list[Hit], distances: dict[tuple[str, str], float], metres: float
) -> None:
    expected = {key: d for key, d in distances.items() if d <= metres}
    found = {(h.kind, h.id): h.distance_m for h in hits}
    # Both follow lon/lat-straight edges to within ~0.1 m (`metric.DENSIFY_DEG`), and the index's
    # local frame drifts by ~(d / R)² (2 m at 50 km), so they may disagree by that much, and so
    # about what lies right at the edge of the radius.
    slack = 0.25 + 1e-4 * metres
    edge = {key for key, d in distances.items() if abs(d - metres) < slack}
    assert set(found) - edge == set(expected) - edge
    for key in set(found) & set(expected):
        assert found[key] == pytest.approx(expected[key], rel=1e-4, abs=0.25)
    assert [h.distance_m for h in hits] == sorted(h.distance_m for h in hits)


def random_features(rng: random.Random, n_points: int) -> dict[tuple[str, str], BaseGeometry]:
    features: dict[tuple[str, str], BaseGeometry] = {}
    for i in range(n_points):
        features["incident", f"i{i}"] = Point(rng.uniform(34.5, 38.5), rng.uniform(46.3, 48.3))
    for i in range(30):
        centre = Point(rng.uniform(34.5, 38.5), rng.uniform(46.3, 48.3))
        features["pause", f"p{i}"] = buffer_m(centre, rng.uniform(200, 8_000))
    for i in range(20):
        x, y = rng.uniform(34.5, 38.5), rng.uniform(46.3, 48.3)
        features["movement", f"m{i}"] = LineString(
            [(x, y), (x + rng.uniform(-0.3, 0.3), y + rng.uniform(-0.3, 0.3))]
        )
    return features


def random_query(rng: random.Random) -> BaseGeometry:
    x, y = rng.uniform(35, 38), rng.uniform(46.5, 48)
    shape = rng.choice(["point", "route", "area"])
    if shape == "point":
        return Point(x, y)
    if shape == "route":
        return LineString(
            [(x + i * 0.05, y + rng.uniform(-0.03, 0.03)) for i in range(rng.randint(2, 40))]
        )
    return buffer_m(Point(x, y), rng.uniform(500, 5_000))


def indexed(features: dict[tuple[str, str], BaseGeometry]) -> SpatialIndex:
    index = SpatialIndex()
    for (kind, id_), geom in features.items():
        index.upsert(kind, id_, geom)
    return index


def test_near_finds_exactly_what_a_brute_force_scan_finds() -> None:
    rng = random.Random(20220430)
    features = random_features(rng, 1_000)
    index = indexed(features)
    for _ in range(12):
        query = random_query(rng)
        distances = brute_force(features, query)
        for metres in (300.0, 2_000.0, 8_000.0, 30_000.0):
            assert_same_as_brute_force(index.near(query, metres), distances, metres)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(10.0, 50_000.0))
def test_near_agrees_with_brute_force_for_any_seed_and_radius(seed: int, metres: float) -> None:
    rng = random.Random(seed)
    features = random_features(rng, 150)
    query = random_query(rng)
    hits = indexed(features).near(query, metres)
    assert_same_as_brute_force(hits, brute_force(features, query), metres)


def test_changes_are_seen_by_the_next_query() -> None:
    index = SpatialIndex()
    index.upsert("site", "hospital", Point(35.12, 47.85))
    assert [h.id for h in index.near(ROUTE, 500)] == ["hospital"]
    index.upsert("site", "hospital", Point(30.52, 50.45))  # moved to Kyiv
    assert index.near(ROUTE, 500) == []
    assert index.get("site", "hospital") == Point(30.52, 50.45)
    assert index.remove("site", "hospital")
    assert not index.remove("site", "hospital")
    assert len(index) == 0


def all_distances(features: dict[tuple[str, str], BaseGeometry]) -> dict[tuple[str, str], float]:
    """The brute force in one vectorised pass: this test is about bookkeeping, not distances."""
    metres = distances_m(ROUTE, list(features.values()))
    return dict(zip(features, metres.tolist(), strict=True))


def test_results_stay_right_across_rebuilds_after_many_changes() -> None:
    rng = random.Random(7)
    features = random_features(rng, 3_000)
    index = indexed(features)
    index.near(ROUTE, 1)  # builds the tree
    for i in range(1_500):  # enough changes to force a rebuild, then some more in the overlay
        key = ("incident", f"i{rng.randrange(3_000)}")
        if i % 3 == 0 and key in features:
            del features[key]
            index.remove(*key)
        else:
            features[key] = Point(rng.uniform(34.5, 38.5), rng.uniform(46.3, 48.3))
            index.upsert(*key, features[key])
        if i % 500 == 0:
            assert_same_as_brute_force(index.near(ROUTE, 5_000), all_distances(features), 5_000)
    assert len(index) == len(features)
    assert_same_as_brute_force(index.near(ROUTE, 5_000), all_distances(features), 5_000)


def test_kinds_and_limit_narrow_the_answer() -> None:
    index = SpatialIndex()
    index.upsert("site", "a", Point(35.13, 47.85))
    index.upsert("incident", "b", Point(35.12, 47.851))
    index.upsert("incident", "c", Point(35.1, 47.8))
    assert [h.id for h in index.near(ROUTE, 10_000, kinds=["incident"])] == ["b", "c"]
    assert [h.id for h in index.near(ROUTE, 10_000, limit=1)] == ["b"]
    assert index.near(ROUTE, 10_000, kinds=["pause"]) == []


def test_intersecting_finds_areas_a_route_crosses() -> None:
    index = SpatialIndex()
    square = Polygon([(36.0, 46.5), (36.5, 46.5), (36.5, 47.5), (36.0, 47.5)])
    index.upsert("pause", "crossed", square)
    index.upsert("pause", "aside", buffer_m(Point(30.52, 50.45), 1_000))
    assert index.intersecting(ROUTE) == [Hit("pause", "crossed", 0.0)]
    assert index.near(ROUTE, 1, kinds=["pause"]) == [Hit("pause", "crossed", 0.0)]


def test_an_empty_geometry_cannot_be_indexed() -> None:
    with pytest.raises(ValueError, match="empty"):
        SpatialIndex().upsert("site", "x", Point())


def test_a_route_query_against_151000_features_measures_only_the_few_near_it() -> None:
    """The work, not the time (bench/deconflict.py times it): a lost or bypassed index would
    make every query measure all 151,000 features."""
    rng = np.random.default_rng(1)
    index = SpatialIndex()
    for kind, n in (("incident", 100_000), ("site", 50_000)):
        points = shapely.points(rng.uniform(22, 40, n), rng.uniform(44, 52, n))
        index.upsert_many(kind, zip(map(str, range(n)), points, strict=True))
    centres = shapely.points(rng.uniform(23, 39, 1_000), rng.uniform(45, 51, 1_000))
    areas = shapely.buffer(centres, 0.2)
    index.upsert_many("pause", zip(map(str, range(1_000)), areas, strict=True))
    candidates: list[int] = []
    found = index._found

    def counted(boxes: Any, kinds: Any) -> Any:
        result = found(boxes, kinds)
        candidates.append(len(np.unique(result.code)))
        return result

    index._found = counted  # type: ignore[method-assign]
    xs = np.linspace(35.1, 37.5, 200)
    for _ in range(30):
        dx, dy = rng.uniform(-2, 2, 2)
        route = LineString(zip(xs + dx, 47.8 - 0.3 * (xs - 35.1) + dy + 0.05 * np.sin(xs * 20),
                               strict=True))
        hits = index.near(route, 1_000)
        assert len(hits) <= candidates[-1]
    # 200 to 260 features measured per query here: the boxes along the route, not the world.
    assert len(candidates) == 30 and max(candidates) < 1_000, candidates


def test_nearby_is_near_as_columns_and_breaks_ties_by_kind_then_id() -> None:
    index = SpatialIndex()
    on_route = [Point(ROUTE.coords[1]), Point(ROUTE.coords[2])]  # both at 0 m: a tie
    for n, point in enumerate(on_route):
        index.upsert("site", f"s{9 - n}", point)
        index.upsert("incident", f"i{n}", point)
    rng = random.Random(5)
    for i in range(300):
        index.upsert("site", str(i), Point(rng.uniform(35.0, 37.8), rng.uniform(46.6, 48.0)))
    index.upsert("pause", "p", buffer_m(Point(ROUTE.coords[1]), 2_000))
    for _ in range(2):  # in the overlay, then after a rebuild
        hits = index.near(ROUTE, 20_000)
        found = index.nearby(ROUTE, 20_000)
        assert found.hits() == hits
        assert [(h.kind, h.id) for h in hits[:5]] == [
            ("incident", "i0"), ("incident", "i1"), ("pause", "p"), ("site", "s8"), ("site", "s9")]
        assert [h.distance_m for h in hits] == sorted(h.distance_m for h in hits)
        index._layers["site"].rebuild()

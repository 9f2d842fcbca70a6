"""Bad GeoJSON geometry is refused saying what and where; good geometry is written per RFC 7946."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon

from corridor.errors import InvalidInput
from corridor.geo.validate import parse_geometry, parse_point, to_geojson

AREA = frozenset({"Polygon", "MultiPolygon"})
ROUTE = frozenset({"LineString"})
SQUARE = [[35.0, 47.0], [35.1, 47.0], [35.1, 47.1], [35.0, 47.1], [35.0, 47.0]]


def refusal(geojson: Any, allowed: frozenset[str] = AREA, max_vertices: int = 1000) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_geometry(geojson, field="area", allowed=allowed, max_vertices=max_vertices)
    assert caught.value.field == "area"
    return caught.value


def route(*coords: list[float]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": list(coords)}


def test_a_valid_polygon_becomes_a_shapely_polygon() -> None:
    geom = parse_geometry(
        {"type": "Polygon", "coordinates": [SQUARE]}, field="area", allowed=AREA, max_vertices=10
    )
    assert isinstance(geom, Polygon)
    assert geom.bounds == (35.0, 47.0, 35.1, 47.1)


def test_a_self_intersecting_route_is_refused_with_the_location() -> None:
    error = refusal(route([35.0, 47.0], [35.2, 47.2], [35.2, 47.0], [35.0, 47.2]), ROUTE)
    assert "crosses itself" in error.detail
    assert error.extra["pointer"] == "/coordinates/2"
    assert error.extra["location"] == pytest.approx([35.1, 47.1])


def test_a_route_that_doubles_back_on_itself_is_refused() -> None:
    error = refusal(route([35.0, 47.0], [35.2, 47.0], [35.1, 47.0]), ROUTE)
    assert "crosses itself" in error.detail


def test_repeated_vertices_and_closed_loops_are_accepted_as_routes() -> None:
    for coords in (
        [[35.0, 47.0], [35.0, 47.0], [35.1, 47.0], [35.2, 47.1]],
        [[35.0, 47.0], [35.1, 47.0], [35.1, 47.1], [35.0, 47.0]],
    ):
        geom = parse_geometry(route(*coords), field="route", allowed=ROUTE, max_vertices=10)
        assert isinstance(geom, LineString)


def test_a_route_without_two_distinct_positions_is_refused() -> None:
    assert "two distinct" in refusal(route([35.0, 47.0], [35.0, 47.0]), ROUTE).detail
    assert "two distinct" in refusal(route([35.0, 47.0]), ROUTE).detail


def test_a_bow_tie_polygon_is_refused_with_the_reason_and_location() -> None:
    bow_tie = [[35.0, 47.0], [35.2, 47.2], [35.2, 47.0], [35.0, 47.2], [35.0, 47.0]]
    error = refusal({"type": "Polygon", "coordinates": [bow_tie]})
    assert "self-intersection" in error.detail
    assert error.extra["location"] == pytest.approx([35.1, 47.1])


def test_overlapping_parts_of_a_multipolygon_are_refused() -> None:
    shifted = [[x + 0.05, y] for x, y in SQUARE]
    error = refusal({"type": "MultiPolygon", "coordinates": [[SQUARE], [shifted]]})
    assert "invalid polygon" in error.detail


def test_the_invalid_part_of_a_multipolygon_is_named() -> None:
    bow_tie = [[36.0, 47.0], [36.2, 47.2], [36.2, 47.0], [36.0, 47.2], [36.0, 47.0]]
    error = refusal({"type": "MultiPolygon", "coordinates": [[SQUARE], [bow_tie]]})
    assert error.extra["pointer"] == "/coordinates/1"


def test_an_unclosed_ring_is_refused() -> None:
    error = refusal({"type": "Polygon", "coordinates": [[*SQUARE[:-1], [35.0, 47.05]]]})
    assert "closed" in error.detail
    assert error.extra["pointer"] == "/coordinates/0"


@pytest.mark.parametrize(
    ("position", "pointer", "words"),
    [
        ([180.5, 47.0], "/coordinates/1/0", "longitude 180.5 is outside"),
        ([35.0, -90.01], "/coordinates/1/1", "latitude -90.01 is outside"),
        ([float("nan"), 47.0], "/coordinates/1/0", "finite"),
        ([35.0, float("inf")], "/coordinates/1/1", "finite"),
        (["35.0", 47.0], "/coordinates/1/0", "expected a number, got str"),
        ([True, 47.0], "/coordinates/1/0", "expected a number, got bool"),
        ([10**400, 47.0], "/coordinates/1/0", "finite"),
        ([35.0], "/coordinates/1", "[longitude, latitude]"),
        ([35.0, 47.0, 1.0, 2.0], "/coordinates/1", "[longitude, latitude]"),
        (None, "/coordinates/1", "[longitude, latitude]"),
    ],
)
def test_a_bad_position_is_refused_naming_where_it_is(
    position: Any, pointer: str, words: str
) -> None:
    error = refusal(route([35.0, 47.0], position, [35.2, 47.0]), ROUTE)
    assert error.extra["pointer"] == pointer
    assert words in error.detail
    assert error.detail.startswith(f"area{pointer}")


def test_altitude_is_accepted_and_dropped() -> None:
    geom = parse_geometry(
        route([35.0, 47.0, 120.0], [35.1, 47.0, 80]), field="route", allowed=ROUTE, max_vertices=5
    )
    assert not geom.has_z


def test_a_type_not_allowed_here_is_refused_listing_what_is() -> None:
    error = refusal({"type": "Point", "coordinates": [35.0, 47.0]})
    assert error.extra["pointer"] == "/type"
    assert "MultiPolygon, Polygon" in error.detail


@pytest.mark.parametrize(
    "thing",
    [None, [], "POLYGON", {"type": "Feature", "geometry": None}, {"coordinates": [SQUARE]},
     {"type": "GeometryCollection", "geometries": []}],
)
def test_anything_but_a_geometry_object_is_refused(thing: Any) -> None:
    refusal(thing)


def test_missing_or_empty_coordinates_are_refused() -> None:
    assert "missing" in refusal({"type": "Polygon"}).detail
    assert "non-empty" in refusal({"type": "Polygon", "coordinates": []}).detail
    assert "non-empty" in refusal({"type": "MultiPolygon", "coordinates": []}).detail


class Watched(list[Any]):
    """A list that counts the items read from it: building a geometry reads every one."""

    def __init__(self, items: list[Any]) -> None:
        super().__init__(items)
        self.read = 0

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            self.read += 1
            yield item


def test_a_million_vertices_are_refused_before_any_geometry_is_built() -> None:
    ring = Watched([[35.0, 47.0]] * 1_000_000)
    error = refusal({"type": "Polygon", "coordinates": [ring]}, max_vertices=10_000)
    assert error.extra["max_vertices"] == 10_000
    assert ring.read == 0  # counted from its length alone
    # Many parts, or many empty ones: counting stops just past the limit.
    many: list[list[Any]] = [[[SQUARE]] * 250_000, [[[]]] * 1_000_000, [[]] * 1_000_000]
    for parts in many:
        watched = Watched(parts)
        refusal({"type": "MultiPolygon", "coordinates": watched}, max_vertices=10_000)
        assert watched.read <= 10_001, watched.read


def test_exactly_the_vertex_limit_is_accepted() -> None:
    square = {"type": "Polygon", "coordinates": [SQUARE]}
    parse_geometry(square, field="area", allowed=AREA, max_vertices=5)
    refusal({"type": "Polygon", "coordinates": [SQUARE]}, max_vertices=4)


def test_to_geojson_orients_exterior_counter_clockwise_and_holes_clockwise() -> None:
    clockwise = Polygon(list(reversed(SQUARE)), [[(35.02, 47.02), (35.04, 47.02), (35.04, 47.04)]])
    written = to_geojson(clockwise)
    exterior, hole = (Polygon(ring) for ring in written["coordinates"])
    assert exterior.exterior.is_ccw
    assert not hole.exterior.is_ccw


def test_to_geojson_rounds_to_seven_decimals_and_uses_plain_lists() -> None:
    written = to_geojson(parse_point(35.123456789, -0.0, field="site"))
    assert written == {"type": "Point", "coordinates": [35.1234568, 0.0]}
    line = to_geojson(LineString([(35.000000049, 47.0), (35.1, 47.00000001)]))
    assert line["coordinates"] == [[35.0, 47.0], [35.1, 47.0]]


def test_parse_point_refuses_out_of_range_and_names_the_field() -> None:
    assert parse_point(35.1, 47.8, field="site").coords[0] == (35.1, 47.8)
    with pytest.raises(InvalidInput) as caught:
        parse_point(35.1, 95, field="site")
    assert caught.value.field == "site"
    assert "latitude 95.0" in caught.value.detail


def test_shapely_mappings_with_tuples_are_read_too() -> None:
    square = shapely.geometry.mapping(shapely.box(35.0, 47.0, 35.1, 47.1))
    assert parse_geometry(square, field="area", allowed=AREA, max_vertices=5).area > 0


boxes = st.tuples(
    st.floats(-179.0, 178.0), st.floats(-89.0, 88.0), st.floats(1e-4, 1.0), st.floats(1e-4, 1.0)
)


@settings(max_examples=60, deadline=None)
@given(boxes)
def test_a_written_polygon_reads_back_as_the_same_shape(
    box: tuple[float, float, float, float],
) -> None:
    x, y, w, h = box
    geom = shapely.box(x, y, x + w, y + h, ccw=False)
    again = parse_geometry(to_geojson(geom), field="area", allowed=AREA, max_vertices=10)
    assert again.normalize().equals_exact(geom.normalize(), tolerance=1e-7)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon"]), json_values)
def test_arbitrary_coordinates_are_either_accepted_or_refused_cleanly(
    kind: str, coords: Any
) -> None:
    geojson = {"type": kind, "coordinates": coords}
    with contextlib.suppress(InvalidInput):
        parse_geometry(geojson, field="g", allowed=frozenset({kind}), max_vertices=50)

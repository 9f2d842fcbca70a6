"""Lengths, distances, buffers and km along a route are in metres and agree with pyproj.Geod."""

from __future__ import annotations

import random

import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

from corridor.errors import InvalidInput
from corridor.geo.metric import (
    buffer_m,
    distance_m,
    km_along,
    length_km,
    point_at_km,
    segments_outside,
)
from tests.unit.geo.reference import route_within

GEOD = Geod(ellps="WGS84")
MARIUPOL = (37.54131, 47.09514)
BERDIANSK = (36.78815, 46.75578)
TOKMAK = (35.70836, 47.25554)
ZAPORIZHZHIA = (35.11714, 47.85167)
KYIV = (30.5238, 50.45466)


def geodesic_km(line: LineString) -> float:
    lon, lat = zip(*line.coords, strict=True)
    return float(GEOD.line_length(lon, lat)) / 1000


def offset(lon: float, lat: float, azimuth: float, metres: float) -> Point:
    x, y, _ = GEOD.fwd(lon, lat, azimuth, metres)
    return Point(x, y)


ROUTES = {
    "Mariupol to Zaporizhzhia": LineString([MARIUPOL, ZAPORIZHZHIA]),
    "the seed corridor": LineString([MARIUPOL, BERDIANSK, TOKMAK, ZAPORIZHZHIA]),
    "Zaporizhzhia to Kyiv": LineString([ZAPORIZHZHIA, KYIV]),
    "a 3 km street in Mariupol": LineString([MARIUPOL, (37.58, 47.095)]),
    "equator, 500 km": LineString([(10.0, 0.0), (12.0, 1.0), (14.4, 0.5)]),
    "arctic, 300 km": LineString([(20.0, 69.0), (25.0, 70.0), (27.0, 69.5)]),
    "southern hemisphere": LineString([(151.2, -33.9), (149.1, -35.3)]),
    "meridian": LineString([(30.0, 44.0), (30.0, 48.0)]),
}


@pytest.mark.parametrize("name", ROUTES)
def test_route_lengths_agree_with_the_geodesic_within_half_a_percent(name: str) -> None:
    line = ROUTES[name]
    assert length_km(line) == pytest.approx(geodesic_km(line), rel=0.005)


def test_mariupol_to_zaporizhzhia_is_about_200_km() -> None:
    assert 195 < length_km(ROUTES["Mariupol to Zaporizhzhia"]) < 205


@pytest.mark.parametrize("name", ROUTES)
def test_the_distance_from_a_route_to_a_point_beside_it_is_the_offset(name: str) -> None:
    line = ROUTES[name]
    (x0, y0), (x1, y1) = line.coords[0], line.coords[1]
    # RFC 7946 edges are straight in lon/lat, so measure square to the middle of that line.
    mid = ((x0 + x1) / 2, (y0 + y1) / 2)
    heading = GEOD.inv(*mid, mid[0] + (x1 - x0) / 1000, mid[1] + (y1 - y0) / 1000)[0]
    for metres in (50.0, 1_000.0, 25_000.0):
        if metres > length_km(line) * 1000:
            continue  # a point 25 km off a 3 km street is nearest to its end, not its middle
        beside = offset(*mid, heading + 90, metres)
        assert distance_m(line, beside) == pytest.approx(metres, rel=0.005)
        assert distance_m(beside, line) == pytest.approx(metres, rel=0.005)


def test_the_distance_between_two_points_is_the_geodesic() -> None:
    expected = GEOD.inv(*KYIV, *ZAPORIZHZHIA)[2]
    assert distance_m(Point(KYIV), Point(ZAPORIZHZHIA)) == pytest.approx(expected, rel=1e-9)
    assert distance_m(LineString([KYIV, (30.6, 50.5)]), Point(ZAPORIZHZHIA)) == pytest.approx(
        GEOD.inv(30.6, 50.5, *ZAPORIZHZHIA)[2], rel=0.005
    )


def test_the_distance_is_zero_when_geometries_touch() -> None:
    area = buffer_m(Point(TOKMAK), 5_000)
    assert distance_m(area, Point(TOKMAK)) == 0
    assert distance_m(ROUTES["the seed corridor"], area) == 0


@pytest.mark.parametrize(("route", "half_width"), [
    ("the seed corridor", 2_000.0), ("equator, 500 km", 500.0), ("arctic, 300 km", 10_000.0),
])
def test_the_edge_of_a_corridor_lies_at_its_half_width(route: str, half_width: float) -> None:
    line = ROUTES[route]
    corridor = buffer_m(line, half_width)
    assert isinstance(corridor, Polygon)
    assert corridor.is_valid
    for x, y in corridor.exterior.coords[::7]:
        assert distance_m(Point(x, y), line) == pytest.approx(half_width, rel=0.005)


@pytest.mark.parametrize("width", [0, -5, float("nan"), float("inf")])
def test_a_corridor_needs_a_positive_finite_half_width(width: float) -> None:
    with pytest.raises(InvalidInput) as caught:
        buffer_m(ROUTES["the seed corridor"], width, field="corridor.half_width_m")
    assert caught.value.field == "corridor.half_width_m"


def test_km_along_measures_from_the_start_of_the_route() -> None:
    line = ROUTES["the seed corridor"]
    first_leg = geodesic_km(LineString([MARIUPOL, BERDIANSK]))
    assert km_along(line, Point(BERDIANSK)) == pytest.approx(first_leg, rel=0.005)
    assert km_along(line, Point(MARIUPOL)) == 0
    assert km_along(line, Point(ZAPORIZHZHIA)) == pytest.approx(length_km(line))
    beside_berdiansk = offset(*BERDIANSK, 180.0, 3_000)
    assert km_along(line, beside_berdiansk) == pytest.approx(first_leg, abs=3.0)


def test_point_at_km_is_the_inverse_of_km_along() -> None:
    line = ROUTES["the seed corridor"]
    for km in (0.0, 12.5, 150.0, length_km(line)):
        assert km_along(line, point_at_km(line, km)) == pytest.approx(km, abs=0.01)
    assert point_at_km(line, 10_000).distance(Point(ZAPORIZHZHIA)) < 1e-9


def test_a_route_inside_its_corridor_never_leaves_it() -> None:
    line = ROUTES["the seed corridor"]
    assert segments_outside(line, buffer_m(line, 1_000)) == []
    assert route_within(line, buffer_m(line, 1_000))


def test_a_route_along_the_edge_of_an_area_counts_as_within_it() -> None:
    area = Polygon([(35.0, 47.0), (35.5, 47.0), (35.5, 47.5), (35.0, 47.5)])
    along_edge = LineString([(35.0, 47.0), (35.5, 47.0), (35.5, 47.3)])
    assert route_within(along_edge, area)
    assert not route_within(along_edge, area, tolerance_m=0.0) or segments_outside(
        along_edge, area, tolerance_m=0.0
    ) == []


def test_where_a_route_leaves_the_corridor_is_reported_in_km() -> None:
    planned = LineString([MARIUPOL, BERDIANSK, TOKMAK, ZAPORIZHZHIA])
    corridor = buffer_m(planned, 1_000)
    # The movement detours 10 km north of Tokmak, then rejoins the corridor.
    detour = offset(*TOKMAK, 0.0, 10_000)
    movement = LineString([MARIUPOL, BERDIANSK, detour, ZAPORIZHZHIA])
    (start, end), = segments_outside(movement, corridor)
    assert start < km_along(movement, detour) < end
    for km in (start, end):
        assert distance_m(point_at_km(movement, km), planned) == pytest.approx(1_000, rel=0.01)
    assert not route_within(movement, corridor)


def test_separate_departures_are_merged_and_listed_in_route_order() -> None:
    line = LineString([(35.0, 47.0), (36.0, 47.0)])
    # Two areas covering the first, middle and last fifths of the route leave two gaps.
    area = buffer_m(LineString([(35.0, 47.0), (35.15, 47.0)]), 10).union(
        buffer_m(LineString([(35.35, 47.0), (35.6, 47.0)]), 10)
    ).union(buffer_m(LineString([(35.8, 47.0), (36.0, 47.0)]), 10))
    gaps = segments_outside(line, area)
    assert len(gaps) == 2
    assert gaps == sorted(gaps)
    total = length_km(line)
    assert gaps[0] == pytest.approx((0.15 * total, 0.35 * total), rel=0.01)
    assert gaps[1] == pytest.approx((0.6 * total, 0.8 * total), rel=0.01)


def test_a_route_entirely_outside_an_area_is_one_stretch_from_start_to_end() -> None:
    line = ROUTES["Zaporizhzhia to Kyiv"]
    far_away = buffer_m(Point(MARIUPOL), 1_000)
    ((start, end),) = segments_outside(line, far_away)
    assert start == 0
    assert end == pytest.approx(length_km(line))


def test_km_along_many_agrees_with_km_along_point_by_point() -> None:
    from tests.unit.geo.reference import km_along_many

    line = LineString([MARIUPOL, BERDIANSK, ZAPORIZHZHIA])
    rng = random.Random(7)
    points = [Point(rng.uniform(35.0, 37.8), rng.uniform(46.6, 48.0)) for _ in range(50)]
    many = km_along_many(line, points)
    assert many.tolist() == pytest.approx([km_along(line, p) for p in points], abs=0.01)
    assert km_along_many(line, []).shape == (0,)


def test_km_along_many_on_a_long_winding_route_that_doubles_back() -> None:
    """The nearest segment is found among the chunks near each point (`Along`): on a route of
    hundreds of segments that comes back along itself, it is still the one GEOS projects onto."""
    from corridor.geo.metric import Along
    from tests.unit.geo.reference import km_along_many

    rng = random.Random(11)
    there = [(36.0 + 0.006 * i, 47.5 + 0.002 * ((i * 7) % 5)) for i in range(150)]
    line = LineString(there + [(x, y + 0.03) for x, y in reversed(there)])
    points = [Point(rng.uniform(35.8, 37.1), rng.uniform(47.3, 47.8)) for _ in range(200)]
    points += [Point(*xy) for xy in there[::17]]  # on the route: the first pass is the nearer
    many = km_along_many(line, points)
    assert many.tolist() == pytest.approx([km_along(line, p) for p in points], abs=1e-6)
    along = Along(line)
    assert along.km == length_km(line)
    assert along.km_of([], []).shape == (0,)

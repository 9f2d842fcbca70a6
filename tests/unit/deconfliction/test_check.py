"""The deconfliction check on synthetic pauses, routes and sites, without a database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import LineString, Point, box

from corridor.deconfliction.check import (
    Finding,
    PauseFacts,
    Result,
    SiteFacts,
    Trip,
    check,
    index_of,
)
from corridor.geo.metric import distance_m, length_km, pause_zone

START = datetime(2030, 5, 1, 6, 0, tzinfo=UTC)
END = START + timedelta(hours=24)
CORRIDOR = LineString([(37.55, 47.10), (36.80, 46.75), (35.18, 47.84)])


def pause(id_: int = 1, *, agreed: bool = True, status: str = "active", start: datetime = START,
          end: datetime = END, half_width_m: float = 2000, area: bool = False) -> PauseFacts:
    zone, shape = pause_zone(box(35.0, 46.5, 38.0, 48.0) if area else None,
                             None if area else CORRIDOR, half_width_m)
    return PauseFacts(id=id_, title=f"Synthetic pause {id_}", status=status, agreed=agreed,
                      start=start, end=end, zone=zone, shape=shape)


def run(route: LineString, pauses: list[PauseFacts], *, sites: Sequence[SiteFacts] = (),
        departure: datetime = START + timedelta(hours=2),
        arrival: datetime = START + timedelta(hours=10), pause_id: int | None = None,
        radius_m: float = 10_000) -> Result:
    trip = Trip(route, departure, arrival, pause_id)
    return check(trip, index=index_of(pauses, sites), pauses={p.id: p for p in pauses},
                 sites={s.id: s for s in sites}, radius_m=radius_m)


def codes(result: Result) -> list[str]:
    return [f.code for f in result.pauses]


def test_a_route_along_the_corridor_inside_the_window_is_covered() -> None:
    result = run(CORRIDOR, [pause()])
    assert result.covered_by == [1]
    assert result.summary.code == "covered"
    assert codes(result) == ["covered"]
    assert "whole route" in result.pauses[0].reason
    assert result.pauses[0].data["route_km"] == pytest.approx(length_km(CORRIDOR), rel=1e-3)


def test_a_route_inside_an_agreed_area_is_covered_by_the_area() -> None:
    result = run(LineString([(36.0, 47.0), (37.0, 47.5)]), [pause(area=True)])
    assert result.covered_by == [1]
    assert "inside its area" in result.pauses[0].reason


def test_a_detour_says_from_which_km_to_which_km_the_route_leaves_the_corridor() -> None:
    # Along the first leg, out ~25 km to the north-west, and back onto the corridor.
    detour = LineString([(37.55, 47.10), (37.30, 46.983), (37.10, 47.10), (36.80, 46.75)])
    result = run(detour, [pause()])
    assert result.covered_by == []
    assert result.summary.code == "not_covered"
    [leaves] = result.pauses
    assert leaves.code == "leaves_pause"
    first_leg = length_km(LineString([(37.55, 47.10), (37.30, 46.983)]))
    # It leaves a little after the turn, where the new leg is 2 km from the corridor's line.
    assert first_leg < leaves.data["from_km"] < first_leg + 4
    assert leaves.data["to_km"] > first_leg + 5
    assert leaves.data["to_km"] < length_km(detour)
    assert f"from km {leaves.data['from_km']:.1f}" in leaves.reason
    # The point where it leaves lies on the corridor's edge, 2 km from its centre line.
    edge = Point(leaves.data["from"])
    assert distance_m(edge, CORRIDOR) == pytest.approx(2000, abs=60)


def test_a_route_wholly_elsewhere_is_reported_outside_not_as_a_stretch() -> None:
    far = LineString([(37.0, 46.0), (37.3, 46.1)])
    narrow = pause(half_width_m=2000)
    result = run(far, [narrow], pause_id=1)
    assert codes(result) == ["outside_pause"]
    assert "whole route" in result.pauses[0].reason


def test_a_departure_before_the_window_says_by_how_much() -> None:
    result = run(CORRIDOR, [pause()], departure=START - timedelta(hours=3))
    assert codes(result) == ["departs_before_window"]
    finding = result.pauses[0]
    assert finding.data["by_seconds"] == 3 * 3600
    assert "3 h before the window of pause 1 opens" in finding.reason


def test_an_arrival_after_the_window_says_by_how_much() -> None:
    result = run(CORRIDOR, [pause()], arrival=END + timedelta(minutes=90))
    assert codes(result) == ["arrives_after_window"]
    assert "1 h 30 min after the window of pause 1 closes" in result.pauses[0].reason


def test_space_and_time_problems_are_all_reported_together() -> None:
    detour = LineString([(37.55, 47.10), (37.30, 46.983), (37.10, 47.10), (36.80, 46.75)])
    result = run(detour, [pause()], departure=START - timedelta(hours=1),
                 arrival=END + timedelta(hours=1))
    assert codes(result) == ["leaves_pause", "departs_before_window", "arrives_after_window"]


def test_a_linked_pause_that_is_not_agreed_covers_nothing_and_says_why() -> None:
    proposed = pause(agreed=False, status="proposed")
    result = run(CORRIDOR, [proposed], pause_id=1)
    assert codes(result) == ["pause_not_agreed"]
    assert "is proposed: only an agreed pause" in result.pauses[0].reason
    assert result.summary.code == "not_covered"


def test_an_unlinked_pause_that_is_not_agreed_is_not_considered() -> None:
    result = run(CORRIDOR, [pause(agreed=False, status="proposed")])
    assert result.pauses == [] and result.summary.code == "no_pause"


def test_a_pause_weeks_away_from_the_trip_is_not_explained() -> None:
    later = pause(start=START + timedelta(days=20), end=END + timedelta(days=20))
    assert run(CORRIDOR, [later]).summary.code == "no_pause"


def test_with_two_pauses_only_the_one_that_fits_covers() -> None:
    early = pause(1, start=START - timedelta(days=1), end=START)
    right = pause(2)
    result = run(CORRIDOR, [early, right])
    assert result.covered_by == [2]
    assert "pause 2" in result.summary.reason


def test_sites_near_the_route_are_listed_nearest_first_with_km_along() -> None:
    near = SiteFacts(1, "Clinic", "hospital", "aid-one", Point(36.80, 46.80))
    nearer = SiteFacts(2, "Depot", "distribution_point", "aid-two", Point(37.20, 46.94))
    far = SiteFacts(3, "Far away", "shelter", "aid-one", Point(30.0, 50.0))
    result = run(CORRIDOR, [pause()], sites=[near, nearer, far])
    assert [f.data["site"] for f in result.sites] == [2, 1]
    assert result.sites[0].data["distance_km"] < result.sites[1].data["distance_km"] < 10
    # The clinic lies just past the corridor's turn at Bravo, on its second leg.
    turn = length_km(LineString(CORRIDOR.coords[:2]))
    assert turn < result.sites[1].data["km_along"] < turn + 6
    assert "aid-two's distribution point 'Depot'" in result.sites[0].reason


def test_the_site_radius_is_respected() -> None:
    near = SiteFacts(1, "Clinic", "hospital", "aid-one", Point(36.80, 46.80))  # ~5.6 km
    assert run(CORRIDOR, [], sites=[near], radius_m=3000).sites == []
    assert len(run(CORRIDOR, [], sites=[near], radius_m=6000).sites) == 1


def test_incidents_are_not_reported_until_they_exist() -> None:
    assert run(CORRIDOR, [pause()]).incidents == []


def test_incident_findings_given_by_the_caller_are_passed_through() -> None:
    near = Finding("incident_near_route", "A synthetic report 2 km from the route.", {"id": 1})
    trip = Trip(CORRIDOR, START, END)
    result = check(trip, index=index_of([], []), pauses={}, sites={}, incidents=[near])
    assert result.incidents == [near]

"""Linking an incident report to what it touches, on synthetic geometry (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shapely.geometry import LineString, Point, box

from corridor.geo.metric import buffer_m, pause_zone
from corridor.incidents.links import (
    LinkKind,
    NotifiedMovement,
    NotifiedSite,
    PauseArea,
    Report,
    links,
    parties_concerned,
)

T0 = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
ROUTE = LineString([(37.55, 47.10), (36.80, 46.75), (35.18, 47.84)])
PARTIES = ("party-a", "party-b")


def corridor_pause(**changes: object) -> PauseArea:
    zone, _ = pause_zone(None, ROUTE, 2000)
    facts: dict[str, object] = {"id": 7, "title": "Synthetic corridor", "zone": zone,
                                "start": T0 - 2 * H, "end": T0 + 2 * H,
                                "required_signatories": ("party-a",)}
    facts.update(changes)
    return PauseArea(**facts)  # type: ignore[arg-type]


def report(lon: float, lat: float, *, at: datetime = T0, uncertainty_m: float = 0) -> Report:
    return Report(Point(lon, lat), uncertainty_m, at)


def test_a_report_inside_a_corridor_during_its_window_is_a_possible_breach() -> None:
    [link] = links(report(36.80, 46.76), pauses=[corridor_pause()], parties=PARTIES)
    assert link.kind is LinkKind.POSSIBLE_BREACH and link.subject == 7
    assert link.distance_m == 0 and link.parties == ("party-a",)
    assert "Possible breach" in link.reason and "not a finding" in link.reason
    assert link.data["occurred_at"] == T0.isoformat()


def test_a_report_inside_a_pause_area_is_a_possible_breach() -> None:
    area = box(30.0, 50.0, 30.2, 50.2)
    [link] = links(report(30.1, 50.1), pauses=[corridor_pause(zone=area)])
    assert link.kind is LinkKind.POSSIBLE_BREACH


def test_a_report_outside_the_window_or_the_zone_breaches_nothing() -> None:
    pause = corridor_pause()
    assert links(report(36.80, 46.76, at=T0 + 3 * H), pauses=[pause]) == []
    assert links(report(36.80, 46.60), pauses=[pause]) == []  # ~16 km south of the corridor


def test_the_uncertainty_radius_reaching_the_corridor_is_a_possible_breach_with_its_distance(
) -> None:
    far = report(36.80, 46.70, uncertainty_m=5000)  # ~5.5 km from the route, ~3.5 km outside
    [link] = links(far, pauses=[corridor_pause()])
    assert 2000 < link.distance_m < 5000 and "uncertain by 5000 m" in link.reason


def test_a_notified_site_within_the_distance_is_affected_and_asks_every_party() -> None:
    site = NotifiedSite(3, "Synthetic clinic", "aid-one", Point(36.80, 46.80), T0 - 24 * H)
    [link] = links(report(36.80, 46.83), sites=[site], parties=PARTIES)  # ~3.3 km north
    assert link.kind is LinkKind.SITE_AFFECTED and link.subject == 3
    assert 3000 < link.distance_m < 3700 and link.parties == PARTIES
    assert link.data["notified_at"] == (T0 - 24 * H).isoformat()


def test_a_site_further_than_distance_plus_uncertainty_or_notified_later_is_not_linked() -> None:
    site = NotifiedSite(3, "Synthetic clinic", "aid-one", Point(36.80, 46.80), T0 - 24 * H)
    assert links(report(36.80, 46.88), sites=[site]) == []  # ~8.9 km
    assert len(links(report(36.80, 46.88, uncertainty_m=4000), sites=[site])) == 1
    later = NotifiedSite(4, "Later", "aid-one", Point(36.80, 46.80), T0 + H)
    assert links(report(36.80, 46.83), sites=[later]) == []
    assert len(links(report(36.80, 46.88), sites=[site], distance_m=10_000)) == 1


def test_a_movement_under_way_near_the_report_is_affected_but_not_before_or_after() -> None:
    moving = NotifiedMovement(5, "icrc", ROUTE, T0 - H, T0 + H)
    [link] = links(report(36.80, 46.78), movements=[moving], parties=PARTIES)
    assert link.kind is LinkKind.MOVEMENT_AFFECTED and link.subject == 5
    assert link.parties == PARTIES and link.data["departure"] == (T0 - H).isoformat()
    planned = NotifiedMovement(6, "icrc", ROUTE, T0 + H, T0 + 5 * H)
    arrived = NotifiedMovement(8, "icrc", ROUTE, T0 - 5 * H, T0 - H)
    assert links(report(36.80, 46.78), movements=[planned, arrived]) == []


def test_parties_concerned_are_the_union_over_the_links() -> None:
    site = NotifiedSite(3, "Synthetic clinic", "aid-one", Point(36.80, 46.80), T0 - 24 * H)
    found = links(report(36.80, 46.76), pauses=[corridor_pause()], sites=[site],
                  parties=PARTIES)
    assert [link.kind for link in found] == [LinkKind.POSSIBLE_BREACH, LinkKind.SITE_AFFECTED]
    assert parties_concerned(found) == ["party-a", "party-b"]
    assert parties_concerned([]) == []


def test_the_kyiv_strike_of_28_april_2022_is_linked_to_no_pause_of_the_azovstal_corridor(
) -> None:
    from corridor.demo.azovstal import WAYPOINTS

    route = LineString([(lon, lat) for _, lon, lat in WAYPOINTS])
    zone, _ = pause_zone(None, route, 3000)
    window = datetime(2022, 4, 28, 0, 0, tzinfo=UTC), datetime(2022, 5, 3, 15, 0, tzinfo=UTC)
    azovstal = PauseArea(1, "Azovstal", zone, *window, ("russia", "ukraine"))
    hospital = NotifiedSite(1, "Hospital", "unicef", Point(35.139, 47.838), window[0])
    convoy = NotifiedMovement(1, "icrc", route, window[0], window[1])
    kyiv = Report(Point(30.4727, 50.4606), 1000,
                  datetime(2022, 4, 28, 17, 0, tzinfo=UTC))
    assert links(kyiv, pauses=[azovstal], sites=[hospital], movements=[convoy],
                 parties=("russia", "ukraine")) == []
    assert buffer_m(route, 3000).distance(kyiv.point) > 3  # degrees: hundreds of km away

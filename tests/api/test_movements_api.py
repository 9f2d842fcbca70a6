"""Movements through the API: the lead-time rule, routes by place name, the deconfliction check
against agreed pauses and notified sites, exports, and bad input that records nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.test_groups_api import log_size
from tests.factories import World
from tests.notifications_helpers import (
    ALONG_CORRIDOR,
    ALPHA,
    BRAVO,
    CHARLIE,
    agreed_pause,
    check,
    movement_body,
    notify_movement,
    notify_site,
    window_start,
)
from tests.pauses_helpers import API, propose


def test_a_movement_notified_in_time_is_not_late(client: TestClient, world: World) -> None:
    movement = notify_movement(client, world, departs_in_hours=49)
    assert movement["late"] is False and movement["late_by"] is None
    assert movement["required_lead_hours"] == 48 and movement["phase"] == "planned"
    assert movement["length_km"] > 200
    assert movement["vehicles"] == {"count": 12, "type": "buses and ambulances",
                                    "marking": "white flag"}


def test_a_late_movement_is_accepted_and_marked_late_by_how_much(client: TestClient,
                                                                  world: World) -> None:
    movement = notify_movement(client, world, departs_in_hours=30)
    assert movement["late"] is True
    assert movement["late_by"] == "18 h" and movement["late_by_minutes"] == 18 * 60


def test_an_emergency_needs_only_the_emergency_lead_time_and_says_so(client: TestClient,
                                                                      world: World) -> None:
    movement = notify_movement(client, world, departs_in_hours=30, emergency=True)
    assert movement["emergency"] is True and movement["late"] is False
    assert movement["required_lead_hours"] == 24


def test_a_route_can_be_given_as_place_names(client: TestClient, world: World) -> None:
    movement = notify_movement(client, world, route=None,
                               via=["Mariupol", "Manhush", "Berdiansk", "Zaporizhzhia"])
    names = [w["place"] for w in movement["waypoints"]]
    assert names[0] == "Mariupol" and names[-1].startswith("Zaporizh")
    assert movement["route"]["type"] == "LineString"
    assert len(movement["route"]["coordinates"]) == 4


def test_an_unknown_place_name_is_refused_with_suggestions(client: TestClient, world: World,
                                                           db: Session) -> None:
    before = log_size(db)
    r = client.post(f"{API}/movements", headers=world.auth("aid-one.operator"),
                    json=movement_body(route=None, via=["Mariupol", "Berdyansq"]))
    assert r.status_code == 422
    assert r.json()["field"] == "/via/1"
    assert any(s.startswith("Berdyansk") for s in r.json()["suggestions"])
    assert log_size(db) == before


def _line(coordinates: list[Any]) -> dict[str, Any]:
    return {"route": {"type": "LineString", "coordinates": coordinates}}


@pytest.mark.parametrize(("change", "field"), [
    (_line([[37.0, 47.0], [37.5, 47.5], [37.5, 47.0], [37.0, 47.5]]), "/route"),  # crosses itself
    (_line([[37.0, 47.0], [37.0, 47.0]]), "/route"),  # degenerate: one point twice
    (_line([[37.0, 47.0]]), "/route"),  # a route of one point
    (_line([[37.0, 47.0], [237.0, 47.0]]), "/route"),  # longitude out of range
    (_line([[37.0, 47.0], [37.0, 97.0]]), "/route"),  # latitude out of range
    (_line([[37.0 + i * 1e-4, 47.0] for i in range(10_001)]), "/route"),  # too many vertices
    ({"route": {"type": "Point", "coordinates": [37.0, 47.0]}}, "/route"),
    ({"via": ["Mariupol", "Manhush"]}, "/route"),  # both a route and places
    ({"route": None}, "/route"),  # neither
    ({"via": ["Mariupol", "  "], "route": None}, "/via/1"),
    ({"arrival": "2001-01-01T00:00:00+00:00"}, "/arrival"),  # departure after arrival
    ({"departure": "2031-01-01T00:00:00", "arrival": "2031-01-02T00:00:00+00:00"}, "/departure"),
    ({"vehicles": {"count": 0, "type": "bus"}}, "/vehicles/count"),
    ({"staff": -1}, "/staff"),
    ({"pause": 9999}, "/pause"),
])
def test_bad_movement_input_is_refused_naming_the_field_and_records_nothing(
    client: TestClient, world: World, db: Session, change: dict[str, Any], field: str
) -> None:
    before = log_size(db)
    r = client.post(f"{API}/movements", headers=world.auth("aid-one.operator"),
                    json=movement_body(**change))
    assert r.status_code == 422, r.text
    # A geometry's field points at the very coordinate: /route/coordinates/1/0.
    assert r.json()["field"] == field or r.json()["field"].startswith(field + "/"), r.json()
    assert log_size(db) == before


def test_a_route_of_a_million_vertices_is_refused_before_it_is_read(
    client: TestClient, world: World, db: Session
) -> None:
    before = log_size(db)
    body = movement_body(**_line([[37.0, 47.0]] * 1_000_000))
    r = client.post(f"{API}/movements", headers=world.auth("aid-one.operator"), json=body)
    assert r.status_code == 413 and r.json()["field"] == "body"
    assert log_size(db) == before


def test_a_movement_along_an_agreed_corridor_inside_its_window_is_covered(
    client: TestClient, world: World
) -> None:
    pause = agreed_pause(client, world)
    movement = notify_movement(client, world, pause=pause["id"])
    result = check(client, world, movement["id"])
    assert result["covered"] is True and result["covered_by"] == [pause["id"]]
    assert result["summary"]["code"] == "covered"
    [finding] = result["pauses"]
    assert finding["code"] == "covered" and "whole route" in finding["reason"]
    assert result["incidents"] == [] and result["radius_km"] == 10


def test_an_unlinked_movement_is_still_found_covered_by_the_pause_it_fits(
    client: TestClient, world: World
) -> None:
    pause = agreed_pause(client, world)
    movement = notify_movement(client, world)
    assert check(client, world, movement["id"])["covered_by"] == [pause["id"]]


def test_a_detour_says_where_the_route_leaves_the_corridor(client: TestClient,
                                                           world: World) -> None:
    pause = agreed_pause(client, world)
    detour = [ALPHA, [37.30, 46.983], [37.10, 47.10], BRAVO, CHARLIE]
    movement = notify_movement(client, world, pause=pause["id"], **_line(detour))
    result = check(client, world, movement["id"])
    assert result["covered"] is False and result["summary"]["code"] == "not_covered"
    [leaves] = result["pauses"]
    assert leaves["code"] == "leaves_pause"
    assert 20 < leaves["data"]["from_km"] < 30  # a little after the turn at km 23
    assert leaves["data"]["from_km"] + 10 < leaves["data"]["to_km"] < movement["length_km"]
    assert f"from km {leaves['data']['from_km']:.1f}" in leaves["reason"]


def test_times_outside_the_window_are_reported_with_by_how_much(client: TestClient,
                                                               world: World) -> None:
    pause = agreed_pause(client, world)
    # The window lasts 24 h; this movement leaves 2 h before it opens and arrives 3 h late.
    start = window_start(pause)
    movement = notify_movement(client, world, pause=pause["id"],
                               departure=(start - timedelta(hours=2)).isoformat(),
                               arrival=(start + timedelta(hours=27)).isoformat())
    result = check(client, world, movement["id"])
    codes = {f["code"]: f for f in result["pauses"]}
    assert set(codes) == {"departs_before_window", "arrives_after_window"}
    assert codes["departs_before_window"]["data"]["by_seconds"] == 2 * 3600
    assert "2 h before the window" in codes["departs_before_window"]["reason"]
    assert "3 h after the window" in codes["arrives_after_window"]["reason"]


def test_a_linked_pause_not_yet_agreed_covers_nothing(client: TestClient, world: World) -> None:
    pause = propose(client, world)
    movement = notify_movement(client, world, pause=pause["id"])
    result = check(client, world, movement["id"])
    assert [f["code"] for f in result["pauses"]] == ["pause_not_agreed"]
    assert "is proposed: only an agreed pause" in result["pauses"][0]["reason"]


def test_without_any_pause_the_check_says_nothing_was_agreed(client: TestClient,
                                                             world: World) -> None:
    movement = notify_movement(client, world)
    result = check(client, world, movement["id"], who="party-b.viewer")
    assert result["covered"] is False and result["summary"]["code"] == "no_pause"


def test_the_check_lists_nearby_sites_nearest_first_within_need_to_know(
    client: TestClient, world: World
) -> None:
    own = notify_site(client, world, name="Own clinic")  # ~5.6 km from the route
    other = notify_site(client, world, who="aid-two.operator", name="Other depot",
                        type="warehouse", lon=37.20, lat=46.94)  # ~1 km from the route
    notify_site(client, world, name="Kyiv office", type="office", lon=30.52, lat=50.45)
    movement = notify_movement(client, world)
    mine = check(client, world, movement["id"])
    assert [f["data"]["site"] for f in mine["sites"]] == [own["id"]]
    theirs = check(client, world, movement["id"], who="party-a.viewer")
    assert [f["data"]["site"] for f in theirs["sites"]] == [other["id"], own["id"]]
    assert "aid-two's warehouse 'Other depot'" in theirs["sites"][0]["reason"]
    near = check(client, world, movement["id"], who="party-a.viewer", radius_km=3)
    assert [f["data"]["site"] for f in near["sites"]] == [other["id"]]


def test_a_check_radius_out_of_range_is_refused(client: TestClient, world: World) -> None:
    movement = notify_movement(client, world)
    r = client.get(f"{API}/movements/{movement['id']}/check",
                   headers=world.auth("aid-one.viewer"), params={"radius_km": 1000})
    assert r.status_code == 422 and r.json()["field"] == "radius_km"


def test_the_movement_list_is_exported_as_geojson_and_hxl_csv(client: TestClient,
                                                             world: World) -> None:
    first = notify_movement(client, world, departs_in_hours=80)
    second = notify_movement(client, world, departs_in_hours=30)
    auth = world.auth("convener.viewer")
    listed = client.get(f"{API}/movements", headers=auth).json()
    assert [m["id"] for m in listed] == [second["id"], first["id"]]  # by departure
    collection = client.get(f"{API}/movements.geojson", headers=auth).json()
    assert collection["type"] == "FeatureCollection"
    assert collection["features"][1]["geometry"] == ALONG_CORRIDOR
    assert collection["features"][0]["properties"]["late"] is True
    rows = list(csv.reader(io.StringIO(client.get(f"{API}/movements.csv", headers=auth).text)))
    assert rows[1][:2] == ["#activity+code", "#org"] and "#date+start" in rows[1]
    assert "late by 18 h" in rows[2][rows[1].index("#status")]
    assert rows[2][0] == str(second["id"])  # the rows follow the list's order

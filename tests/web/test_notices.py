"""The movement pages: the list (route, times, vehicles, late marking, receipts), a movement's page
with the Acknowledge button and the deconfliction check drawn on the map, and need to know."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy.orm import Session

from tests.notifications_helpers import (
    ALPHA,
    BRAVO,
    CHARLIE,
    acknowledge,
    agreed_pause,
    notify_movement,
    notify_site,
)
from tests.pauses_helpers import API
from tests.web_helpers import logged_in


def _map(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="notices-geojson">(.*?)</script>',
                      html, re.S)
    assert found, "the page has no map data"
    return dict(json.loads(found.group(1)))


def test_the_list_shows_route_times_vehicles_late_marking_and_each_party_s_receipt(
        client: Any, db: Session, world: Any) -> None:
    late = notify_movement(client, world, departs_in_hours=10)
    on_time = notify_movement(client, world)
    assert acknowledge(client, world, "movements", late["id"], "party-a.operator"
                       ).status_code == 201
    logged_in(client, db, world.people["convener.viewer"])
    db.rollback()
    page = client.get("/movements")
    assert page.status_code == 200
    row = page.text.split(f'data-movement="{late["id"]}"')[1].split("</tr>")[0]
    assert "Late by 1 day 14 hours" in row
    assert "12 vehicles" in row and "buses and ambulances" in row
    assert "party-a: Acknowledged" in row and "party-b: Pending" in row
    other = page.text.split(f'data-movement="{on_time["id"]}"')[1].split("</tr>")[0]
    assert "Late by" not in other and "Planned" in other
    features = _map(page.text)["features"]
    assert {f["id"] for f in features} == {late["id"], on_time["id"]}
    assert features[0]["properties"]["url"] == f"/movements/{features[0]['id']}"


def test_a_party_acknowledges_a_movement_from_its_page_once(
        client: Any, db: Session, world: Any) -> None:
    movement = notify_movement(client, world)
    csrf = logged_in(client, db, world.people["party-b.operator"])
    db.rollback()
    page = client.get(f"/movements/{movement['id']}")
    assert page.status_code == 200 and 'id="acknowledge"' in page.text
    done = client.post(f"/movements/{movement['id']}/acknowledge", data={"csrf_token": csrf},
                       follow_redirects=False)
    assert done.status_code == 303
    after = client.get(f"/movements/{movement['id']}").text
    assert 'id="acknowledge"' not in after
    assert re.search(r'data-party="party-b">.*?Acknowledged.*?party-b\.operator', after, re.S)
    api = client.get(f"{API}/movements/{movement['id']}",
                     headers=world.auth("aid-one.operator")).json()
    assert {a["party"]: a["status"] for a in api["acknowledgements"]} == {
        "party-a": "pending", "party-b": "acknowledged"}
    again = client.post(f"/movements/{movement['id']}/acknowledge", data={"csrf_token": csrf})
    assert again.status_code == 409 and 'id="ack-error"' in again.text
    assert "Already acknowledged." in again.text


def test_an_acknowledgement_without_the_form_token_is_refused(
        client: Any, db: Session, world: Any) -> None:
    movement = notify_movement(client, world)
    logged_in(client, db, world.people["party-a.operator"])
    db.rollback()
    r = client.post(f"/movements/{movement['id']}/acknowledge", data={"csrf_token": "forged"})
    assert r.status_code == 403
    api = client.get(f"{API}/movements/{movement['id']}", headers=world.auth("aid-one.operator"))
    assert {a["status"] for a in api.json()["acknowledgements"]} == {"pending"}


def test_the_notifier_sees_no_acknowledge_button_and_cannot_acknowledge(
        client: Any, db: Session, world: Any) -> None:
    movement = notify_movement(client, world)
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    db.rollback()
    assert 'id="acknowledge"' not in client.get(f"/movements/{movement['id']}").text
    r = client.post(f"/movements/{movement['id']}/acknowledge", data={"csrf_token": csrf})
    assert r.status_code == 403


def test_the_check_on_the_page_says_covered_by_the_agreed_pause_and_draws_its_corridor(
        client: Any, db: Session, world: Any) -> None:
    pause = agreed_pause(client, world)
    movement = notify_movement(client, world, pause=pause["id"])
    site = notify_site(client, world, name="Synthetic clinic by the road")
    api_check = client.get(f"{API}/movements/{movement['id']}/check",
                           headers=world.auth("party-a.operator")).json()
    logged_in(client, db, world.people["party-a.operator"])
    db.rollback()
    page = client.get(f"/movements/{movement['id']}")
    assert page.status_code == 200
    assert 'data-code="covered"' in page.text and "Covered by agreed pause" in page.text
    assert api_check["covered_by"] == [pause["id"]]
    assert api_check["pauses"][0]["reason"].replace("'", "&#39;") in page.text
    assert "Synthetic clinic by the road" in page.text
    assert f'href="/sites/{site["id"]}"' in page.text
    parts = {(f["properties"]["kind"], f["properties"]["part"])
             for f in _map(page.text)["features"]}
    assert ("pause", "buffer") in parts and ("movement", "route") in parts
    assert ("site", "site") in parts and ("outside", "outside") not in parts


def test_a_detour_is_drawn_in_red_from_km_a_to_km_b_and_said_in_words(
        client: Any, db: Session, world: Any) -> None:
    pause = agreed_pause(client, world)
    detour = [ALPHA, [37.30, 46.983], [37.10, 47.10], BRAVO, CHARLIE]
    movement = notify_movement(client, world, pause=pause["id"],
                               route={"type": "LineString", "coordinates": detour})
    logged_in(client, db, world.people["convener.viewer"])
    db.rollback()
    text = client.get(f"/movements/{movement['id']}").text
    check = client.get(f"{API}/movements/{movement['id']}/check",
                       headers=world.auth("convener.viewer")).json()
    [leaves] = check["pauses"]
    a, b = leaves["data"]["from_km"], leaves["data"]["to_km"]
    assert 'data-code="not_covered"' in text and "Leaves the corridor" in text
    assert f"from km {a:.1f} to km {b:.1f}" in text
    [red] = [f for f in _map(text)["features"] if f["properties"]["part"] == "outside"]
    coords = red["geometry"]["coordinates"]
    assert red["properties"]["from_km"] == a and red["properties"]["to_km"] == b
    assert abs(coords[0][0] - leaves["data"]["from"][0]) < 1e-6
    assert abs(coords[-1][1] - leaves["data"]["to"][1]) < 1e-6
    assert [37.10, 47.10] in coords  # the furthest point of the detour lies on the red stretch


def test_another_humanitarian_organisation_does_not_see_the_movement(
        client: Any, db: Session, world: Any) -> None:
    movement = notify_movement(client, world)
    logged_in(client, db, world.people["aid-two.operator"])
    db.rollback()
    assert client.get(f"/movements/{movement['id']}").status_code == 404
    listed = client.get("/movements").text
    assert f'data-movement="{movement["id"]}"' not in listed
    assert client.get(f"/movements/{movement['id']}/acknowledge").status_code == 405


def test_the_pages_ask_for_a_login(client: Any) -> None:
    r = client.get("/movements", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")

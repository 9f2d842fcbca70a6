"""Places a group adds to the gazetteer: added with a log entry, found by name search beside the
registry's, used by routes (`via`) and sites (`place`) of that group only, and bad input refused
naming the field with nothing recorded."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.places import service as places
from tests.api.test_groups_api import log_size
from tests.factories import World, make_world
from tests.notifications_helpers import movement_body, site_body
from tests.pauses_helpers import API

CHECKPOINT = {"name": "Checkpoint Zakhidnyi-7", "lon": 37.2, "lat": 47.06, "country": "ua",
              "kind": "checkpoint", "note": "the western checkpoint agreed on 30 April"}


def add(client: TestClient, world: World, who: str = "party-a.operator", **changes: Any) -> Any:
    return client.post(f"{API}/places", headers=world.auth(who), json={**CHECKPOINT, **changes})


def test_a_place_added_by_a_party_is_listed_and_logged(client: TestClient, world: World,
                                                       db: Session) -> None:
    before = log_size(db)
    r = add(client, world)
    assert r.status_code == 201, r.text
    place = r.json()
    assert place["source"] == "group" and place["country"] == "UA"
    assert place["kind"] == "checkpoint" and place["log_index"] is not None
    assert log_size(db) == before + 1
    listed = client.get(f"{API}/places", headers=world.auth("donor.viewer")).json()
    assert [p["name"] for p in listed] == ["Checkpoint Zakhidnyi-7"]


def test_a_search_finds_the_groups_places_first_then_the_registrys(client: TestClient,
                                                                     world: World) -> None:
    assert add(client, world, name="Mariupol port gate").status_code == 201
    found = client.get(f"{API}/places", params={"q": "mariu"},
                       headers=world.auth("aid-one.viewer")).json()
    assert found[0]["name"] == "Mariupol port gate" and found[0]["source"] == "group"
    assert "Mariupol" in [p["name"] for p in found if p["source"] == "geonames"]
    fuzzy = client.get(f"{API}/places", params={"q": "Berdyansk"},
                       headers=world.auth("aid-one.viewer")).json()
    assert fuzzy and fuzzy[0]["name"].startswith("Berd")


def test_routes_and_sites_by_name_use_the_groups_own_places(client: TestClient,
                                                            world: World) -> None:
    assert add(client, world).status_code == 201
    r = client.post(f"{API}/movements", headers=world.auth("aid-one.operator"), json=movement_body(
        route=None, via=["Mariupol", "checkpoint zakhidnyi 7", "Berdiansk"]))
    assert r.status_code == 201, r.text
    middle = r.json()["waypoints"][1]
    assert middle["place"] == "Checkpoint Zakhidnyi-7" and [middle["lon"], middle["lat"]] == [
        37.2, 47.06]
    r = client.post(f"{API}/sites", headers=world.auth("aid-one.operator"),
                    json=site_body(lon=None, lat=None, place="Checkpoint Zakhidnyi-7"))
    assert r.status_code == 201, r.text
    assert (r.json()["lon"], r.json()["lat"]) == (37.2, 47.06)


def test_a_name_unknown_to_the_group_and_the_registry_is_refused_with_suggestions(
        client: TestClient, world: World, db: Session) -> None:
    assert add(client, world).status_code == 201
    before = log_size(db)
    r = client.post(f"{API}/movements", headers=world.auth("aid-one.operator"), json=movement_body(
        route=None, via=["Mariupol", "Checkpoint Zakhidnyi-8x"]))
    assert r.status_code == 422 and r.json()["field"] == "/via/1"
    assert "Checkpoint Zakhidnyi-7" in r.json()["detail"]
    r = client.post(f"{API}/sites", headers=world.auth("aid-one.operator"),
                    json=site_body(place="Mariupol"))
    assert r.status_code == 422 and r.json()["field"] == "/place"
    assert log_size(db) == before


def test_bad_places_name_the_field_and_record_nothing(client: TestClient, world: World,
                                                      db: Session) -> None:
    assert add(client, world).status_code == 201
    before = log_size(db)
    cases = [
        (add(client, world, name="CHECKPOINT zakhidnyi 7"), 409, "/name"),
        (add(client, world, name="  -- "), 422, "/name"),
        (add(client, world, name="Elsewhere", lat=91), 422, "/lat"),
        (add(client, world, name="Elsewhere", lon=-181), 422, "/lon"),
        (add(client, world, name="Elsewhere", who="donor.admin"), 403, None),
    ]
    for response, status, field in cases:
        assert response.status_code == status, response.text
        assert response.json().get("field") == field, response.json()
    assert log_size(db) == before


def test_a_groups_places_stay_its_own(client: TestClient, world: World, db: Session,
                                      settings: Settings) -> None:
    assert add(client, world).status_code == 201
    other = make_world(db, settings, slug="other")
    assert places.gazetteer(db, group_id=other.group.id).candidates("Checkpoint Zakhidnyi-7") == []

"""Amending and withdrawing sites and movements through the API: only the notifier may, an
amendment names the version it amends and makes receipts pending again, a withdrawn notice leaves
the lists, the check and the spatial index, and bad input records nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.test_groups_api import log_size
from tests.factories import World
from tests.notifications_helpers import (
    acknowledge,
    check,
    movement_body,
    notify_movement,
    notify_site,
    site_body,
)
from tests.pauses_helpers import API


def amend(client: TestClient, world: World, what: str, id_: int, body: dict[str, Any],
          who: str = "aid-one.operator") -> Any:
    return client.post(f"{API}/{what}/{id_}/amend", headers=world.auth(who), json=body)


def withdraw(client: TestClient, world: World, what: str, id_: int, version: int,
             who: str = "aid-one.operator") -> Any:
    return client.post(f"{API}/{what}/{id_}/withdraw", headers=world.auth(who),
                       json={"version": version, "reason": "plans changed"})


def statuses(subject: dict[str, Any]) -> dict[str, str]:
    return {a["party"]: a["status"] for a in subject["acknowledgements"]}


def test_an_amended_movement_is_a_new_version_awaiting_every_party_again(
        client: TestClient, world: World) -> None:
    movement = notify_movement(client, world)
    for party in ("party-a", "party-b"):
        assert acknowledge(client, world, "movements", movement["id"],
                           f"{party}.operator").status_code == 201
    r = amend(client, world, "movements", movement["id"],
              movement_body(passengers=180, version=1))
    assert r.status_code == 200, r.text
    amended = r.json()
    assert amended["version"] == 2 and amended["passengers"] == 180
    assert amended["content_hash"] != movement["content_hash"]
    assert statuses(amended) == {"party-a": "pending", "party-b": "pending"}
    history = amended["earlier_acknowledgements"]
    assert {(a["party"], a["version"]) for a in history} == {("party-a", 1), ("party-b", 1)}
    assert all(a["content_hash"] == movement["content_hash"] for a in history)
    r = acknowledge(client, world, "movements", movement["id"], "party-a.operator")
    assert r.status_code == 201
    assert statuses(r.json())["party-a"] == "acknowledged"
    assert r.json()["acknowledgements"][0]["version"] == 2


def test_an_amendment_of_a_stale_version_is_refused_and_records_nothing(
        client: TestClient, world: World, db: Session) -> None:
    movement = notify_movement(client, world)
    assert amend(client, world, "movements", movement["id"],
                 movement_body(staff=25, version=1)).status_code == 200
    before = log_size(db)
    r = amend(client, world, "movements", movement["id"], movement_body(staff=30, version=1))
    assert r.status_code == 409 and r.json()["field"] == "/version"
    assert "current version is 2" in r.json()["detail"]
    assert log_size(db) == before


def test_only_the_notifying_organisation_amends_or_withdraws(client: TestClient, world: World,
                                                             db: Session) -> None:
    site = notify_site(client, world)
    before = log_size(db)
    r = amend(client, world, "sites", site["id"], site_body(name="Mine now", version=1),
              who="convener.operator")
    assert r.status_code == 403 and r.json()["permission"] == "notification.amend"
    r = withdraw(client, world, "sites", site["id"], 1, who="party-a.operator")
    assert r.status_code == 403
    # Another humanitarian organisation does not even see it.
    assert withdraw(client, world, "sites", site["id"], 1, who="aid-two.operator"
                    ).status_code == 404
    assert log_size(db) == before


def test_bad_amendments_name_the_field_and_record_nothing(client: TestClient, world: World,
                                                          db: Session) -> None:
    site = notify_site(client, world)
    movement = notify_movement(client, world)
    before = log_size(db)
    cases = [
        (amend(client, world, "sites", site["id"], site_body(version=1)), 422, "/version"),
        (amend(client, world, "sites", site["id"], site_body(lat=91, version=1)), 422, "/lat"),
        (amend(client, world, "sites", site["id"], site_body()), 422, "/version"),
        (amend(client, world, "movements", movement["id"], movement_body(
            version=1, route={"type": "LineString", "coordinates": [[37.5, 47.1]]})), 422,
         "/route/coordinates"),
        (amend(client, world, "movements", movement["id"], movement_body(
            version=1, hours=-2)), 422, "/arrival"),
        (amend(client, world, "movements", 99999, movement_body(version=1)), 404, "movement"),
    ]
    for response, status, field in cases:
        assert response.status_code == status, response.text
        assert response.json()["field"] == field, response.json()
    assert log_size(db) == before


def test_an_amended_site_moves_in_the_spatial_index(client: TestClient, world: World) -> None:
    site = notify_site(client, world, lon=36.80, lat=46.80)  # on the corridor
    movement = notify_movement(client, world)
    assert [f["data"]["site"] for f in check(client, world, movement["id"])["sites"]] == [
        site["id"]]
    r = amend(client, world, "sites", site["id"], site_body(lon=30.5, lat=50.4, version=1))
    assert r.status_code == 200 and r.json()["version"] == 2
    assert check(client, world, movement["id"])["sites"] == []


def test_a_withdrawn_site_leaves_the_list_the_check_and_cannot_be_acknowledged(
        client: TestClient, world: World, db: Session) -> None:
    site = notify_site(client, world)
    movement = notify_movement(client, world)
    assert check(client, world, movement["id"])["sites"]
    r = withdraw(client, world, "sites", site["id"], 1)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn" and r.json()["withdrawn_at"]
    assert client.get(f"{API}/sites", headers=world.auth("party-a.operator")).json() == []
    assert check(client, world, movement["id"])["sites"] == []
    before = log_size(db)
    r = acknowledge(client, world, "sites", site["id"], "party-a.operator")
    assert r.status_code == 409 and r.json()["field"] == "site"
    assert withdraw(client, world, "sites", site["id"], 1).status_code == 409
    assert amend(client, world, "sites", site["id"], site_body(name="Again", version=1)
                 ).status_code == 409
    assert log_size(db) == before
    # Its record stays readable, as history.
    shown = client.get(f"{API}/sites/{site['id']}", headers=world.auth("convener.operator"))
    assert shown.status_code == 200 and shown.json()["status"] == "withdrawn"


def test_the_check_of_a_withdrawn_movement_says_so(client: TestClient, world: World) -> None:
    movement = notify_movement(client, world)
    assert withdraw(client, world, "movements", movement["id"], 1).status_code == 200
    result = check(client, world, movement["id"])
    assert result["covered"] is False and result["summary"]["code"] == "withdrawn"
    assert "withdrawn" in result["summary"]["reason"]
    assert client.get(f"{API}/movements", headers=world.auth("aid-one.operator")).json() == []
    r = acknowledge(client, world, "movements", movement["id"], "party-b.operator")
    assert r.status_code == 409

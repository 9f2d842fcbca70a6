"""Notifying sites and movements through the API, each party's acknowledgement, need to know,
the lead-time rule, exports, and every refusal of bad input leaving nothing written."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.clock import FixedClock
from corridor.log.models import LogEntry
from tests.api.test_groups_api import log_size
from tests.factories import World
from tests.notifications_helpers import acknowledge, notify_movement, notify_site
from tests.pauses_helpers import API


def statuses(subject: dict[str, Any]) -> dict[str, str]:
    return {a["party"]: a["status"] for a in subject["acknowledgements"]}


def test_a_notified_site_is_pending_for_each_party_and_logged_once(
    client: TestClient, world: World, db: Session
) -> None:
    before = log_size(db)
    site = notify_site(client, world)
    assert log_size(db) == before + 1
    assert site["organisation"] == "aid-one" and site["type"] == "hospital"
    assert statuses(site) == {"party-a": "pending", "party-b": "pending"}
    assert site["stale"] is False and site["log_index"] is not None


def test_a_partys_operator_acknowledges_for_its_own_party_as_a_log_entry(
    client: TestClient, world: World, db: Session
) -> None:
    site = notify_site(client, world)
    before = log_size(db)
    r = acknowledge(client, world, "sites", site["id"], "party-a.operator")
    assert r.status_code == 201, r.text
    assert log_size(db) == before + 1
    shown = client.get(f"{API}/sites/{site['id']}", headers=world.auth("aid-one.viewer")).json()
    assert statuses(shown) == {"party-a": "acknowledged", "party-b": "pending"}
    receipt = next(a for a in shown["acknowledgements"] if a["party"] == "party-a")
    assert receipt["by"] == "party-a.operator"
    assert receipt["content_hash"] == site["content_hash"]
    entry = db.scalar(select(LogEntry).where(LogEntry.seq == receipt["log_index"]))
    db.rollback()
    assert entry is not None and entry.type == "site.acknowledged"


def test_a_receipt_not_given_by_the_deadline_is_overdue(client: TestClient,
                                                        world: World) -> None:
    fixed = FixedClock(datetime.now(UTC))
    clock.set_clock(fixed)
    movement = notify_movement(client, world)
    acknowledge(client, world, "movements", movement["id"], "party-b.operator")
    fixed.advance(timedelta(hours=world.group.ack_deadline_hours, seconds=1))
    r = client.get(f"{API}/movements/{movement['id']}/acknowledgements",
                   headers=world.auth("convener.viewer"))
    assert {a["party"]: a["status"] for a in r.json()} == {"party-a": "overdue",
                                                           "party-b": "acknowledged"}


@pytest.mark.parametrize(("who", "body", "status", "field"), [
    ("party-a.operator", {"party": "party-b"}, 403, "/party"),
    ("party-a.viewer", {}, 403, None),
    ("aid-two.operator", {}, 404, None),  # it does not even see the notice
    ("icrc.admin", {"party": "party-a"}, 403, None),
])
def test_acknowledging_for_another_party_or_without_the_role_is_refused_and_writes_nothing(
    client: TestClient, world: World, db: Session, who: str, body: dict[str, Any],
    status: int, field: str | None
) -> None:
    movement = notify_movement(client, world, who="icrc.operator")
    before = log_size(db)
    r = acknowledge(client, world, "movements", movement["id"], who, body)
    assert r.status_code == status, r.text
    if status == 403:
        assert r.json()["permission"] == "notification.acknowledge"
        assert r.json().get("field") == field
    assert log_size(db) == before


def test_a_second_acknowledgement_by_the_same_party_is_refused(
    client: TestClient, world: World, db: Session
) -> None:
    site = notify_site(client, world)
    assert acknowledge(client, world, "sites", site["id"], "party-a.operator").status_code == 201
    before = log_size(db)
    r = acknowledge(client, world, "sites", site["id"], "party-a.admin")
    assert r.status_code == 409 and r.json()["field"] == "/party"
    assert log_size(db) == before


def test_other_humanitarian_organisations_never_see_a_notice(client: TestClient,
                                                             world: World) -> None:
    site = notify_site(client, world)
    movement = notify_movement(client, world)
    for who in ("party-a.viewer", "convener.viewer", "icrc.viewer", "aid-one.viewer"):
        assert client.get(f"{API}/sites/{site['id']}", headers=world.auth(who)).status_code == 200
        listed = client.get(f"{API}/movements", headers=world.auth(who)).json()
        assert [m["id"] for m in listed] == [movement["id"]]
    other = world.auth("aid-two.admin")
    assert client.get(f"{API}/sites/{site['id']}", headers=other).status_code == 404
    assert client.get(f"{API}/movements/{movement['id']}", headers=other).status_code == 404
    assert client.get(f"{API}/movements/{movement['id']}/check", headers=other).status_code == 404
    assert client.get(f"{API}/sites", headers=other).json() == []
    assert client.get(f"{API}/movements.geojson", headers=other).json()["features"] == []
    assert client.get(f"{API}/sites", headers=world.auth("donor.admin")).status_code == 403


def test_a_party_sees_only_its_own_receipt_the_notifier_and_convener_see_all(
    client: TestClient, world: World
) -> None:
    site = notify_site(client, world)
    for who, parties in [("party-a.viewer", {"party-a"}), ("icrc.viewer", set()),
                         ("aid-one.viewer", {"party-a", "party-b"}),
                         ("convener.viewer", {"party-a", "party-b"})]:
        shown = client.get(f"{API}/sites/{site['id']}", headers=world.auth(who)).json()
        assert set(statuses(shown)) == parties, who


def test_the_log_holds_a_hash_of_a_notice_not_its_places(client: TestClient, world: World,
                                                         db: Session) -> None:
    movement = notify_movement(client, world)
    entry = db.scalar(select(LogEntry).where(LogEntry.seq == movement["log_index"]))
    db.rollback()
    assert entry is not None
    payload = json.loads(entry.data)["payload"]
    assert payload == {"movement": movement["id"], "organisation": "aid-one",
                       "content_hash": movement["content_hash"]}


def test_a_site_not_reconfirmed_in_time_is_stale_until_confirmed(
    client: TestClient, world: World, db: Session
) -> None:
    fixed = FixedClock(datetime.now(UTC))
    clock.set_clock(fixed)
    site = notify_site(client, world)
    fixed.advance(timedelta(days=world.group.site_stale_days, minutes=1))
    url = f"{API}/sites/{site['id']}"
    assert client.get(url, headers=world.auth("party-a.viewer")).json()["stale"] is True
    assert client.post(f"{url}/confirmations",
                       headers=world.auth("aid-two.operator")).status_code == 404
    before = log_size(db)
    r = client.post(f"{url}/confirmations", headers=world.auth("aid-one.operator"))
    assert r.status_code == 201 and r.json()["stale"] is False
    assert log_size(db) == before + 1


def test_the_site_list_is_exported_as_geojson_and_hxl_csv(client: TestClient,
                                                         world: World) -> None:
    notify_site(client, world, name="=HYPERLINK(evil)")
    notify_site(client, world, name="Far depot", type="warehouse", lon=30.5, lat=50.4)
    auth = world.auth("party-a.viewer")
    r = client.get(f"{API}/sites.geojson", headers=auth, params={"bbox": "36,46,38,48"})
    assert r.headers["content-type"].startswith("application/geo+json")
    collection = r.json()
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    [feature] = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.8, 46.8]}
    assert feature["properties"]["acknowledgements"] == {"party-a": "pending"}
    r = client.get(f"{API}/sites.csv", headers=auth)
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[1][:6] == ["#loc+code", "#loc+name", "#loc+type", "#geo+lat", "#geo+lon", "#org"]
    assert "#date+notified" in rows[1] and "#status" in rows[1]
    assert rows[2][1] == "'=HYPERLINK(evil)" and rows[3][1] == "Far depot"
    assert len(rows) == 4


@pytest.mark.parametrize(("change", "field"), [
    ({"lat": 91}, "/lat"), ({"lon": -180.5}, "/lon"), ({"name": "   "}, "/name"),
    ({"type": "bunker"}, "/type"), ({"people_present": -1}, "/people_present"),
])
def test_bad_site_input_is_refused_naming_the_field(client: TestClient, world: World,
                                                    db: Session, change: dict[str, Any],
                                                    field: str) -> None:
    from tests.notifications_helpers import site_body

    before = log_size(db)
    r = client.post(f"{API}/sites", headers=world.auth("aid-one.operator"),
                    json=site_body(**change))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert log_size(db) == before


def test_only_operators_of_notifying_members_notify(client: TestClient, world: World,
                                                   db: Session) -> None:
    from tests.notifications_helpers import site_body

    before = log_size(db)
    for who in ("party-a.admin", "aid-one.viewer", "donor.admin"):
        r = client.post(f"{API}/sites", headers=world.auth(who), json=site_body())
        assert r.status_code == 403, who
    assert log_size(db) == before


def test_anyone_who_sees_a_notice_can_recompute_its_hash(client: TestClient,
                                                         world: World) -> None:
    from corridor.notifications.content import content_hash

    site = notify_site(client, world)
    movement = notify_movement(client, world)
    for subject in (site, movement):
        assert content_hash(subject["content"]) == subject["content_hash"]
    assert movement["content"]["route"] == movement["route"]

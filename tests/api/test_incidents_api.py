"""Incident reports through the API: links to what they touch, follow-ups answered by the
parties concerned or closed by the convener, evidence by digest, exports, and refusals that write
nothing."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import hxl  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corridor.app import create_app
from corridor.config import Settings
from tests.api.test_groups_api import log_size
from tests.factories import World
from tests.incidents_helpers import ON_CORRIDOR, at, incident_body, report
from tests.notifications_helpers import agreed_pause, notify_site
from tests.pauses_helpers import API


def inside_an_agreed_pause(client: TestClient, world: World) -> dict[str, Any]:
    """An agreed pause, with the clock moved two hours into its window."""
    fixed = at(datetime.now(UTC))
    pause = agreed_pause(client, world)
    fixed.advance(timedelta(hours=74))
    return pause


def test_a_report_linked_to_nothing_is_recorded_once_with_no_follow_up(
    client: TestClient, world: World, db: Session
) -> None:
    before = log_size(db)
    incident = report(client, world)
    assert log_size(db) == before + 1
    assert incident["reported_by"] == "icrc" and incident["status"] == "not_linked"
    assert incident["links"] == [] and incident["followup"] is None
    assert incident["killed"] == 1 and incident["injured"] == 5
    assert incident["casualties"]["injured"] == {"children": 2, "adults": 3, "age_unknown": 0}
    assert incident["log_index"] is not None and "claim" in incident["narrative_is"]


def test_a_report_inside_an_agreed_pause_is_a_possible_breach_with_a_follow_up(
    client: TestClient, world: World
) -> None:
    pause = inside_an_agreed_pause(client, world)
    incident = report(client, world, at=ON_CORRIDOR)
    [link] = incident["links"]
    assert link["kind"] == "possible_breach" and link["subject"] == pause["id"]
    assert link["distance_m"] == 0 and "Possible breach" in link["reason"]
    assert incident["status"] == "open"
    assert incident["followup"]["awaiting"] == ["party-a", "party-b"]


def test_the_follow_up_is_answered_when_every_party_concerned_has_answered(
    client: TestClient, world: World, db: Session
) -> None:
    inside_an_agreed_pause(client, world)
    incident = report(client, world, at=ON_CORRIDOR)
    answers = f"{API}/incidents/{incident['id']}/answers"
    before = log_size(db)
    r = client.post(answers, headers=world.auth("party-a.operator"),
                    json={"text": "Synthetic answer: no fire from our side was recorded."})
    assert r.status_code == 201, r.text
    assert log_size(db) == before + 1
    assert r.json()["status"] == "open" and r.json()["followup"]["awaiting"] == ["party-b"]
    r = client.post(answers, headers=world.auth("party-b.operator"), json={"text": "Noted."})
    followup = r.json()["followup"]
    assert followup["status"] == "answered" and followup["awaiting"] == []
    assert [a["party"] for a in followup["answers"]] == ["party-a", "party-b"]
    assert all(a["log_index"] is not None for a in followup["answers"])


@pytest.mark.parametrize(("who", "status"), [
    ("aid-one.operator", 403),  # not a party
    ("party-a.viewer", 403),  # not an operator
])
def test_only_a_partys_operator_answers_and_a_refusal_writes_nothing(
    client: TestClient, world: World, db: Session, who: str, status: int
) -> None:
    inside_an_agreed_pause(client, world)
    incident = report(client, world, at=ON_CORRIDOR)
    before = log_size(db)
    r = client.post(f"{API}/incidents/{incident['id']}/answers", headers=world.auth(who),
                    json={"text": "Synthetic."})
    assert r.status_code == status, r.text
    assert log_size(db) == before


def test_a_report_linked_to_nothing_cannot_be_answered(client: TestClient,
                                                       world: World) -> None:
    incident = report(client, world)
    r = client.post(f"{API}/incidents/{incident['id']}/answers",
                    headers=world.auth("party-a.operator"), json={"text": "Synthetic."})
    assert r.status_code == 409 and r.json()["field"] == "incident"


def test_the_convener_closes_a_follow_up_with_a_reason_once(
    client: TestClient, world: World, db: Session
) -> None:
    inside_an_agreed_pause(client, world)
    incident = report(client, world, at=ON_CORRIDOR)
    close = f"{API}/incidents/{incident['id']}/close"
    r = client.post(close, headers=world.auth("party-a.negotiator"), json={"reason": "Done."})
    assert r.status_code == 403
    before = log_size(db)
    r = client.post(close, headers=world.auth("convener.negotiator"),
                    json={"reason": "Discussed at the meeting of the group."})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and log_size(db) == before + 1
    assert r.json()["followup"]["closed_reason"] == "Discussed at the meeting of the group."
    r = client.post(close, headers=world.auth("convener.negotiator"), json={"reason": "Again."})
    assert r.status_code == 409 and r.json()["type"].endswith("/invalid-transition")
    assert log_size(db) == before + 1


def test_a_notified_site_nearby_is_affected_and_only_those_who_may_see_it_see_the_link(
    client: TestClient, world: World
) -> None:
    fixed = at(datetime.now(UTC))
    site = notify_site(client, world)  # aid-one's clinic at 36.80, 46.80
    fixed.advance(timedelta(hours=2))
    incident = report(client, world, at=(36.80, 46.82))
    [link] = incident["links"]
    assert link["kind"] == "site_affected" and link["subject"] == site["id"]
    assert 2000 < link["distance_m"] < 2500
    assert incident["followup"]["parties"] == ["party-a", "party-b"]
    path = f"{API}/incidents/{incident['id']}"
    for who, sees in [("aid-one.viewer", 1), ("party-b.viewer", 1), ("convener.viewer", 1),
                      ("aid-two.viewer", 0), ("donor.viewer", 0)]:
        assert len(client.get(path, headers=world.auth(who)).json()["links"]) == sees, who


def test_evidence_is_kept_by_its_digest_and_only_its_reporter_adds_it(
    client: TestClient, world: World, db: Session, settings: Settings
) -> None:
    incident = report(client, world)
    data = b"\x89PNG\r\n\x1a\n synthetic photo bytes"
    url = f"{API}/incidents/{incident['id']}/evidence"
    r = client.post(url, headers={**world.auth("aid-one.operator"),
                                  "Content-Type": "image/png"}, content=data)
    assert r.status_code == 403
    before = log_size(db)
    r = client.post(url, headers={**world.auth("icrc.operator"), "Content-Type": "image/png"},
                    content=data)
    assert r.status_code == 201, r.text
    digest = hashlib.sha256(data).hexdigest()
    assert [e["sha256"] for e in r.json()["evidence"]] == [digest]
    assert log_size(db) == before + 1
    stored = Path(settings.data_dir) / "evidence" / digest[:2] / digest
    assert stored.read_bytes() == data
    got = client.get(f"{url}/{digest}", headers=world.auth("donor.viewer"))
    assert got.content == data and got.headers["content-type"] == "image/png"
    again = client.post(url, headers=world.auth("icrc.operator"), content=data)
    assert again.status_code == 409 and log_size(db) == before + 1


def test_evidence_over_the_limit_is_refused_naming_the_field_and_writes_nothing(
    world: World, db: Session, settings: Settings, engine: Engine
) -> None:
    small = settings.model_copy(update={"max_evidence_bytes": 2000})
    with TestClient(create_app(small, engine)) as client:
        incident = report(client, world)
        before = log_size(db)
        r = client.post(f"{API}/incidents/{incident['id']}/evidence",
                        headers=world.auth("icrc.operator"), content=b"x" * 2001)
    assert r.status_code == 413 and r.json()["field"] == "evidence"
    assert r.json()["max_bytes"] == 2000
    assert log_size(db) == before


def _in_hours(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


@pytest.mark.parametrize(("changes", "field"), [
    ({"occurred_at": _in_hours(2)}, "/occurred_at"),
    ({"occurred_at": "2030-01-01T10:00:00"}, "/occurred_at"),  # no zone
    ({"lat": 95.0}, "/lat"),
    ({"lon": -181.0}, "/lon"),
    ({"casualties": {"killed": {"children": -1}}}, "/casualties/killed/children"),
    ({"uncertainty_m": -5}, "/uncertainty_m"),
    ({"type": "rumour"}, "/type"),
    ({"narrative": "x" * 4001}, "/narrative"),
])
def test_bad_input_is_refused_naming_the_field_and_the_log_does_not_grow(
    client: TestClient, world: World, db: Session, changes: dict[str, Any], field: str
) -> None:
    before = log_size(db)
    r = client.post(f"{API}/incidents", headers=world.auth("icrc.operator"),
                    json=incident_body(**changes))
    assert 400 <= r.status_code < 500 and r.json()["field"] == field, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert log_size(db) == before


def test_an_observer_may_read_but_not_report(client: TestClient, world: World) -> None:
    r = client.post(f"{API}/incidents", headers=world.auth("donor.admin"), json=incident_body())
    assert r.status_code == 403
    assert client.get(f"{API}/incidents", headers=world.auth("donor.viewer")).json() == []


def test_the_hxl_export_reads_back_with_libhxl_and_the_geojson_is_a_feature_collection(
    client: TestClient, world: World
) -> None:
    incident = report(client, world, narrative="=cmd|' /C calc'!A0")
    csv = client.get(f"{API}/incidents.csv", headers=world.auth("donor.viewer"))
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    data = hxl.data(io.BytesIO(csv.content), hxl.InputOptions(allow_local=True))
    [row] = list(data)
    assert row.get("#event+type") == "shelling" and row.get("#org") == "icrc"
    assert float(row.get("#geo+lat")) == incident["lat"]
    assert float(row.get("#geo+lon")) == incident["lon"]
    assert row.get("#affected+killed") == "1" and row.get("#affected+injured") == "5"
    assert row.get("#status") == "not_linked" and row.get("#loc+name") == "Synthetic place"
    assert row.get("#date+occurred") == incident["occurred_at"].replace("Z", "+00:00")
    assert row.get("#description").startswith("'=")  # never a formula in a spreadsheet
    geo = client.get(f"{API}/incidents.geojson", headers=world.auth("donor.viewer"))
    assert geo.headers["content-type"].startswith("application/geo+json")
    [feature] = geo.json()["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [incident["lon"],
                                                                    incident["lat"]]}
    assert feature["properties"]["uncertainty_m"] == 500


def test_a_movement_check_lists_an_incident_reported_near_its_route(
    client: TestClient, world: World
) -> None:
    from tests.notifications_helpers import notify_movement

    movement = notify_movement(client, world)
    route = movement["route"]["coordinates"]
    lon, lat = route[len(route) // 2]
    r = client.post(f"{API}/incidents", headers=world.auth("icrc.operator"),
                    json=incident_body(at=(lon, lat)))
    assert r.status_code == 201, r.text
    check = client.get(f"{API}/movements/{movement['id']}/check",
                       headers=world.auth("aid-one.viewer")).json()
    assert len(check["incidents"]) == 1, check

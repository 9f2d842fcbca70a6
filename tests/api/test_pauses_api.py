"""Negotiating a pause through the API: propose, amend, sign, decline, withdraw, and every
refusal of bad input leaving nothing written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from corridor import clock
from corridor.clock import FixedClock
from tests.api.test_groups_api import log_size
from tests.factories import World
from tests.pauses_helpers import API, content, propose, register_key, signed


def consent(client: TestClient, world: World, pause: dict[str, Any], party: str,
            body: dict[str, Any], path: str = "consents", role: str = "negotiator"
            ) -> dict[str, Any]:
    r = client.post(f"{API}/pauses/{pause['id']}/{path}", headers=world.auth(f"{party}.{role}"),
                    json=body)
    return {**r.json(), "http": r.status_code}


def test_a_pause_signed_by_every_required_party_is_agreed(client: TestClient,
                                                           world: World) -> None:
    pause = propose(client, world)
    assert pause["status"] == "proposed" and pause["awaiting"] == ["party-a", "party-b"]
    ka, kb = register_key(client, world, "party-a"), register_key(client, world, "party-b")
    after_a = consent(client, world, pause, "party-a", signed(ka, pause, "party-a"))
    assert after_a["http"] == 201 and after_a["awaiting"] == ["party-b"]
    after_b = consent(client, world, pause, "party-b", signed(kb, pause, "party-b"))
    assert after_b["http"] == 201, after_b
    assert after_b["stored_state"] == "agreed" and after_b["awaiting"] == []
    assert all(c["log_index"] is not None for c in after_b["consents"])


def test_the_window_is_shown_in_utc_and_each_partys_zone(client: TestClient,
                                                          world: World) -> None:
    pause = propose(client, world)
    zones = {w["zone"]: w for w in pause["windows"]}
    assert {"UTC", "Europe/Kyiv", "Europe/Moscow"} <= set(zones)
    assert "party-b" in zones["Europe/Moscow"]["for"]
    assert zones["Europe/Moscow"]["start"].endswith("+03:00")


def test_an_amendment_voids_earlier_consents_visibly(client: TestClient, world: World) -> None:
    pause = propose(client, world)
    ka = register_key(client, world, "party-a")
    consent(client, world, pause, "party-a", signed(ka, pause, "party-a"))
    start = datetime.fromisoformat(pause["content"]["window"]["start"].replace("Z", "+00:00"))
    r = client.post(f"{API}/pauses/{pause['id']}/versions", headers=world.auth("icrc.negotiator"),
                    json={"content": content(start=start, length_hours=36), "base_version": 1})
    assert r.status_code == 201, r.text
    amended = r.json()
    assert amended["current_version"] == 2
    assert [c["void"] for c in amended["consents"]] == [True]
    assert amended["awaiting"] == ["party-a", "party-b"]
    d = client.get(f"{API}/pauses/{pause['id']}/diff", params={"from": 1, "to": 2},
                   headers=world.auth("donor.viewer")).json()
    assert [c["field"] for c in d["changes"]] == ["window.end"]


def test_amending_an_agreed_pause_is_refused_with_the_allowed_moves(
    client: TestClient, world: World
) -> None:
    pause = propose(client, world)
    ka, kb = register_key(client, world, "party-a"), register_key(client, world, "party-b")
    consent(client, world, pause, "party-a", signed(ka, pause, "party-a"))
    consent(client, world, pause, "party-b", signed(kb, pause, "party-b"))
    r = client.post(f"{API}/pauses/{pause['id']}/versions", headers=world.auth("icrc.negotiator"),
                    json={"content": content(length_hours=36), "base_version": 1})
    assert r.status_code == 409
    assert r.json()["type"].endswith("/invalid-transition")
    assert "cancel" in r.json()["allowed"]


@pytest.mark.parametrize("case", [
    "another organisations key", "revoked key", "old version", "changed field",
    "replayed on another pause", "replayed twice", "wrong decision",
])
def test_a_bad_signature_is_refused_saying_which_check_failed_and_records_nothing(
    client: TestClient, world: World, db: Session, case: str
) -> None:
    pause = propose(client, world)
    other = propose(client, world)
    ka, kb = register_key(client, world, "party-a"), register_key(client, world, "party-b")
    body = signed(ka, pause, "party-a")
    if case == "another organisations key":
        body = signed(kb, pause, "party-a")
    elif case == "revoked key":
        key_id = client.get(f"{API}/keys", headers=world.auth("party-a.admin")).json()[0]["id"]
        client.post(f"{API}/keys/{key_id}/revoke", headers=world.auth("party-a.admin"))
    elif case == "old version":
        client.post(f"{API}/pauses/{pause['id']}/versions",
                    headers=world.auth("icrc.negotiator"),
                    json={"content": content(length_hours=30), "base_version": 1})
    elif case == "changed field":
        body["statement"]["version_hash"] = "0" * 64
    elif case == "replayed on another pause":
        body = signed(ka, pause, "party-a")
        before = log_size(db)
        r = consent(client, world, other, "party-a", body)
        assert r["http"] == 422 and r["check"] == "replay"
        assert log_size(db) == before
        return
    elif case == "replayed twice":
        assert consent(client, world, pause, "party-a", body)["http"] == 201
    elif case == "wrong decision":
        body = signed(ka, pause, "party-a", decision="decline")
    before = log_size(db)
    r = consent(client, world, pause, "party-a", body)
    assert 400 <= r["http"] < 500, r
    assert r["detail"]
    assert log_size(db) == before
    expected_check = {"another organisations key": "key-owner", "revoked key": "key-revoked",
                      "old version": "version", "changed field": "signature",
                      "replayed twice": "replay", "wrong decision": "decision"}[case]
    assert r["check"] == expected_check, r


def test_consent_from_a_non_party_or_a_viewer_is_forbidden(client: TestClient,
                                                           world: World) -> None:
    pause = propose(client, world)
    ka = register_key(client, world, "party-a")
    body = signed(ka, pause, "party-a")
    assert consent(client, world, pause, "icrc", body)["http"] == 403
    assert consent(client, world, pause, "party-a", body, role="viewer")["http"] == 403


@pytest.mark.parametrize(("change", "field"), [
    ({"window": {"start": "2030-01-02T10:00:00+00:00", "end": "2030-01-02T09:00:00+00:00"}},
     "/content/window/end"),
    ({"window": {"start": "2001-01-02T10:00:00+00:00", "end": "2001-01-03T09:00:00+00:00"}},
     "/content/window/start"),
    ({"window": {"start": "2030-01-02T10:00:00+00:00", "end": "2030-03-02T09:00:00+00:00"}},
     "/content/window/end"),
    ({"window": {"start": "2030-01-02T10:00:00", "end": "2030-01-03T09:00:00"}},
     "/content/window/start"),
    ({"window": {"start": "2030-10-27T03:30:00+03:00", "end": "2030-10-28T09:00:00+02:00"}},
     "/content/window/start"),
    ({"area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}},
     "/content/area/coordinates"),
    ({"area": {"type": "Polygon", "coordinates": [[[0, 0], [200, 1], [1, 0], [0, 0]]]}},
     "/content/area/coordinates/0/1/0"),
    ({"required_signatories": ["icrc"]}, "/content/required_signatories/0"),
])
def test_bad_pause_content_is_refused_naming_the_field(
    client: TestClient, world: World, db: Session, change: dict[str, Any], field: str
) -> None:
    before = log_size(db)
    r = client.post(f"{API}/pauses", headers=world.auth("convener.negotiator"),
                    json={"content": content(**change)})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field, r.json()
    assert log_size(db) == before


def test_a_draft_is_visible_only_to_its_authors_organisation(client: TestClient,
                                                              world: World) -> None:
    r = client.post(f"{API}/pauses", headers=world.auth("icrc.negotiator"),
                    json={"content": content(), "propose": False})
    assert r.status_code == 201
    pause_id = r.json()["id"]
    assert client.get(f"{API}/pauses/{pause_id}", headers=world.auth("icrc.viewer")).status_code \
        == 200
    assert client.get(f"{API}/pauses/{pause_id}",
                      headers=world.auth("party-a.admin")).status_code == 404
    listed = client.get(f"{API}/pauses", headers=world.auth("party-a.admin")).json()
    assert pause_id not in [p["id"] for p in listed]


def test_a_withdrawal_before_the_start_cancels_and_inside_the_window_suspends(
    client: TestClient, world: World
) -> None:
    fixed = FixedClock(datetime.now(UTC))
    clock.set_clock(fixed)
    first, second = propose(client, world), propose(client, world)
    ka, kb = register_key(client, world, "party-a"), register_key(client, world, "party-b")
    for p in (first, second):
        consent(client, world, p, "party-a", signed(ka, p, "party-a"))
        consent(client, world, p, "party-b", signed(kb, p, "party-b"))
    r = consent(client, world, first, "party-b", signed(kb, first, "party-b", "withdraw"),
                path="withdrawals")
    assert r["http"] == 201 and r["stored_state"] == "cancelled"
    fixed.advance(timedelta(hours=80))
    shown = client.get(f"{API}/pauses/{second['id']}", headers=world.auth("donor.viewer")).json()
    assert shown["status"] == "active"
    r = consent(client, world, second, "party-a", signed(ka, second, "party-a", "withdraw"),
                path="withdrawals")
    assert r["http"] == 201 and r["stored_state"] == "suspended"


def test_a_proposal_whose_window_began_unsigned_has_lapsed(client: TestClient,
                                                          world: World) -> None:
    fixed = FixedClock(datetime.now(UTC))
    clock.set_clock(fixed)
    pause = propose(client, world)
    fixed.advance(timedelta(hours=73))
    shown = client.get(f"{API}/pauses/{pause['id']}", headers=world.auth("donor.viewer")).json()
    assert shown["status"] == "lapsed"


def test_the_printable_agreement_shows_signatures_with_fingerprints_and_log_proofs(
    client: TestClient, world: World
) -> None:
    pause = propose(client, world)
    ka, kb = register_key(client, world, "party-a"), register_key(client, world, "party-b")
    consent(client, world, pause, "party-a", signed(ka, pause, "party-a"))
    agreed = consent(client, world, pause, "party-b", signed(kb, pause, "party-b"))
    html = client.get(f"{API}/pauses/{pause['id']}/agreement",
                      headers=world.auth("donor.viewer")).text
    for c in agreed["consents"]:
        assert c["key_fingerprint"] in html
        assert f"entry {c['log_index']} of" in html
    assert "Europe/Moscow" in html
    ics = client.get(f"{API}/pauses/{pause['id']}/calendar.ics",
                     headers=world.auth("donor.viewer"))
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text and "\r\n" in ics.text


def test_a_signed_decline_rejects_the_proposal_and_stays_on_record(
    client: TestClient, world: World
) -> None:
    pause = propose(client, world)
    kb = register_key(client, world, "party-b")
    r = consent(client, world, pause, "party-b", signed(kb, pause, "party-b", "decline"),
                path="declines")
    assert r["http"] == 201 and r["stored_state"] == "rejected"
    assert [(c["organisation"], c["decision"]) for c in r["consents"]] == [("party-b", "decline")]
    again = consent(client, world, pause, "party-b", signed(kb, pause, "party-b", "decline"),
                    path="declines")
    assert again["http"] == 409


def test_the_groups_calendar_lists_agreed_windows_only(client: TestClient, world: World) -> None:
    agreed, _pending = propose(client, world), propose(client, world)
    ka, kb = register_key(client, world, "party-a"), register_key(client, world, "party-b")
    consent(client, world, agreed, "party-a", signed(ka, agreed, "party-a"))
    consent(client, world, agreed, "party-b", signed(kb, agreed, "party-b"))
    ics = client.get(f"{API}/pauses/calendar.ics", headers=world.auth("donor.viewer")).text
    assert ics.count("BEGIN:VEVENT") == 1 and f"UID:pause-{agreed['id']}-" in ics

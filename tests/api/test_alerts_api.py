"""The caller's alerts: consents its party owes, acknowledgements pending or overdue, and
follow-ups to answer or to track, each for those it concerns only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import World
from tests.incidents_helpers import ON_CORRIDOR, at, report
from tests.notifications_helpers import acknowledge, agreed_pause, notify_site
from tests.pauses_helpers import API, propose, register_key, signed


def alerts(client: TestClient, world: World, who: str) -> list[dict[str, Any]]:
    r = client.get(f"{API}/alerts", headers=world.auth(who))
    assert r.status_code == 200, r.text
    return list(r.json()["alerts"])


def kinds(client: TestClient, world: World, who: str) -> list[tuple[str, str, int]]:
    return [(a["kind"], a["subject"]["type"], a["subject"]["id"])
            for a in alerts(client, world, who)]


def test_nothing_waits_in_an_empty_group(client: TestClient, world: World) -> None:
    r = client.get(f"{API}/alerts", headers=world.auth("party-a.viewer"))
    assert r.json()["alerts"] == [] and r.json()["organisation"] == "party-a"
    assert set(r.json()["sources"]) == {"pauses", "notifications", "incidents", "operations"}


def test_a_proposed_pause_awaits_each_party_until_it_signs(client: TestClient,
                                                           world: World) -> None:
    pause = propose(client, world)
    assert kinds(client, world, "party-a.viewer") == [("consent_awaited", "pause", pause["id"])]
    assert kinds(client, world, "convener.viewer") == []
    key = register_key(client, world, "party-a")
    r = client.post(f"{API}/pauses/{pause['id']}/consents",
                    headers=world.auth("party-a.negotiator"), json=signed(key, pause, "party-a"))
    assert r.status_code == 201, r.text
    assert kinds(client, world, "party-a.viewer") == []
    assert kinds(client, world, "party-b.viewer") == [("consent_awaited", "pause", pause["id"])]


def test_a_receipt_is_pending_for_its_party_and_overdue_for_the_notifier_and_convener(
    client: TestClient, world: World
) -> None:
    fixed = at(datetime.now(UTC))
    site = notify_site(client, world)
    assert kinds(client, world, "party-a.viewer") == [
        ("acknowledgement_pending", "site", site["id"])]
    assert kinds(client, world, "aid-one.viewer") == []  # pending is normal
    acknowledge(client, world, "sites", site["id"], "party-a.operator")
    assert kinds(client, world, "party-a.viewer") == []
    fixed.advance(timedelta(hours=world.group.ack_deadline_hours, minutes=1))
    overdue = [("acknowledgement_overdue", "site", site["id"])]
    for who in ("party-b.viewer", "aid-one.viewer", "convener.viewer"):
        assert kinds(client, world, who) == overdue, who
    assert alerts(client, world, "convener.viewer")[0]["data"] == {"party": "party-b"}
    assert kinds(client, world, "aid-two.viewer") == []  # need to know
    assert kinds(client, world, "donor.viewer") == []


def test_an_open_follow_up_waits_for_each_party_concerned_and_for_the_convener(
    client: TestClient, world: World
) -> None:
    fixed = at(datetime.now(UTC))
    agreed_pause(client, world)
    fixed.advance(timedelta(hours=74))
    incident = report(client, world, at=ON_CORRIDOR)
    mine = ("followup_to_answer", "incident", incident["id"])
    assert mine in kinds(client, world, "party-a.viewer")
    assert ("followup_open", "incident", incident["id"]) in kinds(client, world,
                                                                  "convener.viewer")
    client.post(f"{API}/incidents/{incident['id']}/answers",
                headers=world.auth("party-a.operator"), json={"text": "Synthetic answer."})
    assert mine not in kinds(client, world, "party-a.viewer")
    assert ("followup_to_answer", "incident", incident["id"]) in kinds(client, world,
                                                                       "party-b.viewer")
    [track] = [a for a in alerts(client, world, "convener.viewer")
               if a["kind"] == "followup_open"]
    assert track["data"]["awaiting"] == ["party-b"]


def test_people_unaccounted_for_are_an_alert_to_the_convener_and_intermediary_only(
    client: TestClient, world: World
) -> None:
    from tests.operations_helpers import add_participant, count, create, ok

    op = create(client, world)
    ok(add_participant(client, world, op, "aid-one"))
    ok(count(client, world, op, "Alpha", "bus 1", n={"adults": 30}))
    ok(count(client, world, op, "Bravo", "bus 1", n={"adults": 27}))
    ok(count(client, world, op, "Bravo", "bus 1", who="aid-one.operator", n={"adults": 26}))

    def kinds(who: str) -> list[str]:
        body = client.get(f"{API}/alerts", headers=world.auth(who)).json()
        assert body["sources"]["operations"] == "included"
        return [a["kind"] for a in body["alerts"] if a["subject"]["type"] == "operation"]

    assert kinds("convener.viewer") == ["unaccounted", "discrepancy"]
    assert kinds("icrc.viewer") == ["unaccounted", "discrepancy"]
    assert kinds("aid-two.viewer") == []


def test_a_long_inbox_lists_the_oldest_first_and_says_more_wait(client: TestClient,
                                                               world: World) -> None:
    sites = [notify_site(client, world)["id"] for _ in range(3)]
    r = client.get(f"{API}/alerts", params={"limit": 2}, headers=world.auth("party-a.viewer"))
    assert r.status_code == 200, r.text
    assert [a["subject"]["id"] for a in r.json()["alerts"]] == sites[:2]
    assert r.json()["complete"] is False and r.json()["limit"] == 2
    whole = client.get(f"{API}/alerts", headers=world.auth("party-a.viewer")).json()
    assert [a["subject"]["id"] for a in whole["alerts"]] == sites and whole["complete"] is True
    refused = client.get(f"{API}/alerts", params={"limit": 0}, headers=world.auth("party-a.viewer"))
    assert refused.status_code == 422 and refused.json()["field"] == "limit"

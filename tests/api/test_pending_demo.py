"""What waits in the seed scenario: every member opens onto something to do. The second pause
awaits both parties' consent, Russia's receipt of WFP's trucks is overdue, and Ukraine's report of
shelling at the plant, a possible breach of the agreed pause, awaits the parties' answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.demo.seed import GROUP_SLUG, build
from tests.api.test_notifications_demo import _token

API = f"/api/v1/groups/{GROUP_SLUG}"


def _inbox(client: TestClient, headers: dict[str, str]) -> set[tuple[str, str, int]]:
    found: list[dict[str, Any]] = client.get(f"{API}/alerts", headers=headers).json()["alerts"]
    return {(a["kind"], a["subject"]["type"], a["subject"]["id"]) for a in found}


def test_every_member_of_the_seed_has_something_waiting(
    client: TestClient, db: Session, settings: Settings, tmp_path: Path
) -> None:
    key_dir = tmp_path / "party-keys"
    key_dir.mkdir()
    scenario = build(db, settings, key_dir)
    azovstal, second = scenario.pause_ids
    assert azovstal == 1  # the earlier objects keep their numbers
    ocha = _token(scenario, "un-ocha.coordinator")
    proposal = client.get(f"{API}/pauses/{second}", headers=ocha).json()
    assert proposal["status"] == "proposed" and sorted(proposal["awaiting"]) == [
        "russia", "ukraine"]
    assert "Azovstal" not in proposal["content"]["title"]
    movements = client.get(f"{API}/movements", headers=ocha).json()
    convoy, trucks = sorted(movements, key=lambda m: m["id"])
    assert convoy["organisation"] == "icrc" and trucks["organisation"] == "wfp"
    assert {a["party"]: a["status"] for a in trucks["acknowledgements"]} == {
        "russia": "overdue", "ukraine": "acknowledged"}
    assert trucks["late"] is False and trucks["pause"] is None
    incidents = client.get(f"{API}/incidents", headers=ocha).json()
    shelling = next(i for i in incidents if i["reported_by"] == "ukraine")
    assert shelling["followup"]["status"] == "open"
    assert shelling["followup"]["awaiting"] == ["russia", "ukraine"]
    assert {link["kind"] for link in shelling["links"]} >= {"possible_breach"}

    assert _inbox(client, ocha) >= {("acknowledgement_overdue", "movement", trucks["id"]),
                                    ("followup_open", "incident", shelling["id"])}
    for party in ("ukraine", "russia"):
        inbox = _inbox(client, _token(scenario, f"{party}.liaison"))
        assert ("consent_awaited", "pause", second) in inbox
        assert ("followup_to_answer", "incident", shelling["id"]) in inbox
    assert ("acknowledgement_overdue", "movement", trucks["id"]) in _inbox(
        client, _token(scenario, "russia.liaison"))
    assert ("acknowledgement_overdue", "movement", trucks["id"]) in _inbox(
        client, _token(scenario, "wfp.logistician"))
    # Nobody is unaccounted and nothing is in dispute: the counts still reconcile.
    assert not {k for k, *_ in _inbox(client, ocha)} & {"unaccounted", "discrepancy"}

"""The seed scenario's notifications: the Azovstal convoy is covered by the agreed pause and
acknowledged by both parties; UNICEF's hospital in Zaporizhzhia is notified and need-to-know."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.demo.seed import GROUP_SLUG, Scenario, build


def _token(scenario: Scenario, username: str) -> dict[str, str]:
    login = next(lg for m in scenario.members.values() for lg in m.logins
                 if lg.username == username)
    return {"Authorization": f"Bearer {login.token}"}


def test_the_seeded_convoy_is_acknowledged_and_covered_and_the_hospital_notified(
    client: TestClient, db: Session, settings: Settings, tmp_path: Path
) -> None:
    key_dir = tmp_path / "party-keys"
    key_dir.mkdir()
    scenario = build(db, settings, key_dir)
    api = f"/api/v1/groups/{GROUP_SLUG}"
    ocha = _token(scenario, "un-ocha.coordinator")
    # The first movement is the convoy; WFP's trucks (overdue receipt) come after it.
    convoy = client.get(f"{api}/movements", headers=ocha).json()[0]
    assert convoy["organisation"] == "icrc" and convoy["pause"] == scenario.pause_ids[0]
    assert convoy["late"] is False and convoy["phase"] == "under_way"
    assert {a["party"]: a["status"] for a in convoy["acknowledgements"]} == {
        "russia": "acknowledged", "ukraine": "acknowledged"}
    assert convoy["route"]["coordinates"][0] == [37.61, 47.098]  # Azovstal
    result = client.get(f"{api}/movements/{convoy['id']}/check", headers=ocha).json()
    assert result["covered_by"] == scenario.pause_ids[:1]  # the second is only proposed
    assert result["pauses"][0]["code"] == "covered"
    [hospital] = client.get(f"{api}/sites", headers=_token(scenario, "ukraine.liaison")).json()
    assert hospital["organisation"] == "unicef" and hospital["type"] == "hospital"
    assert [s["data"]["site"] for s in result["sites"]] == [hospital["id"]]
    assert client.get(f"{api}/sites", headers=_token(scenario, "wfp.logistician")).json() == []

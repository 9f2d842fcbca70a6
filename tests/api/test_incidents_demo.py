"""The seed scenario's incident: the Kyiv strike of 28 April 2022, reported by UN OCHA, in the
past, and linked to no pause (Kyiv is far from the Azovstal corridor)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.demo.seed import GROUP_SLUG, build
from tests.api.test_notifications_demo import _token


def test_the_seeded_kyiv_strike_is_linked_to_no_pause_and_opens_no_follow_up(
    client: TestClient, db: Session, settings: Settings, tmp_path: Path
) -> None:
    key_dir = tmp_path / "party-keys"
    key_dir.mkdir()
    scenario = build(db, settings, key_dir)
    api = f"/api/v1/groups/{GROUP_SLUG}"
    reports = client.get(f"{api}/incidents", headers=_token(scenario, "ukraine.liaison")).json()
    [strike] = [r for r in reports if r["reported_by"] == "un-ocha"]
    assert strike["reported_by"] == "un-ocha" and strike["type"] == "air_strike"
    assert strike["links"] == [] and strike["status"] == "not_linked"
    assert strike["followup"] is None and strike["killed"] == 1
    assert "Kyiv" in strike["place"]
    assert datetime.fromisoformat(strike["occurred_at"]) < datetime.now(UTC)
    alerts = client.get(f"{api}/alerts", headers=_token(scenario, "un-ocha.coordinator")).json()
    assert not [a for a in alerts["alerts"] if a["subject"] == {"type": "incident",
                                                                 "id": strike["id"]}]

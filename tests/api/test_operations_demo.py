"""The seed scenario's operations: the first Azovstal convoy reconciles to zero unaccounted, the
second (51 people) is still en route, and WFP's delivery is reconciled item by item."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.demo.seed import GROUP_SLUG, build
from tests.api.test_notifications_demo import _token


def test_the_seeded_evacuation_has_nobody_unaccounted_and_a_second_convoy_en_route(
    client: TestClient, db: Session, settings: Settings, tmp_path: Path
) -> None:
    key_dir = tmp_path / "party-keys"
    key_dir.mkdir()
    scenario = build(db, settings, key_dir)
    api = f"/api/v1/groups/{GROUP_SLUG}/operations"
    donor_like = _token(scenario, "wfp.viewer")
    evacuation, aid = client.get(api, headers=donor_like).json()
    assert (evacuation["lead"], evacuation["pause"]) == ("icrc", scenario.pause_ids[0])
    assert evacuation["warnings"] == [] and evacuation["alert"] is False
    rec = client.get(f"{api}/{evacuation['id']}/counts", headers=donor_like).json()
    first, second = rec["vehicles"]
    assert first["vehicle"] == "convoy 1" and first["finished_at"] == "Zaporizhzhia"
    f = {k: v["total"] for k, v in first["figures"].items()}
    assert f == {"boarded": 159, "arrived": 127, "departed": 32, "en_route": 0,
                 "unaccounted": 0}
    assert rec["departed_by_reason"]["chose_to_stay"]["total"] == 32
    assert second["figures"]["en_route"]["total"] == 51
    assert second["figures"]["unaccounted"]["total"] == 0 and rec["discrepancies"] == []
    ocha = _token(scenario, "un-ocha.coordinator")
    assert client.get(f"{api}/{evacuation['id']}", headers=ocha).json()["movements"] != []
    manifest = client.get(f"{api}/{aid['id']}/cargo", headers=ocha).json()
    assert manifest["complete"] is True and manifest["alert"] is False
    water = next(i for i in manifest["items"] if i["category"] == "water")
    assert (water["dispatched"], water["delivered"], water["lost_or_damaged"],
            water["unaccounted"]) == (3000, 2880, 120, 0)
    rows = list(csv.reader(io.StringIO(client.get(f"{api}.csv", headers=ocha).text)))
    assert rows[1][:3] == ["#meta+id", "#activity+code", "#activity+name"]
    assert sum(int(r[rows[1].index("#affected+total")]) for r in rows[2:]
               if r[rows[1].index("#status+record")] == "arrived") == 127

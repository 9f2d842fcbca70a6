"""Places added, a site placed by name, amended and withdrawn, and a movement amended and
withdrawn from the CLI, against a running `corridor serve`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.procs import Corridor
from tests.e2e.test_notifications_cli import setup_group
from tests.notifications_helpers import movement_body

pytestmark = pytest.mark.slow


def test_places_and_changes_to_notices_from_the_cli(corridor: Corridor, tmp_path: Path) -> None:
    c = corridor
    c.run("db", "upgrade")
    tokens = setup_group(c)
    with c.server() as url:
        def as_(org: str) -> list[str]:
            return ["--server", url, "--group", "e2e", "--token", tokens[org]]

        place = c.json("places", "add", "--name", "Azovstal", "--lon", "37.61", "--lat", "47.098",
                       "--kind", "plant", *as_("kyiv"))
        assert place["source"] == "group"
        again = c.run("places", "add", "--name", "AZOVSTAL", "--lon", "37", "--lat", "47",
                      *as_("ocha"), ok=False)
        assert again.returncode != 0 and "(/name)" in again.stderr
        found = c.json("places", "list", "-q", "azov", *as_("aid"))
        assert found[0]["name"] == "Azovstal"

        site = c.json("sites", "notify", "--name", "Shelter", "--type", "shelter", "--lon", "36.8",
                      "--lat", "46.8", *as_("aid"))
        amended = c.json("sites", "amend", str(site["id"]), "--version", "1", "--place",
                         "Azovstal", *as_("aid"))
        assert amended["version"] == 2 and (amended["lon"], amended["lat"]) == (37.61, 47.098)
        stale = c.run("sites", "amend", str(site["id"]), "--version", "1", "--name", "X",
                      *as_("aid"), ok=False)
        assert stale.returncode != 0 and "(/version)" in stale.stderr
        c.run("sites", "withdraw", str(site["id"]), "--version", "2", *as_("aid"))
        assert c.json("sites", "list", *as_("kyiv")) == []

        (tmp_path / "convoy.json").write_text(json.dumps(movement_body()))
        movement = c.json("movements", "notify", str(tmp_path / "convoy.json"), *as_("aid"))
        mid = str(movement["id"])
        c.run("movements", "ack", mid, *as_("kyiv"))
        (tmp_path / "convoy2.json").write_text(json.dumps(movement_body(
            route=None, via=["Azovstal", "Berdiansk"])))
        amended = c.json("movements", "amend", mid, str(tmp_path / "convoy2.json"), "--version",
                         "1", *as_("aid"))
        assert amended["waypoints"][0]["place"] == "Azovstal"
        assert {a["status"] for a in amended["acknowledgements"]} == {"pending"}
        c.run("movements", "withdraw", mid, "--version", "2", "--reason", "postponed",
              *as_("aid"))
        assert c.json("movements", "check", mid, *as_("kyiv"))["summary"]["code"] == "withdrawn"

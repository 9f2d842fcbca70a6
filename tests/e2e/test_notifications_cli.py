"""A site and a movement notified, listed, acknowledged by both parties and checked from the CLI,
against a running `corridor serve`; the log still audits clean."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.e2e.procs import Corridor
from tests.notifications_helpers import movement_body

pytestmark = pytest.mark.slow


def setup_group(c: Corridor) -> dict[str, str]:
    return c.add_group("e2e", [("ocha", "convener"), ("kyiv", "party"), ("moscow", "party"),
                               ("aid", "humanitarian")])


def test_notices_are_sent_acknowledged_and_checked_from_the_cli(corridor: Corridor,
                                                                tmp_path: Path) -> None:
    c = corridor
    c.run("db", "upgrade")
    tokens = setup_group(c)
    with c.server() as url:
        def as_(org: str) -> list[str]:
            return ["--server", url, "--group", "e2e", "--token", tokens[org]]

        site = c.json("sites", "notify", "--name", "Clinic", "--type", "hospital",
                      "--lon", "36.8", "--lat", "46.8", "--people", "40", *as_("aid"))
        c.run("sites", "ack", str(site["id"]), *as_("kyiv"))
        listed = c.json("sites", "list", *as_("moscow"))
        assert [s["id"] for s in listed] == [site["id"]]
        hxl = c.run("sites", "list", "--hxl", *as_("ocha")).stdout
        assert list(csv.reader(io.StringIO(hxl)))[1][1] == "#loc+name"

        (tmp_path / "convoy.json").write_text(json.dumps(movement_body()))
        movement = c.json("movements", "notify", str(tmp_path / "convoy.json"), *as_("aid"))
        mid = str(movement["id"])
        for party in ("kyiv", "moscow"):
            c.run("movements", "ack", mid, *as_(party))
        wrong = c.run("movements", "ack", mid, "--party", "kyiv", *as_("moscow"), ok=False)
        assert wrong.returncode == 2 and "(/party)" in wrong.stderr
        [shown] = c.json("movements", "list", *as_("aid"))
        assert {a["party"]: a["status"] for a in shown["acknowledgements"]} == {
            "kyiv": "acknowledged", "moscow": "acknowledged"}
        geo = json.loads(c.run("movements", "list", "--geojson", *as_("ocha")).stdout)
        assert geo["features"][0]["geometry"]["type"] == "LineString"
        result = c.json("movements", "check", mid, *as_("kyiv"))
        assert result["summary"]["code"] == "no_pause"
        assert [s["data"]["site"] for s in result["sites"]] == [site["id"]]
        words = c.run("movements", "check", mid, *as_("kyiv")).stdout
        assert "no agreed pause" in words and "'Clinic'" in words
        audit = c.json("audit", "--server", url, "--group", "e2e", "--state",
                       str(tmp_path / "audit"), "--token", tokens["kyiv"])
        assert audit["ok"]

"""Plans through the API and the CLI: from an instance or an agreed pause, for members only, with
refusals that name the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corridor import cli
from corridor.client import Client
from corridor.planning import cli as plan_cli
from tests.factories import World
from tests.pauses_helpers import API, propose
from tests.unit.planning.helpers import data

PLANS = f"{API}/plans"


def given() -> dict[str, Any]:
    """The fleet, people and checkpoint of the synthetic corridor Alpha – Bravo – Charlie."""
    return {"depot": {"name": "Charlie"},
            "corridor": {"checkpoints": [{"name": "Bravo", "delay_minutes": 30,
                                          "throughput_per_hour": 10}]},
            "sites": [{"name": "Alpha", "waiting": {"children": 40, "others": 100}}],
            "vehicles": [{"name": "bus", "count": 3, "seats": 40, "speed_kmh": 60}]}


def test_a_member_plans_an_instance_and_gets_a_checked_plan(client: TestClient,
                                                           world: World) -> None:
    r = client.post(PLANS, headers=world.auth("donor.viewer"),
                    json={"instance": data(), "time_limit": 5})
    assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["check"]["ok"] and plan["people"] <= plan["bound"]["people"]
    assert plan["itineraries"][0]["events"][0]["at"].startswith("2030-01-01T06:")


def test_plans_need_a_token_and_stay_inside_the_group(client: TestClient, world: World) -> None:
    assert client.post(PLANS, json={"instance": data()}).status_code == 401
    r = client.post("/api/v1/groups/other-group/plans", headers=world.auth("donor.viewer"),
                    json={"instance": data()})
    assert r.status_code == 404


def test_bad_input_is_refused_naming_the_field(client: TestClient, world: World) -> None:
    body = data()
    body["sites"][0]["waiting"]["others"] = -1
    r = client.post(PLANS, headers=world.auth("icrc.operator"), json={"instance": body})
    assert r.status_code == 422 and r.json()["field"] == "/instance/sites/0/waiting/others"
    r = client.post(PLANS, headers=world.auth("icrc.operator"), json={})
    assert r.status_code == 422 and r.json()["field"] == "/instance"


def test_a_plan_from_a_pause_takes_its_corridor_and_window(client: TestClient,
                                                          world: World) -> None:
    pause = propose(client, world, length_hours=24)
    r = client.post(PLANS, headers=world.auth("icrc.operator"),
                    json={"pause": pause["id"], "instance": given(), "time_limit": 5})
    assert r.status_code == 200, r.text
    plan = r.json()
    inst = plan["instance"]
    assert inst["window"]["hours"] == 24 and inst["corridor"]["length_km"] > 200
    assert inst["sites"][0]["km"] == pytest.approx(inst["corridor"]["length_km"], abs=1)
    assert plan["check"]["ok"] and plan["people"] > 0 and plan["pause"] == pause["id"]


def test_a_site_outside_the_pause_area_is_refused(client: TestClient, world: World) -> None:
    pause = propose(client, world)
    body = given()
    body["sites"][0] = {"name": "Elsewhere", "lon": 30.5, "lat": 50.4, "waiting": {"others": 5}}
    r = client.post(PLANS, headers=world.auth("icrc.operator"),
                    json={"pause": pause["id"], "instance": body})
    assert r.status_code == 422 and r.json()["field"] == "sites.0"


def test_a_pause_without_a_corridor_cannot_be_planned(client: TestClient, world: World) -> None:
    area = {"type": "Polygon", "coordinates": [[[37.5, 47.0], [37.6, 47.0], [37.6, 47.1],
                                                [37.5, 47.0]]]}
    pause = propose(client, world, corridor=None, area=area)
    r = client.post(PLANS, headers=world.auth("icrc.operator"),
                    json={"pause": pause["id"], "instance": given()})
    assert r.status_code == 422 and r.json()["field"] == "pause.corridor.route"


def test_the_cli_plans_a_file_and_a_pause(client: TestClient, world: World, tmp_path: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_cli, "Client",
                        lambda server, token: Client(server, token, http=client))
    runner = CliRunner()
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data()))
    out = runner.invoke(cli.app, ["plan", str(path), "--time-limit", "5", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["check"]["ok"]
    shown = runner.invoke(cli.app, ["plan", str(path), "--time-limit", "5", "--step", "15",
                                    "--csv", str(tmp_path / "p.csv")])
    assert shown.exit_code == 0 and "Timeline" in shown.stdout and "upper bound" in shown.stdout
    assert (tmp_path / "p.csv").read_text().startswith("vehicle,type,event")
    pause = propose(client, world)
    path.write_text(json.dumps(given()))
    out = runner.invoke(cli.app, ["plan", str(path), "--pause", str(pause["id"]), "--server",
                                  "http://test", "--token", world.tokens["party-a.viewer"],
                                  "--group", "test-group", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["pause"] == pause["id"]
    bad = runner.invoke(cli.app, ["plan", str(tmp_path / "missing.json")])
    assert bad.exit_code != 0

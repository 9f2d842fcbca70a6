"""`corridor ops …` end to end against the API in process: create, count, depart, show, list,
cargo, and a refusal naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corridor import cli
from corridor.client import Client, ServerError
from corridor.operations import cli as ops_cli
from tests.factories import World
from tests.pauses_helpers import propose


@pytest.fixture
def run(client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    # The commands talk to the in-process app instead of a network server.
    monkeypatch.setattr(ops_cli, "Client",
                        lambda server, token: Client(server, token, http=client))
    runner = CliRunner()

    def invoke(who: str, *args: str, ok: bool = True) -> Any:
        result = runner.invoke(cli.app, ["ops", *args, "--server", "http://test", "--token",
                                         world.tokens[who], "--group", "test-group"])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


def test_an_evacuation_is_created_counted_and_shown_from_the_cli(
    run: Any, client: TestClient, world: World
) -> None:
    pause = propose(client, world)
    op = json.loads(run("icrc.operator", "create", "--kind", "evacuation", "--pause",
                        str(pause["id"]), "--title", "CLI evacuation",
                        "--stage", "pickup:Alpha@37.55,47.10", "--stage", "checkpoint:Bravo",
                        "--stage", "destination:Charlie", "--json").stdout)
    oid = str(op["id"])
    run("icrc.operator", "count", oid, "--stage", "alpha", "--vehicle", "bus 1",
        "--children", "4", "--adults", "10")
    run("icrc.operator", "depart", oid, "--stage", "Bravo", "--vehicle", "bus 1",
        "--reason", "medical", "--adults", "1", "--free-text", "taken to a clinic")
    rec = json.loads(run("icrc.operator", "count", oid, "--stage", "Charlie", "--vehicle",
                         "bus 1", "--children", "4", "--adults", "9", "--json").stdout)
    assert rec["total"]["unaccounted"]["total"] == 0
    shown = json.loads(run("donor.viewer", "show", oid, "--json").stdout)
    assert shown["counts"]["total"]["arrived"]["total"] == 13
    text = run("donor.viewer", "show", oid).stdout
    assert "Reconciliation" in text and "bus 1" in text
    assert "CLI evacuation" in run("party-a.viewer", "list").stdout
    hxl = run("convener.viewer", "show", oid, "--hxl").stdout
    assert hxl.splitlines()[1].startswith("#meta+id,#activity+code")


def test_an_arrival_larger_than_boarded_is_refused_from_the_cli_naming_the_field(
    run: Any, client: TestClient, world: World
) -> None:
    pause = propose(client, world)
    op = json.loads(run("icrc.operator", "create", "--kind", "evacuation", "--pause",
                        str(pause["id"]), "--title", "CLI evacuation", "--stage", "pickup:A",
                        "--stage", "destination:B", "--json").stdout)
    run("icrc.operator", "count", str(op["id"]), "--stage", "A", "--vehicle", "v",
        "--adults", "2")
    result = run("icrc.operator", "count", str(op["id"]), "--stage", "B", "--vehicle", "v",
                 "--adults", "3", ok=False)
    # `corridor` (cli.main) prints such an error as one line and exits 2; here it is raised.
    error = result.exception
    assert isinstance(error, ServerError) and error.status == 422
    assert error.field == "/people/adults" and "only 2 boarded" in error.detail


def test_an_aid_delivery_manifest_is_reported_from_the_cli(run: Any, client: TestClient,
                                                           world: World) -> None:
    pause = propose(client, world)
    op = json.loads(run("aid-one.operator", "create", "--kind", "aid_delivery", "--pause",
                        str(pause["id"]), "--title", "Flour", "--json").stdout)
    oid = str(op["id"])
    run("aid-one.operator", "cargo", oid, "--stage", "dispatched", "--item",
        "food:wheat flour:500:kg", "--item", "water:bottled water:200:litres")
    result = json.loads(run("aid-one.operator", "cargo", oid, "--stage", "delivered",
                            "--item", "food:wheat flour:480:kg", "--complete", "--json").stdout)
    items = {i["item"]: i for i in result["items"]}
    assert items["wheat flour"]["unaccounted"] == 20
    assert items["bottled water"]["unaccounted"] == 200
    assert "Manifest" in run("aid-two.viewer", "show", oid).stdout


def test_participants_are_added_listed_and_removed_from_the_cli(
    run: Any, client: TestClient, world: World
) -> None:
    pause = propose(client, world)
    op = json.loads(run("icrc.operator", "create", "--kind", "evacuation", "--pause",
                        str(pause["id"]), "--title", "CLI evacuation", "--stage", "pickup:A",
                        "--stage", "destination:B", "--json").stdout)
    oid = str(op["id"])
    added = json.loads(run("icrc.operator", "participants", "add", oid, "aid-one",
                           "--json").stdout)
    assert [p["organisation"] for p in added["participants"]] == ["aid-one"]
    assert added["log"]["leaf_hash"]
    run("convener.operator", "participants", "add", oid, "aid-two")
    listed = run("party-a.viewer", "participants", "list", oid).stdout
    assert "aid-one" in listed and "aid-two" in listed and "led by icrc" in listed
    run("aid-one.operator", "count", oid, "--stage", "A", "--vehicle", "v", "--adults", "2")
    removed = json.loads(run("icrc.operator", "participants", "remove", oid, "aid-one",
                             "--json").stdout)
    assert [p["organisation"] for p in removed["participants"]] == ["aid-two"]
    refused = run("aid-one.operator", "count", oid, "--stage", "A", "--vehicle", "v",
                  "--adults", "3", ok=False).exception
    assert isinstance(refused, ServerError) and refused.status == 403
    assert "recorded by its lead icrc and its participants aid-two" in refused.detail


def test_a_participant_may_not_add_another_from_the_cli(
    run: Any, client: TestClient, world: World
) -> None:
    pause = propose(client, world)
    op = json.loads(run("icrc.operator", "create", "--kind", "evacuation", "--pause",
                        str(pause["id"]), "--title", "CLI evacuation", "--stage", "pickup:A",
                        "--stage", "destination:B", "--json").stdout)
    run("icrc.operator", "participants", "add", str(op["id"]), "aid-one")
    error = run("aid-one.operator", "participants", "add", str(op["id"]), "aid-two",
                ok=False).exception
    assert isinstance(error, ServerError) and error.status == 403
    listed = json.loads(run("donor.viewer", "participants", "list", str(op["id"]),
                            "--json").stdout)
    assert [p["organisation"] for p in listed["participants"]] == ["aid-one"]

"""`corridor incidents …` and `corridor alerts` against the app in process (the CLI's HTTP client
is handed the test client instead of opening a connection)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corridor.cli import app
from corridor.client import Client
from corridor.incidents import cli as incidents_cli
from tests.factories import World
from tests.incidents_helpers import ON_CORRIDOR, at
from tests.notifications_helpers import agreed_pause


@pytest.fixture
def run(client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(incidents_cli, "Client",
                        lambda server, token: Client(server, token, http=client))

    def invoke(who: str, *args: str) -> Any:
        result = CliRunner().invoke(app, [*args, "--server", "http://test", "--group",
                                          "test-group", "--token", world.tokens[who], "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return invoke


def test_a_report_is_made_answered_closed_and_alerted_from_the_cli(
    run: Any, client: TestClient, world: World, tmp_path: Path
) -> None:
    fixed = at(datetime.now(UTC))
    agreed_pause(client, world)
    fixed.advance(timedelta(hours=74))
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"synthetic jpeg")
    occurred = (fixed.at - timedelta(hours=1)).isoformat()
    incident = run("icrc.operator", "incidents", "report", "--type", "shelling",
                   "--lon", str(ON_CORRIDOR[0]), "--lat", str(ON_CORRIDOR[1]),
                   "--occurred-at", occurred, "--injured-adults", "2",
                   "--narrative", "Synthetic report.", "--evidence", str(photo))
    assert incident["status"] == "open" and incident["injured"] == 2
    assert len(incident["evidence"]) == 1
    [alert] = run("party-a.viewer", "alerts")["alerts"]
    assert alert["kind"] == "followup_to_answer"
    iid = str(incident["id"])
    answered = run("party-a.operator", "incidents", "answer", iid, "--text", "Synthetic.")
    assert answered["followup"]["awaiting"] == ["party-b"]
    closed = run("convener.negotiator", "incidents", "close", iid, "--reason", "Discussed.")
    assert closed["status"] == "closed"
    assert [i["id"] for i in run("donor.viewer", "incidents", "list")] == [incident["id"]]
    assert run("donor.viewer", "incidents", "show", iid)["followup"]["status"] == "closed"

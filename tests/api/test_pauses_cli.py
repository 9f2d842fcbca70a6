"""`corridor pauses sign` shows every field of the signed content before it asks, each as the
pause holds it (the same content it hashes and signs); a field added to the content and not to
the command fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corridor.cli import app
from corridor.client import Client
from corridor.log import signing
from corridor.pauses import cli as pauses_cli
from corridor.pauses.schemas import PauseContentIn
from tests.factories import World
from tests.pauses_helpers import API, propose, register_key

AREA = {"type": "Polygon", "coordinates": [[[37.50, 47.05], [37.62, 47.05], [37.62, 47.14],
                                            [37.50, 47.14], [37.50, 47.05]]]}


@pytest.fixture
def as_client(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pauses_cli, "Client", lambda server, token: Client(server, token,
                                                                           http=client))


def test_sign_shows_every_term_of_the_content_before_it_signs(
        client: TestClient, world: World, tmp_path: Path, as_client: Any) -> None:
    pause = propose(client, world, area=AREA, aid_may_enter=True,
                    vehicle_marking="blue flag [bold]not markup[/bold]",
                    conditions="No armed escort within 5 km.")
    key = register_key(client, world, "party-a")
    key_file = tmp_path / "party-a.pem"
    signing.write_private_key(key_file, key)
    result = CliRunner().invoke(app, [
        "pauses", "sign", str(pause["id"]), "--key", str(key_file), "--yes",
        "--server", "http://test", "--group", "test-group",
        "--token", world.tokens["party-a.negotiator"]])
    assert result.exit_code == 0, result.output
    # As the signer reads it (the windows come in each reader's own zone too).
    read = client.get(f"{API}/pauses/{pause['id']}",
                      headers=world.auth("party-a.negotiator")).json()
    shown = {field: text for field, _, text in pauses_cli.terms(read["content"],
                                                                read["windows"])}
    assert set(shown) == set(PauseContentIn.model_fields)
    output = " ".join(result.output.split())  # however the terminal wrapped the lines
    for field, text in shown.items():
        assert " ".join(text.split()) in output, (field, text)
    assert "Aid may enter: yes" in output
    assert "1 polygon within lon 37.5000…37.6200" in output
    assert "[bold]not markup[/bold]" in result.output  # the proposer's text, as written
    assert "agree recorded" in result.output

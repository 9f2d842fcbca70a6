"""`corridor export tiles --audience …` never gives a mirror's readers more than the API serves
them: withheld entries are written as their leaf hash, and every mirror still audits."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corridor.cli import app
from corridor.config import Settings, get_settings
from corridor.log import merkle
from corridor.log.audit import AuditState, Redacted, audit
from corridor.log.sources import TilesSource
from tests.api.test_audit import agreed_pause
from tests.factories import World
from tests.notifications_helpers import notify_site
from tests.pauses_helpers import API

# The log's own tests: tiles are exported up to the newest checkpoint, signed per change here.
pytestmark = pytest.mark.checkpoint_per_change


@pytest.fixture
def export(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[Any]:
    """Run `corridor export tiles` on the test's database; the mirror's entries, read back."""
    assert settings.database_url is not None
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CORRIDOR_ENVIRONMENT", "test")
    get_settings.cache_clear()

    def run(*options: str) -> tuple[dict[str, Any], list[bytes | Redacted]]:
        directory = tmp_path / "-".join(["mirror", *options])
        result = CliRunner().invoke(app, ["export", "tiles", str(directory), "--group",
                                          "test-group", "--json", *options])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout), list(_entries(directory))

    yield run
    get_settings.cache_clear()


def _entries(directory: Path) -> Iterator[bytes | Redacted]:
    source = TilesSource(directory)
    for _, entry in source.entries(0, 1 << 30):
        yield entry


def _served(client: TestClient, world: World, who: str) -> list[bytes | Redacted]:
    """The log as the API serves it to `who`."""
    page = client.get(f"{API}/log/entries", headers=world.auth(who)).json()["entries"]
    return [Redacted(base64.b64decode(e["leaf_hash"])) if e["data"] is None
            else e["data"].encode() for e in page]


def test_each_audience_gets_at_most_what_the_api_serves_its_readers(
        client: TestClient, world: World, export: Any) -> None:
    agreed_pause(client, world)
    notify_site(client, world)  # by aid-one: need to know
    outsider = _served(client, world, "aid-two.viewer")  # a member who may not read it
    party = _served(client, world, "party-a.viewer")
    assert any(isinstance(e, Redacted) for e in outsider)

    default, public = export()
    assert default["audience"] == "public" and default["size"] == len(party)
    assert all(isinstance(e, Redacted) for e in public)  # the API serves strangers no entry
    assert public == [e if isinstance(e, Redacted) else Redacted(merkle.leaf_hash(e))
                      for e in party]

    _, members = export("--audience", "members")
    assert members == outsider  # what the least entitled member reads, withheld alike
    _, parties = export("--audience", "parties")
    assert parties == party


@pytest.mark.parametrize("audience", ["public", "members", "parties"])
def test_every_mirror_audits_against_the_logs_key(
        client: TestClient, world: World, export: Any, audience: str, tmp_path: Path) -> None:
    agreed_pause(client, world)
    notify_site(client, world)
    summary, entries = export("--audience", audience)
    source = TilesSource(tmp_path / f"mirror---audience-{audience}")
    result = audit(source, AuditState(vkey=world.group.log_verifier_key), group="test-group",
                   stored_entries=[])
    assert result.size == summary["size"] == len(entries)
    assert result.redacted == summary["withheld"] == sum(isinstance(e, Redacted)
                                                          for e in entries)

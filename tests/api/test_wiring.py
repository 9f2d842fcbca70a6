"""Listeners, replayers and alert sources are registered by the entry points (`create_app`, the
`corridor` command) and by nothing else; a process that skipped it fails loudly instead of
quietly missing writes, pauses or the "people unaccounted" alert."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from corridor import cli, wiring
from corridor.alerts import service as alerts
from corridor.app import create_app
from corridor.config import Settings
from corridor.deconfliction import changes
from corridor.log import audit, audit_compare
from corridor.log.audit import AuditState, NoReplayers
from corridor.operations import alerts as operations_alerts
from corridor.pauses import replay as pause_replay
from tests.factories import World
from tests.notifications_helpers import notify_site
from tests.pauses_helpers import API


@pytest.fixture
def unwired(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process as it would be had no entry point registered anything (the suite's own
    registration is put back afterwards)."""
    monkeypatch.setattr(alerts, "_SOURCES", {})
    monkeypatch.setattr(audit, "_REPLAYERS", [])
    monkeypatch.setattr(audit_compare, "_COMPARERS", [])
    for name, listener in changes.LISTENERS:
        event.remove(Session, name, listener)
    try:
        yield
    finally:
        changes.install()


def _registered() -> dict[str, Any]:
    return {"feed": changes.installed(), "replayers": audit.replayers(),
            "sources": alerts.sources()}


EVERYTHING = {"feed": True, "replayers": (pause_replay.replay_pauses,),
              "sources": {"operations": operations_alerts.for_caller}}


def test_building_the_app_registers_the_operations_alerts_the_replayer_and_the_feed(
        unwired: None, settings: Settings, engine: Engine, world: World, db: Session) -> None:
    assert not changes.installed()
    with TestClient(create_app(settings, engine)) as client:
        assert _registered() == EVERYTHING
        r = client.get(f"{API}/alerts", headers=world.auth("convener.viewer"))
        assert r.status_code == 200, r.text
        assert r.json()["sources"]["operations"] == "included"
        _, before = changes.current(db, world.group.id)
        db.rollback()  # let the request write (SQLite: one writer at a time)
        site = notify_site(client, world)
        _, after = changes.current(db, world.group.id)
        assert changes.since(db, world.group.id, before, after) == [("site", site["id"])]


def test_the_cli_registers_them_before_any_command(unwired: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["db", "upgrade", "--db", str(tmp_path / "c.sqlite")])
    assert result.exit_code == 0, result.output
    assert _registered() == EVERYTHING


def test_registering_again_changes_nothing() -> None:
    wiring.register()
    wiring.register()
    assert _registered() == EVERYTHING


def test_a_second_source_under_a_taken_name_is_refused() -> None:
    with pytest.raises(ValueError, match="'operations' is already registered"):
        alerts.register_source("operations", lambda _db, _principal: [])


def test_alerts_asked_for_with_no_source_registered_fail_loudly(
        client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alerts, "_SOURCES", {})
    with pytest.raises(alerts.NoAlertSources, match="operations"):
        client.get(f"{API}/alerts", headers=world.auth("convener.viewer"))


def test_the_feed_read_without_its_listeners_fails_loudly(unwired: None, db: Session,
                                                          world: World) -> None:
    with pytest.raises(changes.ChangeFeedNotInstalled, match=r"wiring\.register"):
        changes.current(db, world.group.id)
    with pytest.raises(changes.ChangeFeedNotInstalled):
        changes.since(db, world.group.id, 0, 1)


class _Unread:
    """A log source the audit must not get to."""

    def checkpoint(self) -> str:
        raise AssertionError("the audit read the log without a replayer registered")

    def entries(self, start: int, end: int) -> Iterator[tuple[int, bytes]]:
        raise AssertionError("unreachable")

    def consistency(self, old: int, new: int) -> list[bytes]:
        raise AssertionError("unreachable")


def test_an_audit_with_no_replayer_registered_fails_before_reading_the_log(
        unwired: None) -> None:
    with pytest.raises(NoReplayers, match=r"wiring\.register"):
        audit.audit(_Unread(), AuditState(vkey="unused"), group="test-group")


def test_comparing_with_the_api_with_no_comparer_registered_fails_loudly(unwired: None) -> None:
    with pytest.raises(audit_compare.NoComparers):
        audit_compare.compare(None, "test-group", {})  # type: ignore[arg-type]


def test_a_broken_alert_source_stops_the_start() -> None:
    # The operations alerts used to be looked up by name, and an ImportError swallowed.
    broken = ("import sys; sys.modules['corridor.operations.alerts'] = None; "
              "import corridor.app")
    run = subprocess.run([sys.executable, "-c", broken], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode != 0
    assert "import of corridor.operations.alerts halted" in run.stderr

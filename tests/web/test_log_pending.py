"""Between a change's commit and its entry's integration, the API and the pages say the entry is
pending (never a wrong or missing number), and show its index once it has one."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corridor.app import create_app
from corridor.config import Settings
from corridor.log import service as log
from tests.factories import World
from tests.incidents_helpers import report
from tests.web_helpers import logged_in


class Parked:
    """An integrator held still, so the test sees the moment before integration."""

    def nudge(self, group_id: int) -> None:
        pass

    def wait(self, group_id: int, timeout: float) -> bool:
        return False

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def test_an_entry_reads_as_pending_until_integrated_then_shows_its_index(
        settings: Settings, engine: Engine, db: Session, world: World) -> None:
    app = create_app(settings.model_copy(update={"wait_for_index_seconds": 0.0}), engine)
    app.state.sessionmaker.kw["info"]["integrator"] = Parked()
    with TestClient(app) as client:
        made = report(client, world)
        assert made["log"]["index"] is None and made["log"]["leaf_hash"]
        url = f"/api/v1/groups/{world.group.slug}/log/entries/by-hash/{made['log']['leaf_hash']}"
        found = client.get(url, headers=world.auth("icrc.operator")).json()
        assert found == {"leaf_hash": made["log"]["leaf_hash"], "index": None,
                         "integrated": False}
        logged_in(client, db, world.people["icrc.operator"])
        page = client.get(f"/incidents/{made['id']}")
        assert "log entry pending" in page.text

        index = log.integrate(db, world.group.id)
        assert index is not None
        found = client.get(url, headers=world.auth("icrc.operator")).json()
        assert found["integrated"] is True and found["index"] == index - 1
        page = client.get(f"/incidents/{made['id']}")
        assert "log entry pending" not in page.text
        assert f"log entry {index - 1}" in page.text

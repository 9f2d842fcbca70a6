"""Backup and restore as docs/production.md describes them: `pg_dump` of the database and a copy
of the data directory (the log keys live there, outside the database). An auditor who saved a
checkpoint before the dump proves with `corridor audit` that the restored server carries the
same log and goes on extending it; restoring an older dump is caught as a rollback."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.e2e.procs import Corridor

pytestmark = pytest.mark.slow
GROUP = "backup"


def _libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class Databases:
    """Throwaway databases on the test server, all dropped at the end."""

    server: str
    made: list[str]

    def new(self, purpose: str) -> str:
        name = f"corridor_test_{purpose}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.made.append(name)
        return make_url(self.server).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _checkpoint_size(url: str) -> int:
    note = httpx.get(f"{url}/api/v1/groups/{GROUP}/log/checkpoint", timeout=10).text
    return int(note.splitlines()[1])


def settle(url: str, token: str) -> int:
    """Until the newest signed checkpoint covers every entry; its size."""
    deadline = time.monotonic() + 20
    while True:
        size = httpx.get(f"{url}/api/v1/groups/{GROUP}/log/entries", params={"start": 0, "end": 1},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10
                         ).json()["tree_size"]
        if _checkpoint_size(url) == size:
            return int(size)
        assert time.monotonic() < deadline, "the checkpoint did not catch up with the log"
        time.sleep(0.2)


def change(url: str, token: str, label: str) -> None:
    """One logged change through the API: a token issued to the group's admin."""
    r = httpx.post(f"{url}/api/v1/groups/{GROUP}/people/ocha.admin/tokens", json={"label": label},
                   headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 201, r.text


def audit(c: Corridor, url: str, token: str, state: Path) -> dict[str, Any]:
    proc = c.run("audit", "--server", url, "--group", GROUP, "--token", token, "--state",
                 str(state), "--json", ok=False)
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def dump(url: str, to: Path) -> Path:
    subprocess.run(["pg_dump", "--format=custom", "--file", str(to), _libpq(url)], check=True,
                   capture_output=True, timeout=120)
    return to


def restore(dumped: Path, into: str) -> None:
    subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                    "--dbname", _libpq(into), str(dumped)], check=True, capture_output=True,
                   timeout=120)


@dataclass
class Backup:
    """What the operator kept, and what an auditor saw before the newest dump."""

    databases: Databases
    older: Path  # a dump from before the last changes
    newest: Path  # the dump taken after the auditor's run
    data_dir: Path  # the copy of the data directory (log keys)
    state: Path  # the auditor's state after its run: its checkpoint
    audited_size: int
    token: str
    root: Path


@pytest.fixture(scope="module")
def backup(postgres_url: str | None, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Backup]:
    if postgres_url is None:
        pytest.skip("backup and restore need PostgreSQL")
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Debian: postgresql-client)")
    root = tmp_path_factory.mktemp("backup")
    dbs = Databases(make_url(postgres_url).set(database="postgres").render_as_string(
        hide_password=False), [])
    try:
        c = Corridor(root / "data", dbs.new("backup_source"))
        # Each write answers once its entry has its index, so the checkpoint can cover it.
        c.env["CORRIDOR_WAIT_FOR_INDEX_SECONDS"] = "5"
        c.run("db", "upgrade")
        token = c.add_group(GROUP, [("ocha", "convener")], role="admin", timezone="UTC")["ocha"]
        with c.server() as url:
            for n in range(3):
                change(url, token, f"before-{n}")
            settle(url, token)
            older = dump(c.env["CORRIDOR_DATABASE_URL"], root / "older.dump")
            for n in range(3):
                change(url, token, f"after-{n}")
            size = settle(url, token)
            seen = audit(c, url, token, root / "auditor")
            assert seen["ok"] and seen["size"] == size, seen
            # A hot backup: pg_dump reads one consistent snapshot while the server runs.
            newest = dump(c.env["CORRIDOR_DATABASE_URL"], root / "newest.dump")
        shutil.copytree(root / "data", root / "data-backup")
        assert (root / "data-backup" / "log-keys").is_dir()
        yield Backup(dbs, older, newest, root / "data-backup", root / "auditor", size, token,
                     root)
    finally:
        dbs.drop_all()


def restored(b: Backup, dumped: Path, name: str) -> Corridor:
    """A new database restored from `dumped`, with its own copy of the backed-up data dir."""
    url = b.databases.new(name)
    restore(dumped, url)
    data = b.root / f"data-{name}"
    shutil.copytree(b.data_dir, data)
    c = Corridor(data, url)
    c.env["CORRIDOR_WAIT_FOR_INDEX_SECONDS"] = "5"
    return c


def auditor(b: Backup, name: str) -> Path:
    """A copy of the auditor's state for one test (an audit run updates it)."""
    state = b.root / f"auditor-{name}"
    shutil.copytree(b.state, state)
    return state


def test_a_restored_dump_serves_the_log_the_auditor_saw_and_goes_on_extending_it(
    backup: Backup,
) -> None:
    c = restored(backup, backup.newest, "restored")
    state = auditor(backup, "restored")
    with c.server() as url:
        same = audit(c, url, backup.token, state)
        assert same["ok"], same
        assert same["size"] == backup.audited_size and same["new_entries"] == 0
        # The restored server signs with the restored log key: the next checkpoint is proven
        # an extension of the one saved before the dump.
        change(url, backup.token, "after-restore")
        size = settle(url, backup.token)
        grown = audit(c, url, backup.token, state)
    assert size == backup.audited_size + 1
    assert grown["ok"] and grown["size"] == size and grown["new_entries"] == 1, grown


def test_restoring_a_dump_older_than_the_auditors_checkpoint_is_caught_as_a_rollback(
    backup: Backup,
) -> None:
    c = restored(backup, backup.older, "older")
    state = auditor(backup, "older")
    with c.server() as url:
        shrank = audit(c, url, backup.token, state)
        assert not shrank["ok"] and shrank["failure"] == "log-shrank", shrank
        # Writing on after the rollback gives the same indexes different entries: a fork.
        for n in range(4):
            change(url, backup.token, f"forked-{n}")
        assert settle(url, backup.token) > backup.audited_size
        forked = audit(c, url, backup.token, state)
    assert not forked["ok"] and forked["failure"] == "inconsistent", forked

"""The deployments `bench.load` drives: the demo's group built in a throwaway database, served by
real `corridor serve` processes (one SQLite process; PostgreSQL with `--workers 2`; three
PostgreSQL processes on one database), and read back afterwards straight from the database."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, func, select

from bench.common import postgres_database
from corridor.config import Settings, sqlite_url
from corridor.db import make_engine, make_sessionmaker
from corridor.groups.models import Group
from corridor.incidents.models import Incident
from corridor.log.models import LogEntry, LogHead, LogPending
from corridor.notifications.models import Site
from corridor.wiring import register as register_wiring

START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Setup:
    """One configuration to measure: its name, database and how many processes serve it."""

    name: str
    backend: str  # "sqlite" or "postgresql"
    processes: int  # separate `corridor serve` processes
    workers: int  # `--workers` of each (1: the option is not given)


SETUPS = (
    Setup("SQLite, 1 process", "sqlite", 1, 1),
    Setup("PostgreSQL, --workers 2", "postgresql", 1, 2),
    Setup("PostgreSQL, 3 processes", "postgresql", 3, 1),
)


@dataclass
class Deployment:
    """Servers up and answering, the demo's logins, and the database they share."""

    setup: Setup
    urls: list[str]
    database_url: str
    data_dir: Path
    demo: dict[str, Any]
    engine: Engine
    group_id: int
    notes: list[str] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.demo["group"]["slug"])

    def server_log_problems(self) -> str:
        """What the servers wrote to stderr that looks like trouble, counted."""
        text = "\n".join(p.read_text(errors="replace") for p in self.logs if p.exists())
        found = {what: text.count(what) for what in
                 ("Traceback", "QueuePool limit", "database is locked", "deadlock detected")}
        return ", ".join(f"{n} × {what!r}" for what, n in found.items() if n) or "none"


def serve_supports_workers() -> bool:
    """Whether `corridor serve` has `--workers` yet."""
    out = subprocess.run([sys.executable, "-m", "corridor", "serve", "--help"], text=True,
                         capture_output=True, timeout=60, env={**os.environ, "COLUMNS": "200"})
    return "--workers" in out.stdout


def _env(database_url: str, data_dir: Path, concurrency: str | None) -> dict[str, str]:
    env = {**os.environ, "CORRIDOR_DATABASE_URL": database_url,
           "CORRIDOR_DATA_DIR": str(data_dir), "CORRIDOR_ENVIRONMENT": "production",
           "CORRIDOR_SECRET_KEY": secrets.token_urlsafe(32)}
    if concurrency:
        env["CORRIDOR_CONCURRENCY"] = concurrency
    return env


def _seed_sqlite(folder: Path) -> tuple[str, dict[str, Any]]:
    """`corridor demo --no-serve --json --db …`: the demo's group in a fresh SQLite file."""
    path = folder / "corridor.sqlite3"
    out = subprocess.run([sys.executable, "-m", "corridor", "demo", "--no-serve", "--json",
                          "--db", str(path)], text=True, capture_output=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"corridor demo failed:\n{out.stdout}\n{out.stderr}")
    return sqlite_url(path), json.loads(out.stdout)


def _seed_postgres(url: str, folder: Path) -> dict[str, Any]:
    """The same scenario as `corridor demo`, built by the same function in a PostgreSQL database
    (the demo command only writes SQLite files)."""
    from corridor.demo.seed import build

    register_wiring()  # as `corridor demo` does: the seed's writes go into the change feed
    settings = Settings(database_url=url, data_dir=folder)
    key_dir = folder / "party-keys"
    key_dir.mkdir(mode=0o700, parents=True)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine, log_key_dir=settings.log_key_dir)() as session:
            return build(session, settings, key_dir).as_json(None)
    finally:
        engine.dispose()


def _start(cmd: Sequence[str], env: dict[str, str], port: int, log: Path
           ) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        proc = subprocess.Popen([*cmd, "--port", str(port)], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"corridor serve exited ({proc.returncode}):\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    _stop(proc)
    raise RuntimeError(f"corridor serve did not answer within {START_TIMEOUT_S:g} s:\n"
                       f"{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (its workers too), SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def deployed(setup: Setup, folder: Path, *, concurrency: str | None = None
             ) -> Iterator[Deployment | None]:
    """The setup seeded and served; None (said once) when PostgreSQL is not there."""
    folder.mkdir(parents=True)
    with ExitStack() as stack:
        if setup.backend == "sqlite":
            url, demo = _seed_sqlite(folder)
        else:
            pg = stack.enter_context(postgres_database(f"load ({setup.name})"))
            if pg is None:
                yield None
                return
            url, demo = pg, _seed_postgres(pg, folder)
        notes = []
        cmd = [sys.executable, "-m", "corridor", "serve"]
        if setup.workers > 1:
            if serve_supports_workers():
                cmd += ["--workers", str(setup.workers)]
            else:
                notes.append(f"`corridor serve` has no --workers yet: ran 1 process, not "
                             f"{setup.workers}")
        env = _env(url, folder, concurrency)
        # Our own reads: plain deferred transactions, never a writer's lock on SQLite.
        engine = create_engine(url, connect_args={"timeout": 30} if setup.backend == "sqlite"
                               else {})
        stack.callback(engine.dispose)
        with engine.connect() as conn:
            group_id = conn.scalar(select(Group.id).where(Group.slug == demo["group"]["slug"]))
        assert group_id is not None
        procs: list[subprocess.Popen[bytes]] = []
        logs = [folder / f"server-{n}.log" for n in range(setup.processes)]

        def stop_all() -> None:
            for p in procs:
                _stop(p)

        stack.callback(stop_all)
        urls = []
        for log in logs:
            port = free_port()
            procs.append(_start(cmd, env, port, log))
            urls.append(f"http://127.0.0.1:{port}")
        yield Deployment(setup, urls, url, folder, demo, engine, int(group_id), notes, logs)


# --- reading the outcome back from the database -------------------------------------------


def log_size(dep: Deployment) -> tuple[int, int, int]:
    """(head size, entries stored, entries still pending) of the demo's group.

    Pending is read first: the three reads are separate snapshots, and a head read before an
    integration that empties the queue would look drained while being one batch short."""
    gid = dep.group_id
    with dep.engine.connect() as conn:
        pending = conn.scalar(select(func.count()).select_from(LogPending)
                              .where(LogPending.group_id == gid)) or 0
        head = conn.scalar(select(LogHead.size).where(LogHead.group_id == gid)) or 0
        stored = conn.scalar(select(func.count()).select_from(LogEntry)
                             .where(LogEntry.group_id == gid)) or 0
    return int(head), int(stored), int(pending)


def drain(dep: Deployment, timeout: float = 30.0) -> tuple[int, int, int]:
    """Wait until nothing of the group is pending in the log (the integrator caught up)."""
    deadline = time.monotonic() + timeout
    while True:
        size = log_size(dep)
        if size[2] == 0 or time.monotonic() > deadline:
            return size
        time.sleep(0.1)


def gapless(dep: Deployment) -> bool:
    """Indexes 0..size-1, each once."""
    gid = dep.group_id
    with dep.engine.connect() as conn:
        row = conn.execute(select(func.count(), func.count(func.distinct(LogEntry.seq)),
                                  func.min(LogEntry.seq), func.max(LogEntry.seq))
                           .where(LogEntry.group_id == gid)).one()
    count, distinct, low, high = row
    return bool(count == distinct and (count == 0 or (low == 0 and high == count - 1)))


def types_since(dep: Deployment, start: int) -> dict[str, int]:
    """How many entries of each type the group's log holds from index `start` on."""
    with dep.engine.connect() as conn:
        rows = conn.execute(select(LogEntry.type, func.count()).where(
            LogEntry.group_id == dep.group_id, LogEntry.seq >= start).group_by(LogEntry.type))
        return {str(t): int(n) for t, n in rows}


def logged_ids(dep: Deployment, start: int) -> dict[str, set[int]]:
    """The sites and incidents whose creation entered the log from index `start` on."""
    out: dict[str, set[int]] = {kind: set() for kind in WRITE_TYPES}
    with dep.engine.connect() as conn:
        for kind, type_ in WRITE_TYPES.items():
            for data in conn.scalars(select(LogEntry.data).where(
                    LogEntry.group_id == dep.group_id, LogEntry.seq >= start,
                    LogEntry.type == type_)):
                out[kind].add(int(json.loads(data)["payload"][kind]))
    return out


# What each write of the mix logs (one entry per change).
WRITE_TYPES = {"site": "site.notified", "incident": "incident.reported"}
TABLES: dict[str, type[Site] | type[Incident]] = {"site": Site, "incident": Incident}


def present(dep: Deployment, kind: str, ids: Sequence[int]) -> set[int]:
    """Which of these sites or incidents are in the database."""
    model = TABLES[kind]
    found: set[int] = set()
    with dep.engine.connect() as conn:
        for at in range(0, len(ids), 500):
            chunk = list(ids[at:at + 500])
            found |= set(conn.scalars(select(model.id).where(model.id.in_(chunk))))
    return found


def indexes_of(dep: Deployment, kind: str, ids: Sequence[int]) -> dict[int, int]:
    """The log index of each given row's entry, for those already integrated."""
    model = TABLES[kind]
    out: dict[int, int] = {}
    with dep.engine.connect() as conn:
        for at in range(0, len(ids), 500):
            chunk = list(ids[at:at + 500])
            rows = conn.execute(select(model.id, LogEntry.seq)
                                .join(LogEntry, LogEntry.pending_id == model.log_pending_id)
                                .where(model.id.in_(chunk), LogEntry.group_id == dep.group_id))
            out.update({int(i): int(s) for i, s in rows})
    return out


def cleanup(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)

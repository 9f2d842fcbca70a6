"""Fixtures shared by every test: the same suite runs on SQLite and on PostgreSQL.

PostgreSQL comes from CORRIDOR_TEST_POSTGRES_URL (CI creates a throwaway database and sets it);
without it, a server at 127.0.0.1:5432 is tried and a throwaway database made and dropped. When
neither is reachable the PostgreSQL half is skipped, and the run says so in one line.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import corridor.all_models  # noqa: F401
from corridor import clock
from corridor.config import Settings, sqlite_url
from corridor.db import Base, make_engine, make_sessionmaker
from corridor.migrate import upgrade
from corridor.wiring import register as register_wiring

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
_pg_skip_reason: list[str] = []


def _normalise(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith(
        "postgresql://") else url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A migrated, empty PostgreSQL database for this run, or None when there is no server.

    With `pytest -n N` (pytest-xdist) each worker process gets a database of its own, named
    after the given one (CI's) or made up, on the same server: workers truncate their tables
    after every test and must not truncate each other's."""
    given = os.environ.get("CORRIDOR_TEST_POSTGRES_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if given and not worker:
        url = _normalise(given)
        _reset_schema(url)
        upgrade(url)
        yield url
        return
    server = make_url(_normalise(given)) if given else make_url(DEFAULT_SERVER)
    name = f"{server.database}_{worker}" if given else f"corridor_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        where = f"{server.host}:{server.port}"
        _pg_skip_reason.append(f"no PostgreSQL at {where} ({type(exc).__name__})")
        admin.dispose()
        yield None
        return
    url = server.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (faster than migrating every time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(sqlite_url(path))
    return path


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str | None) -> Iterator[Engine | None]:
    if postgres_url is None:
        yield None
        return
    engine = make_engine(postgres_url, pool_size=10, max_overflow=20)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(
    backend: str,
    sqlite_template: Path,
    postgres_engine: Engine | None,
    tmp_path: Path,
) -> Iterator[Engine]:
    """A migrated database with no rows, of the test's backend; emptied again afterwards."""
    if backend == "sqlite":
        path = tmp_path / "corridor.sqlite3"
        shutil.copy(sqlite_template, path)
        eng = make_engine(sqlite_url(path))
        yield eng
        eng.dispose()
        return
    if postgres_engine is None:
        pytest.skip(_pg_skip_reason[0] if _pg_skip_reason else "PostgreSQL not available")
    yield postgres_engine
    # DELETE, children first, and every sequence back to 1: as TRUNCATE ... RESTART IDENTITY
    # leaves it, in 7 ms instead of 160 (TRUNCATE of 35 tables rewrites each one's files).
    with postgres_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(text("SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                          "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"))


# Longer than any test: a group's first checkpoint is signed when its log is first integrated,
# and no other unless a test moves the clock on by this much. Signing one per change (interval
# 0) cost each world of 64 changes 64 signed checkpoints; only the log's own tests need the
# checkpoint to keep up with every change, and they ask with `checkpoint_per_change`.
CHECKPOINT_INTERVAL_SECONDS = 3600.0


@pytest.fixture
def settings(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    per_change = request.node.get_closest_marker("checkpoint_per_change") is not None
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=engine.url.render_as_string(hide_password=False),
        checkpoint_interval_seconds=0.0 if per_change else CHECKPOINT_INTERVAL_SECONDS,
        # Each write waits for its log index, so a test may read the log right after it.
        wait_for_index_seconds=10.0,
    )


@pytest.fixture
def db(engine: Engine, settings: Settings) -> Iterator[Session]:
    session = make_sessionmaker(engine, log_key_dir=settings.log_key_dir,
                                checkpoint_interval=settings.checkpoint_interval_seconds)()
    yield session
    session.rollback()
    session.close()


@pytest.fixture(autouse=True)
def _real_clock_after_each_test() -> Iterator[None]:
    yield
    clock.reset_clock()


def pytest_configure(config: pytest.Config) -> None:
    # The suite is an entry point like create_app and the CLI: it registers the listeners,
    # replayers and alert sources once (corridor.wiring), before any test makes a session.
    register_wiring()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _pg_skip_reason:
        terminalreporter.write_line(
            f"PostgreSQL tests SKIPPED: {_pg_skip_reason[0]}; set CORRIDOR_TEST_POSTGRES_URL "
            "to run them", yellow=True, bold=True)


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Any:
    from corridor.app import create_app

    return create_app(settings, engine)


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


# One built world per backend for the run; each test that asks for it gets it restored.
_world_snapshots: dict[str, Any] = {}


@pytest.fixture
def world(db: Session, settings: Settings, engine: Engine, backend: str,
          request: pytest.FixtureRequest) -> Any:
    """The synthetic group (`tests.factories.make_world`), built once per backend and restored
    into each test's database; the log's own tests (a checkpoint per change) build it anew."""
    from tests.factories import WorldSnapshot, make_world

    if request.node.get_closest_marker("checkpoint_per_change") is not None:
        return make_world(db, settings)
    snapshot = _world_snapshots.get(backend)
    if snapshot is None:
        built = make_world(db, settings)
        _world_snapshots[backend] = WorldSnapshot.take(engine, built, settings.log_key_dir)
        return built
    return snapshot.restore(engine, db, settings.log_key_dir)

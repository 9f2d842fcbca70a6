"""Migrations build the whole schema from empty, on SQLite and PostgreSQL, exactly as the
models declare it; and the server refuses an out-of-date schema, naming the command to run."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import corridor.all_models  # noqa: F401
from corridor.config import sqlite_url
from corridor.db import Base, make_engine
from corridor.migrate import is_up_to_date, upgrade


def assert_schema_matches_models(url: str) -> None:
    engine = make_engine(url)
    try:
        assert is_up_to_date(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], diff
    finally:
        engine.dispose()


def test_sqlite_is_migrated_from_empty_to_the_models(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "fresh.sqlite3")
    assert not is_up_to_date(make_engine(url))
    upgrade(url)
    assert_schema_matches_models(url)


def test_postgresql_is_migrated_from_empty_to_the_models(postgres_url: str | None) -> None:
    if postgres_url is None:
        pytest.skip("PostgreSQL not available")
    server = make_url(postgres_url)
    name = f"corridor_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        assert_schema_matches_models(url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

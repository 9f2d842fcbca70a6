"""Engine, sessions and the declarative Base shared by every topic's models.

SQLite runs in WAL mode with foreign keys on, and every transaction starts with BEGIN IMMEDIATE:
SQLite allows one writer at a time anyway, and taking the write lock up front turns the
"database is locked" upgrade failure of deferred transactions into an orderly wait.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants as UTC and always returns aware datetimes, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: every instant must carry a zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url if isinstance(engine_or_url, str) else str(engine_or_url.url)
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` with Corridor's connection settings applied."""
    if is_sqlite(url):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(
    engine: Engine,
    *,
    log_key_dir: Path | None = None,
    checkpoint_interval: float = 1.0,
    batch_log: bool = False,
) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (services return them).

    `info` carries where the groups' log keys live, so that sequencing the log after a change
    can sign a checkpoint without every service function passing settings along.
    """
    info: dict[str, object] = {
        "log_key_dir": log_key_dir,
        "checkpoint_interval": timedelta(seconds=checkpoint_interval),
    }
    maker = sessionmaker(bind=engine, expire_on_commit=False, info=info)
    if batch_log:  # a server process: one thread numbers the log for all requests
        from corridor.log.sequencer import Sequencer
        from corridor.log.service import sequence_now

        sequencer = Sequencer(maker, lambda db, group_id: sequence_now(db, group_id))
        maker.kw["info"]["sequencer"] = sequencer
    return maker

"""Engine, sessions and the declarative Base shared by every topic's models.

SQLite runs in WAL mode with foreign keys on. Reads begin deferred transactions, so a reader
never waits for the writer (WAL gives it a snapshot). Only a transaction opened with write intent
(`begin_for_write`, used by the unit of work in `corridor.uow`) begins with BEGIN IMMEDIATE:
SQLite allows one writer at a time anyway, and taking the write lock up front turns the
"database is locked" upgrade failure of a deferred transaction into an orderly wait.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from corridor import textsearch

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


# Set only while `begin_for_write` opens a transaction: the SQLite begin hook reads it.
_WRITE_INTENT: ContextVar[bool] = ContextVar("corridor_write_intent", default=False)


def make_engine(url: str, *, pool_size: int | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` with Corridor's connection settings applied.

    `pool_size` caps the connections one process holds (no overflow beyond it: a request that
    cannot get one should have been refused by the in-flight limit before it got here)."""
    if pool_size is not None:
        kwargs.setdefault("pool_size", pool_size)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 10)
    if is_sqlite(url):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


# SQLite writers of one process queue here before BEGIN IMMEDIATE. SQLite's own busy handler
# polls with growing sleeps, so under load a waiting writer (the log's integrator among them)
# could starve for seconds; a Python lock wakes the next writer as soon as one commits.
# Writers in other processes still wait on SQLite's lock (busy_timeout).
_SQLITE_WRITERS: dict[str, threading.Lock] = {}
_SQLITE_WRITERS_GUARD = threading.Lock()
_HELD, _HOOKED = "sqlite_writer_lock", "sqlite_writer_hook"
WRITE_WAIT_SECONDS = 30.0


def begin_for_write(db: Session) -> None:
    """Open `db`'s transaction as a writer (on SQLite: BEGIN IMMEDIATE, the write lock now).

    Any read transaction the session had is ended first; loaded objects stay usable."""
    if db.in_transaction():
        if db.new or db.dirty or db.deleted:
            raise RuntimeError("begin_for_write with unflushed changes: open the write first")
        db.commit()
    bind = db.get_bind()
    if bind.dialect.name == "sqlite":
        _take_sqlite_writer_lock(db, str(bind.engine.url))
    token = _WRITE_INTENT.set(True)
    try:
        db.connection()
    except BaseException:
        _release_sqlite_writer_lock(db)
        raise
    finally:
        _WRITE_INTENT.reset(token)


def _take_sqlite_writer_lock(db: Session, url: str) -> None:
    with _SQLITE_WRITERS_GUARD:
        lock = _SQLITE_WRITERS.setdefault(url, threading.Lock())
    if not lock.acquire(timeout=WRITE_WAIT_SECONDS):
        # Read by the unit of work as any other lock timeout: a conflict that says to retry.
        raise OperationalError("BEGIN IMMEDIATE", None, Exception("database is locked"))
    db.info[_HELD] = lock
    if not db.info.get(_HOOKED):
        event.listen(db, "after_transaction_end", _after_transaction_end)
        db.info[_HOOKED] = True


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction ended: so did the write
        _release_sqlite_writer_lock(session)


def _release_sqlite_writer_lock(db: Session) -> None:
    lock = db.info.pop(_HELD, None)
    if lock is not None:
        lock.release()


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
        textsearch.register_sqlite(dbapi_connection)  # lower() here folds ASCII only

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _WRITE_INTENT.get() else "BEGIN")


def make_sessionmaker(
    engine: Engine,
    *,
    log_key_dir: Path | None = None,
    checkpoint_interval: float = 1.0,
    wait_for_index: float = 0.0,
) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (services return them).

    `info` carries where the groups' log keys live, so that integrating the log can sign a
    checkpoint without every service function passing settings along. A server process attaches
    a background integrator (`corridor.log.integrator.attach`) that numbers the log; requests
    wait for it only up to `wait_for_index` seconds (0: they are answered at commit).
    """
    info: dict[str, object] = {
        "log_key_dir": log_key_dir,
        "checkpoint_interval": timedelta(seconds=checkpoint_interval),
        "wait_for_index": wait_for_index,
    }
    maker = sessionmaker(bind=engine, expire_on_commit=False, info=info)
    install_log_guard(maker)
    return maker


class UnloggedChange(RuntimeError):
    """A bug: a transaction changed a logged table without appending its log entry."""


_LOGGED_SEEN, _LOG_APPENDED = "guard_logged_tables", "guard_log_appended"


def install_log_guard(maker: sessionmaker[Session]) -> None:
    """Refuse to commit a change to a logged table (a model with `__logged__ = True`) unless
    the same transaction appended a log entry: every change goes through `corridor.uow`."""

    def after_flush(session: Session, _context: Any) -> None:
        seen: set[str] = session.info.setdefault(_LOGGED_SEEN, set())
        for obj in session.new:
            if type(obj).__tablename__ == "log_pending":
                session.info[_LOG_APPENDED] = True
        for obj in (*session.new, *session.deleted):
            if getattr(obj, "__logged__", False):
                seen.add(type(obj).__tablename__)
        for obj in session.dirty:
            if getattr(obj, "__logged__", False) and session.is_modified(obj):
                seen.add(type(obj).__tablename__)

    def before_commit(session: Session) -> None:
        session.flush()
        seen = session.info.get(_LOGGED_SEEN)
        if seen and not session.info.get(_LOG_APPENDED):
            tables = ", ".join(sorted(seen))
            _forget(session)
            raise UnloggedChange(f"a change to {tables} was about to commit without a log "
                                 "entry; write it through corridor.uow.change")

    def _forget(session: Session, *_args: Any) -> None:
        session.info.pop(_LOGGED_SEEN, None)
        session.info.pop(_LOG_APPENDED, None)

    event.listen(maker, "after_flush", after_flush)
    event.listen(maker, "before_commit", before_commit)
    event.listen(maker, "after_commit", _forget)
    event.listen(maker, "after_rollback", _forget)

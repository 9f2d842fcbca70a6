"""SQLite's writers of one process queue on one lock before BEGIN IMMEDIATE, and give it back
whatever way their transaction ends; readers never wait for it (SQLite only: PostgreSQL has
no such lock, its rows are locked by the database)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from corridor.config import sqlite_url
from corridor.db import begin_for_write, make_engine


@pytest.fixture
def maker(tmp_path: Path) -> sessionmaker[Session]:
    engine: Engine = make_engine(sqlite_url(tmp_path / "lock.sqlite3"), pool_size=4)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    return sessionmaker(bind=engine, expire_on_commit=False)


def _write_after(maker: sessionmaker[Session], ready: threading.Event, order: list[str],
                 name: str) -> None:
    with maker() as db:
        ready.set()
        begin_for_write(db)  # waits here while another writer holds the lock
        order.append(name)
        db.execute(text("INSERT INTO t VALUES (2)"))
        db.commit()


def test_a_second_writer_waits_for_the_first_to_commit(maker: sessionmaker[Session]) -> None:
    order: list[str] = []
    ready = threading.Event()
    with maker() as first:
        begin_for_write(first)
        first.execute(text("INSERT INTO t VALUES (1)"))
        second = threading.Thread(target=_write_after, args=(maker, ready, order, "second"))
        second.start()
        assert ready.wait(5)
        second.join(timeout=0.5)
        assert second.is_alive(), "the second writer did not wait for the first"
        order.append("first")
        first.commit()
    second.join(timeout=10)
    assert not second.is_alive()
    assert order == ["first", "second"]
    with maker() as db:
        assert db.scalar(text("SELECT count(*) FROM t")) == 2


@pytest.mark.parametrize("ending", ["rollback", "close", "error"])
def test_the_lock_is_given_back_however_the_write_ends(
    maker: sessionmaker[Session], ending: str
) -> None:
    db = maker()
    begin_for_write(db)
    if ending == "rollback":
        db.rollback()
    elif ending == "close":
        db.close()
    else:
        with pytest.raises(OperationalError):
            db.execute(text("INSERT INTO no_such_table VALUES (1)"))
        db.rollback()
    done = threading.Event()

    def write() -> None:
        with maker() as other:
            begin_for_write(other)
            other.execute(text("INSERT INTO t VALUES (3)"))
            other.commit()
            done.set()

    threading.Thread(target=write).start()
    assert done.wait(5), f"the lock was still held after {ending}"
    db.close()


def test_a_reader_does_not_wait_for_a_writer(maker: sessionmaker[Session]) -> None:
    with maker() as writer:
        begin_for_write(writer)
        writer.execute(text("INSERT INTO t VALUES (1)"))
        seen: list[int] = []

        def read() -> None:
            with maker() as reader:
                seen.append(int(reader.scalar(text("SELECT count(*) FROM t")) or 0))

        reading = threading.Thread(target=read)
        reading.start()
        reading.join(timeout=5)
        assert not reading.is_alive(), "a reader waited for the writer"
        assert seen == [0]  # the snapshot before the uncommitted insert
        writer.commit()

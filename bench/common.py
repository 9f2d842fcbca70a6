"""Shared by the benchmarks: throwaway databases, a group with its log key, the result table."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import corridor.all_models  # noqa: F401  (every table known to the metadata)
from corridor.config import sqlite_url
from corridor.db import make_engine, make_sessionmaker
from corridor.groups import service as groups
from corridor.groups.models import Group
from corridor.migrate import upgrade

# Where to create the throwaway PostgreSQL database (any database on the server will do to connect).
POSTGRES_SERVER = os.environ.get(
    "CORRIDOR_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
console = Console(width=None if sys.stdout.isatty() else 150)


@dataclass(frozen=True)
class Result:
    """One row of a benchmark's table; `passed` is None for a row with no target."""

    benchmark: str
    backend: str
    measured: str
    baseline: str
    ratio: str
    target: str
    passed: bool | None


def verdict(passed: bool | None) -> str:
    if passed is None:
        return ""
    return "[bold green]PASS[/]" if passed else "[bold red]MISS[/]"


def show(title: str, results: Sequence[Result], *,
         baseline: str = "baseline (same process)") -> None:
    table = Table(title=title, title_justify="left", show_lines=True)
    for name in ("benchmark", "db", "measured", baseline, "ratio", "target", ""):
        table.add_column(name, overflow="fold")
    for r in results:
        table.add_row(r.benchmark, r.backend, r.measured, r.baseline, r.ratio, r.target,
                      verdict(r.passed))
    console.print(table)


def parse_quick(description: str) -> bool:
    """`--quick` scales every benchmark down (for a smoke run)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="smaller runs, noisier figures")
    return bool(parser.parse_args().quick)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), nearest rank on the sorted values."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3g} ms" if seconds < 1 else f"{seconds:.2f} s"


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    """A migrated SQLite file in `directory` (WAL, synchronous=FULL, as Corridor runs it)."""
    url = sqlite_url(directory / f"bench-{uuid.uuid4().hex[:8]}.sqlite3")
    upgrade(url)
    yield url


@contextmanager
def postgres_database(part: str) -> Iterator[str | None]:
    """A migrated database `corridor_bench_<random>`, dropped afterwards; None, said once, if
    there is no server."""
    server = make_url(POSTGRES_SERVER)
    admin = create_engine(server, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    name = f"corridor_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        console.print(f"[bold yellow]PostgreSQL part of {part} SKIPPED[/]: no server at "
                      f"{server.host}:{server.port} ({type(exc.orig).__name__}); set "
                      "CORRIDOR_BENCH_POSTGRES to a server URL to run it")
        admin.dispose()
        yield None
        return
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def temp_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="corridor-bench-") as tmp:
        yield Path(tmp)


@dataclass
class LogDb:
    """An engine, sessions that number and sign the log like the CLI's, and one group."""

    engine: Engine
    sessions: sessionmaker[Session]
    group: Group
    backend: str


@contextmanager
def log_db(url: str, key_dir: Path, *, pool_size: int = 5,
           checkpoint_interval: float = 1.0) -> Iterator[LogDb]:
    """A group created by the real service (which writes its log key into `key_dir`)."""
    engine = make_engine(url, pool_size=pool_size)
    # Numbered right after each commit, as the CLI does: set-up and checks see a whole log.
    # (`bench.log_writers` measures the server's path, with its background integrator.)
    sessions = make_sessionmaker(engine, log_key_dir=key_dir,
                                 checkpoint_interval=checkpoint_interval)
    try:
        with sessions() as db:
            group = groups.create_group(db, slug="bench", name="Bench group",
                                        timezone="Europe/Kyiv", key_dir=key_dir,
                                        origin_host="bench.corridor.local")
        yield LogDb(engine, sessions, group, engine.dialect.name)
    finally:
        engine.dispose()

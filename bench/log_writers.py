"""Writers for `bench.log_append`: each request makes one real change through its service
function, which writes the log entry through the unit of work, in a session like a server's (the
background integrator numbers the entry after the answer); or makes the very same call with the
log entry left out, the baseline. The change is notifying a site
(`notifications.service.notify_site`, which also bumps the group's feature-change counter for
the deconfliction index) or issuing a token (`groups.service.issue_token`, which writes nothing
else shared), so that the log's own throughput can be told from the counter's.

Eight writers run as eight processes (like eight server workers, each with its integrator), so
that the figure measures the log and the database rather than one interpreter's lock."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

import corridor.all_models  # noqa: F401  (every table known to the metadata)
from corridor import uow
from corridor.db import make_engine, make_sessionmaker
from corridor.groups import service as groups
from corridor.groups.models import Person
from corridor.groups.principal import Principal
from corridor.log.integrator import attach as attach_integrator
from corridor.log.models import LogPending
from corridor.notifications import service as notifications
from corridor.notifications.schemas import SiteIn
from corridor.wiring import register as register_wiring


def _unlogged(self: uow.Change, type: str, payload: dict[str, Any], **_: Any) -> LogPending:
    """`Change.log` for the baseline: the entry is neither written nor integrated."""
    return LogPending(id=0, leaf_hash=b"")


@contextmanager
def without_log() -> Iterator[None]:
    """The service functions run unchanged except that their log entry is left out. The arms
    never overlap, so swapping the method for a round is safe."""
    real = uow.Change.log
    uow.Change.log = _unlogged  # type: ignore[method-assign]
    try:
        yield
    finally:
        uow.Change.log = real  # type: ignore[method-assign]


class Counter:
    """SQL statements, commits and integration batches seen by an engine (all threads)."""

    def __init__(self, engine: Engine) -> None:
        self.statements = self.commits = self.batches = 0
        self._lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, _c: Any, _cur: Any, statement: str, *_: Any) -> None:
        with self._lock:
            self.statements += 1
            self.batches += statement.startswith("INSERT INTO log_entries")

    def _commit(self, _conn: Any) -> None:
        with self._lock:
            self.commits += 1

    def snapshot(self) -> tuple[int, int, int]:
        return self.statements, self.commits, self.batches


@dataclass
class Writer:
    """A person of a notifying member, and sessions with and without the log guard."""

    url: str
    key_dir: Path
    group_id: int
    person_id: int
    change: str = "site"  # or "token"
    pool_size: int = 4
    engine: Engine = field(init=False)
    logged: sessionmaker[Session] = field(init=False)
    plain: sessionmaker[Session] = field(init=False)
    counter: Counter = field(init=False)
    made: int = 0

    def __post_init__(self) -> None:
        register_wiring()  # as a server process does (the change feed, in this process too)
        self.engine = make_engine(self.url, pool_size=self.pool_size)
        # The server's path: a background integrator numbers the entries.
        self.logged = make_sessionmaker(self.engine, log_key_dir=self.key_dir,
                                        checkpoint_interval=1.0)
        attach_integrator(self.logged)
        # The baseline's change has no entry, which the guard of `logged` sessions refuses.
        info = {k: v for k, v in self.logged.kw["info"].items() if k != "integrator"}
        self.plain = sessionmaker(bind=self.engine, expire_on_commit=False, info=info)
        self.counter = Counter(self.engine)

    def request(self, with_log: bool) -> float:
        """One API request's work: find the caller, notify a site. Returns its seconds."""
        began = time.perf_counter()
        self.made += 1
        with (self.logged if with_log else self.plain)() as db:
            person = db.get(Person, self.person_id)
            assert person is not None
            org = person.organisation
            principal = Principal(person=person, organisation=org, group=org.group)
            if self.change == "token":
                groups.issue_token(db, person=person, actor=principal.log_actor(),
                                   label=f"bench {self.made}")
            else:
                notifications.notify_site(
                    db, principal=principal,
                    body=SiteIn(name=f"Bench site {self.made}", type="warehouse",
                                lon=35.0 + (self.made % 1000) / 1000, lat=47.8))
        return time.perf_counter() - began

    def pending(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(LogPending)
                                   .where(LogPending.group_id == self.group_id)) or 0)

    def drain(self, timeout: float = 60.0) -> None:
        """Until this process's integrator has numbered everything pending (what a with-log
        round costs includes the numbering, not only the answers)."""
        integrator = self.logged.kw["info"].get("integrator")
        deadline = time.monotonic() + timeout
        while self.pending() and time.monotonic() < deadline:
            if integrator is not None and hasattr(integrator, "wait"):
                integrator.wait(self.group_id, timeout=1.0)
            else:
                time.sleep(0.002)

    def close(self) -> None:
        integrator = self.logged.kw["info"].get("integrator")
        if integrator is not None and hasattr(integrator, "stop"):
            integrator.stop()
        self.engine.dispose()


@dataclass
class RoundResult:
    wall: float
    cpu: float
    latencies: list[float]
    counts: tuple[int, int, int]  # statements, commits, integration batches


def _round(writer: Writer, with_log: bool, requests: int) -> tuple[float, list[float]]:
    """(process CPU seconds, latency of each request), entries drained when logged."""
    cpu = time.process_time()
    if with_log:
        latencies = [writer.request(True) for _ in range(requests)]
        writer.drain()
    else:
        with without_log():
            latencies = [writer.request(False) for _ in range(requests)]
    return time.process_time() - cpu, latencies


def run_in_process(writer: Writer, with_log: bool, requests: int) -> RoundResult:
    before = writer.counter.snapshot()
    began = time.perf_counter()
    cpu, latencies = _round(writer, with_log, requests)
    wall = time.perf_counter() - began
    after = writer.counter.snapshot()
    return RoundResult(wall, cpu, latencies,
                       (after[0] - before[0], after[1] - before[1], after[2] - before[2]))


def _fleet_worker(conn: Connection, start: Any, args: tuple[str, Path, int, int, str]) -> None:
    url, key_dir, group_id, person_id, change = args
    writer = Writer(url, key_dir, group_id, person_id, change, pool_size=2)
    conn.send("ready")
    while (command := conn.recv()) is not None:
        with_log, requests = command
        start.wait()
        before = writer.counter.snapshot()
        cpu, latencies = _round(writer, with_log, requests)
        after = writer.counter.snapshot()
        conn.send((cpu, latencies, tuple(a - b for a, b in zip(after, before, strict=True))))
    writer.close()


class Fleet:
    """Writer processes kept for a whole comparison; each round starts them at one barrier and
    ends when the last has its entries numbered."""

    def __init__(self, size: int, url: str, key_dir: Path, group_id: int, person_id: int,
                 change: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.start = ctx.Barrier(size + 1)
        self.pipes: list[Connection] = []
        self.procs = []
        for _ in range(size):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_fleet_worker, daemon=True,
                               args=(theirs, self.start,
                                     (url, key_dir, group_id, person_id, change)))
            proc.start()
            self.pipes.append(mine)
            self.procs.append(proc)
        for pipe in self.pipes:
            assert pipe.recv() == "ready"

    def round(self, with_log: bool, per_writer: int) -> RoundResult:
        for pipe in self.pipes:
            pipe.send((with_log, per_writer))
        self.start.wait()
        began = time.perf_counter()
        answers = [pipe.recv() for pipe in self.pipes]
        wall = time.perf_counter() - began
        counts = tuple(sum(a[2][i] for a in answers) for i in range(3))
        return RoundResult(wall, sum(a[0] for a in answers),
                           [x for a in answers for x in a[1]],
                           (counts[0], counts[1], counts[2]))

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for proc in self.procs:
            proc.join(timeout=30)

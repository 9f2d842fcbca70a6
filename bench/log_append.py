"""Append throughput: a token-issuing change committed with its log entry versus without one."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event, func, select

from bench.common import (
    LogDb,
    Result,
    log_db,
    median,
    parse_quick,
    postgres_database,
    show,
    sqlite_database,
    temp_dir,
)
from corridor import clock
from corridor.groups import security
from corridor.groups import service as groups
from corridor.groups.models import ApiToken, Person
from corridor.groups.principal import OPERATOR
from corridor.log import merkle, proofs
from corridor.log import service as log
from corridor.log.models import LogEntry, LogNode, LogPending

TARGET_RATIO = 1.30
TARGET_RATE = 2000.0
THREADS = 8


@dataclass
class Writer:
    """The person tokens are issued to, and how many changes went into the log."""

    ldb: LogDb
    person_id: int
    username: str
    logged: int = 0

    def request(self, with_log: bool) -> None:
        """One API request: `groups.issue_token`, with or without its log entry."""
        with self.ldb.sessions() as db:
            person = db.get(Person, self.person_id)
            assert person is not None
            token = ApiToken(person_id=person.id, label="bench", created_at=clock.now(),
                             token_hash=security.token_digest(security.new_token()))
            db.add(token)
            db.flush()
            group = person.organisation.group
            if with_log:
                log.append(db, group_id=group.id, group_slug=group.slug, actor=OPERATOR,
                           type="token.issued",
                           payload={"username": person.username, "token_id": token.id,
                                    "label": "bench"})
            db.commit()
            if with_log:
                log.sequence(db, group_id=group.id)


class Counter:
    """SQL statements, commits and sequencing batches seen by an engine (all threads)."""

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


def make_writer(ldb: LogDb) -> Writer:
    with ldb.sessions() as db:
        org = groups.add_organisation(db, group=ldb.group, actor=OPERATOR, slug="convener",
                                      name="Convener", kind="convener", timezone="UTC")
        person = groups.add_person(db, organisation=org, actor=OPERATOR, username="bench.admin",
                                   display_name="Bench", role="admin")
        return Writer(ldb, person.id, person.username)


@dataclass
class Arm:
    """What one arm (with or without the log) cost per request, over the rounds."""

    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    statements: int = 0
    commits: int = 0
    batches: int = 0
    requests: int = 0

    def per_request(self) -> float:
        return median(self.seconds)

    def describe(self) -> str:
        n = max(1, self.requests)
        text = (f"{1 / self.per_request():,.0f}/s · CPU {median(self.cpu) * 1e3:.2f} ms · "
                f"{self.statements / n:.1f} SQL · {self.commits / n:.1f} commits")
        if self.batches:
            text += f" · {self.requests / self.batches:.1f} entries/batch"
        return text


def _run(writer: Writer, with_log: bool, threads: int, per_thread: int) -> tuple[float, float]:
    """Wall and process-CPU seconds for `threads` writers to make `per_thread` requests each."""
    start = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def work() -> None:
        start.wait()
        try:
            for _ in range(per_thread):
                writer.request(with_log)
        except BaseException as exc:  # reported after the run, not lost in the thread
            errors.append(exc)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    began, cpu = time.perf_counter(), time.process_time()
    for t in pool:
        t.join()
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    if errors:
        raise errors[0]
    if with_log:
        writer.logged += threads * per_thread
    return elapsed, cpu


def compare(writer: Writer, counter: Counter, threads: int, per_thread: int,
            rounds: int) -> tuple[Arm, Arm]:
    """Both arms, interleaved round by round so that drift in the machine hits both alike."""
    arms = (Arm(), Arm())
    n = threads * per_thread
    for with_log in (False, True):  # warm the pool, caches and statement cache
        _run(writer, with_log, threads, max(1, per_thread // 5))
    for r in range(rounds):
        for with_log in (r % 2 == 0, r % 2 == 1):
            arm = arms[with_log]
            before = counter.snapshot()
            wall, cpu = _run(writer, with_log, threads, per_thread)
            after = counter.snapshot()
            arm.seconds.append(wall / n)
            arm.cpu.append(cpu / n)
            arm.statements += after[0] - before[0]
            arm.commits += after[1] - before[1]
            arm.batches += after[2] - before[2]
            arm.requests += n
    return arms


def verify(ldb: LogDb, expected: int) -> tuple[bool, str]:
    """Sizes agree, seq is gapless, leaf hashes match data, and the stored root is right."""
    gid = ldb.group.id
    with ldb.sessions() as db:
        log.sequence(db, group_id=gid)
        size = proofs.head(db, group_id=gid).size
        rows = db.execute(select(LogEntry.seq, LogEntry.data, LogEntry.leaf_hash)
                          .where(LogEntry.group_id == gid).order_by(LogEntry.seq)).all()
        leaves = db.scalar(select(func.count()).select_from(LogNode)
                           .where(LogNode.group_id == gid, LogNode.level == 0))
        pending = db.scalar(select(func.count()).select_from(LogPending)
                            .where(LogPending.group_id == gid))
        hashes = [r.leaf_hash for r in rows]
        problems = []
        if not size == len(rows) == leaves == expected or pending:
            problems.append(f"sizes head={size} entries={len(rows)} leaves={leaves} "
                            f"expected={expected} pending={pending}")
        if [r.seq for r in rows] != list(range(len(rows))):
            problems.append("seq has gaps")
        if any(merkle.leaf_hash(r.data) != r.leaf_hash or json.loads(r.data)["seq"] != r.seq
               for r in rows):
            problems.append("an entry's leaf hash or seq does not match it")
        if proofs.root_at(db, group_id=gid, size=size) != merkle.root(hashes):
            problems.append("root_at differs from the root of all leaves")
    return not problems, "; ".join(problems) or f"{size} entries, seq 0..{size - 1}, root ok"


def _rows(ldb: LogDb, configs: list[tuple[int, int]], rounds: int) -> list[Result]:
    """For each (threads, requests per thread): the ratio row (and the rate row at 8 writers)."""
    writer = make_writer(ldb)
    counter = Counter(ldb.engine)
    with ldb.sessions() as db:
        writer.logged = proofs.head(db, group_id=ldb.group.id).size
    rows = []
    for threads, per_thread in configs:
        without, with_ = compare(writer, counter, threads, per_thread, rounds)
        ratio = with_.per_request() / without.per_request()
        who = f"append, {threads} writer{'s' if threads > 1 else ''}"
        rows.append(Result(who, ldb.backend, f"with log: {with_.describe()}",
                           f"without log: {without.describe()}",
                           f"{ratio:.2f}× time", f"≤ {TARGET_RATIO:.2f}×", ratio <= TARGET_RATIO))
        if threads == THREADS:
            rate = 1 / with_.per_request()
            rows.append(Result(f"log entries/s, {threads} writers", ldb.backend,
                               f"{rate:,.0f} entries/s", f"without log: "
                               f"{1 / without.per_request():,.0f} changes/s",
                               f"{1 / ratio:.2f}× the no-log rate", f"≥ {TARGET_RATE:,.0f}/s",
                               rate >= TARGET_RATE))
    ok, detail = verify(ldb, writer.logged)
    rows.append(Result("log intact after run", ldb.backend, detail, "merkle.root(all leaves)",
                       "", "identical", ok))
    return rows


def run(quick: bool = False) -> list[Result]:
    single, concurrent, rounds = (60, 15, 2) if quick else (300, 60, 4)
    results: list[Result] = []
    with temp_dir() as tmp:
        with sqlite_database(tmp) as url, log_db(url, tmp / "keys-sqlite") as ldb:
            results += _rows(ldb, [(1, single)], rounds)
        with postgres_database("log_append") as pg_url:
            if pg_url is not None:
                with log_db(pg_url, tmp / "keys-pg", pool_size=THREADS) as ldb:
                    results += _rows(ldb, [(1, single), (THREADS, concurrent)], rounds)
    show("log_append — a change committed with its log entry vs the same change alone "
         "(a session per request, durability on)", results)
    return results


if __name__ == "__main__":
    run(parse_quick(__doc__ or ""))

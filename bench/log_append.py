"""Append cost through real service functions: notifying a site
(`notifications.service.notify_site`) with its log entry, numbered by the server's background
integrator, versus the same call with the entry left out, in the same process, 1 writer on SQLite
and PostgreSQL; on PostgreSQL, 8 writer processes issuing tokens (the log's own rate) and
notifying sites. `python -m bench.log_append [--quick]`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean

from sqlalchemy import func, select

from bench.common import (
    LogDb,
    Result,
    log_db,
    median,
    ms,
    parse_quick,
    percentile,
    postgres_database,
    show,
    sqlite_database,
    temp_dir,
)
from bench.log_writers import Fleet, RoundResult, Writer, run_in_process
from corridor.db import make_sessionmaker
from corridor.groups import service as groups
from corridor.groups.models import Person
from corridor.groups.principal import OPERATOR
from corridor.log import merkle, proofs
from corridor.log import service as log
from corridor.log.models import LogEntry, LogNode, LogPending

TARGET_RATIO = 1.30
TARGET_RATE = 2000.0
WRITERS = 8


@dataclass
class Arm:
    """What one arm (with or without the log) cost per change, over the rounds."""

    seconds: list[float] = field(default_factory=list)  # wall per change, numbering included
    cpu: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # until each request was answered
    statements: int = 0
    commits: int = 0
    batches: int = 0
    changes: int = 0

    def add(self, r: RoundResult) -> None:
        n = len(r.latencies)
        self.seconds.append(r.wall / n)
        self.cpu.append(r.cpu / n)
        self.latencies += r.latencies
        self.statements += r.counts[0]
        self.commits += r.counts[1]
        self.batches += r.counts[2]
        self.changes += n

    def per_change(self) -> float:
        return median(self.seconds)

    def describe(self) -> str:
        n = max(1, self.changes)
        text = (f"{1 / self.per_change():,.0f}/s · answered p50 {ms(median(self.latencies))}, "
                f"p99 {ms(percentile(self.latencies, 99))} · CPU {median(self.cpu) * 1e3:.2f} ms"
                f" · {self.statements / n:.1f} SQL · {self.commits / n:.2f} commits")
        if self.batches:
            text += f" · {self.changes / self.batches:.1f} entries/batch"
        return text


def make_writer(ldb: LogDb) -> tuple[int, int]:
    """A humanitarian member and its operator, who may notify sites: (group id, person id)."""
    with ldb.sessions() as db:
        org = groups.add_organisation(db, group=ldb.group, actor=OPERATOR, slug="aid",
                                      name="Aid agency", kind="humanitarian", timezone="UTC")
        person = groups.add_person(db, organisation=org, actor=OPERATOR, username="aid.ops",
                                   display_name="Logistician", role="operator")
        return ldb.group.id, person.id


def compare(run: Callable[[bool, int], RoundResult], requests: int, rounds: int
            ) -> tuple[Arm, Arm]:
    """Both arms, interleaved round by round so that drift in the machine hits both alike."""
    arms = (Arm(), Arm())
    for with_log in (False, True):  # warm the pool, caches and statement cache
        run(with_log, max(1, requests // 5))
    for r in range(rounds):
        for with_log in (r % 2 == 0, r % 2 == 1):
            arms[with_log].add(run(with_log, requests))
    return arms


def verify(ldb: LogDb) -> tuple[bool, str]:
    """Nothing pending, seq gapless, leaf hashes match the data, and the stored root is right."""
    gid = ldb.group.id
    with ldb.sessions() as db:
        log.sequence_now(db, gid)
        size = proofs.head(db, group_id=gid).size
        rows = db.execute(select(LogEntry.seq, LogEntry.data, LogEntry.leaf_hash)
                          .where(LogEntry.group_id == gid).order_by(LogEntry.seq)).all()
        leaves = db.scalar(select(func.count()).select_from(LogNode)
                           .where(LogNode.group_id == gid, LogNode.level == 0))
        pending = db.scalar(select(func.count()).select_from(LogPending)
                            .where(LogPending.group_id == gid))
        made = db.scalar(select(func.count()).select_from(LogEntry).where(
            LogEntry.group_id == gid, LogEntry.type.in_(("site.notified", "token.issued"))))
        hashes = [r.leaf_hash for r in rows]
        problems = []
        if not size == len(rows) == leaves or pending:
            problems.append(f"sizes head={size} entries={len(rows)} leaves={leaves} "
                            f"pending={pending}")
        if [r.seq for r in rows] != list(range(len(rows))):
            problems.append("seq has gaps")
        # Entries written before the log answered at commit carry their seq; later ones do not.
        if any(merkle.leaf_hash(r.data) != r.leaf_hash
               or json.loads(r.data).get("seq", r.seq) != r.seq for r in rows):
            problems.append("an entry's leaf hash or seq does not match it")
        if proofs.root_at(db, group_id=gid, size=size) != merkle.root(hashes):
            problems.append("root_at differs from the root of all leaves")
    return not problems, "; ".join(problems) or (
        f"{size} entries ({made} sites and tokens), seq 0..{size - 1}, root ok, none pending")


def _ratio_row(who: str, backend: str, without: Arm, with_: Arm) -> Result:
    """The writer's own overhead: a change is answered at commit, so what the log costs it is
    the time to its answer (mean, tail included). The rate with every entry numbered before
    the round ends is shown beside it: it also holds the integrator's last batch."""
    ratio = mean(with_.latencies) / mean(without.latencies)
    numbered = with_.per_change() / without.per_change()
    return Result(who, backend, f"with log: {with_.describe()}",
                  f"without log: {without.describe()}",
                  f"{ratio:.2f}× time to the answer (mean); {numbered:.2f}× with numbering "
                  "waited for", f"≤ {TARGET_RATIO:.2f}× to the answer", ratio <= TARGET_RATIO)


def _fleet(ldb: LogDb, url: str, key_dir: Path, ids: tuple[int, int], change: str,
           per_writer: int, rounds: int) -> tuple[Arm, Arm]:
    writers = Fleet(WRITERS, url, key_dir, *ids, change)
    try:
        return compare(lambda w, n: writers.round(w, n), per_writer, rounds)
    finally:
        writers.close()


def _rows(ldb: LogDb, url: str, key_dir: Path, *, single: int, fleet: int | None,
          rounds: int) -> list[Result]:
    ids = make_writer(ldb)
    rows = []
    writer = Writer(url, key_dir, *ids)
    try:
        without, with_ = compare(lambda w, n: run_in_process(writer, w, n), single, rounds)
    finally:
        writer.close()
    rows.append(_ratio_row("notify a site, 1 writer", ldb.backend, without, with_))
    if fleet is not None:
        # Tokens: a change that shares no row but the log's, so the rate is the log's own.
        without, with_ = _fleet(ldb, url, key_dir, ids, "token", fleet, rounds)
        rate = 1 / with_.per_change()
        rows.append(Result(f"log entries/s, {WRITERS} writer processes issuing tokens",
                           ldb.backend, f"{rate:,.0f} entries/s, each numbered before the round "
                           f"ends · {with_.describe()}",
                           f"without log: {without.describe()}",
                           f"{rate:,.0f}/s, {without.per_change() / with_.per_change():.2f}× "
                           "the no-log rate",
                           f"≥ {TARGET_RATE:,.0f}/s", rate >= TARGET_RATE))
        # Sites: every writer of the group also takes the feature-change counter's row lock.
        without, with_ = _fleet(ldb, url, key_dir, ids, "site", fleet, rounds)
        rows.append(Result(f"notify a site, {WRITERS} writer processes", ldb.backend,
                           f"with log: {with_.describe()}", f"without log: {without.describe()}",
                           f"{with_.per_change() / without.per_change():.2f}× time", "", None))
    rows.append(integration_rate(ldb, key_dir, ids[1], 500 if single < 100 else 3000))
    ok, detail = verify(ldb)
    rows.append(Result("log intact after run", ldb.backend, detail, "merkle.root(all leaves)",
                       "", "identical", ok))
    return rows


class _Parked:
    """An integrator that never runs: the appended entries wait, to be numbered in one go."""

    def nudge(self, group_id: int) -> None:
        pass

    def wait(self, group_id: int, timeout: float) -> bool:
        return False


def integration_rate(ldb: LogDb, key_dir: Path, person_id: int, backlog: int) -> Result:
    """How fast the log numbers entries: `backlog` tokens issued through the real service with
    numbering held back, then one `log.integrate` (what the background integrator runs)."""
    parked = make_sessionmaker(ldb.engine, log_key_dir=key_dir, checkpoint_interval=1.0)
    parked.kw["info"]["integrator"] = _Parked()
    started = time.perf_counter()
    with parked() as db:
        person = db.get(Person, person_id)
        assert person is not None
        for i in range(backlog):
            groups.issue_token(db, person=person, actor=OPERATOR, label=f"backlog-{i}")
    appending = time.perf_counter() - started
    with ldb.sessions() as db:
        waiting = db.scalar(select(func.count()).select_from(LogPending)) or 0
        started = time.perf_counter()
        log.integrate(db, ldb.group.id)
        took = time.perf_counter() - started
    rate, appended = waiting / took, backlog / appending
    return Result(f"log numbering, a backlog of {waiting:,} entries", ldb.backend,
                  f"{rate:,.0f} entries/s ({waiting:,} in {ms(took)}, one checkpoint)",
                  f"one writer appending them through the service: {appended:,.0f}/s",
                  f"{rate / appended:.0f}× one writer's rate", f"≥ {TARGET_RATE:,.0f}/s",
                  rate >= TARGET_RATE)


def run(quick: bool = False) -> list[Result]:
    single, fleet, rounds = (60, 15, 2) if quick else (300, 60, 4)
    results: list[Result] = []
    with temp_dir() as tmp:
        with sqlite_database(tmp) as url, log_db(url, tmp / "keys-sqlite") as ldb:
            results += _rows(ldb, url, tmp / "keys-sqlite", single=single, fleet=None,
                             rounds=rounds)
        with postgres_database("log_append") as pg_url:
            if pg_url is not None:
                with log_db(pg_url, tmp / "keys-pg") as ldb:
                    results += _rows(ldb, pg_url, tmp / "keys-pg", single=single, fleet=fleet,
                                     rounds=rounds)
    show("log_append — notifying a site through the service with its log entry vs the same call "
         "without it (a session per request, durability on; a round ends when every entry is "
         "numbered)", results)
    return results


if __name__ == "__main__":
    run(parse_quick(__doc__ or ""))

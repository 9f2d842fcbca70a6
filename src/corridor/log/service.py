"""Writing the log: `append` in the change's transaction; `integrate` numbers entries later.

Why two steps (as Tessera does): a writer that held the log's lock through its own commit
would cap the whole group at one commit per fsync. Instead each change commits its data
together with its finished entry (so a change and its entry exist together or not at all, and
the entry's leaf hash is known at commit), and is answered then. A background integrator in
each server process (`corridor.log.integrator`) then numbers every pending entry of a group in
one batch under the head's row lock: gapless numbers, O(log n) new tree nodes per entry, one
commit per batch. Whichever process takes the lock does the work; the others skip it.

An entry's index is its place in the tree, so the entry itself does not repeat it; entries
written before this change carry a "seq" equal to their index, which the auditor still checks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text
from sqlalchemy.orm import Session

from corridor import clock
from corridor.db import begin_for_write, make_sessionmaker
from corridor.log import checkpoints, merkle
from corridor.log.canonical import canonicalize
from corridor.log.models import LogEntry, LogHead, LogNode, LogPending

BATCH = 2048


@dataclass(frozen=True)
class LogActor:
    """Who made a change: organisation slug, person's username, and key fingerprint if signed."""

    organisation: str | None
    person: str | None
    key: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"organisation": self.organisation, "person": self.person, "key": self.key}


def format_time(at: datetime) -> str:
    """RFC 3339 UTC with milliseconds, the one time format inside log entries."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def append(
    db: Session,
    *,
    group_id: int,
    group_slug: str,
    actor: LogActor,
    type: str,
    payload: dict[str, Any],
    signature: dict[str, Any] | None = None,
) -> LogPending:
    """Queue one entry in the caller's transaction; it gets its number when `sequence` runs."""
    at = clock.now()
    envelope: dict[str, Any] = {
        "time": format_time(at),
        "group": group_slug,
        "actor": actor.as_json(),
        "type": type,
        "payload": payload,
    }
    if signature is not None:
        envelope["signature"] = signature
    # Canonicalise now, so a payload that cannot be logged fails the change itself.
    data = canonicalize(envelope)
    pending = LogPending(group_id=group_id, time=at, envelope=data.decode(),
                         leaf_hash=merkle.leaf_hash(data))
    db.add(pending)
    db.flush()
    return pending


def init_head(db: Session, *, group_id: int) -> None:
    """Create the empty tree of a new group (in the group's creation transaction)."""
    db.add(LogHead(group_id=group_id, size=0, root=merkle.EMPTY_ROOT))
    db.flush()


def lock_head(db: Session, group_id: int, *, skip_locked: bool = False) -> LogHead | None:
    """The head row, locked until the transaction ends; None if `skip_locked` and another
    transaction holds it (SQLite: the caller's write transaction already is the lock)."""
    query = select(LogHead).where(LogHead.group_id == group_id)
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=skip_locked)
    return db.scalars(query).first()


def integrate(db: Session, group_id: int, *, skip_locked: bool = False) -> int | None:
    """Number every pending entry of the group and sign a checkpoint if one is due; commit.

    Returns the new size, or None when another process holds the head (`skip_locked`)."""
    while True:
        begin_for_write(db)
        head = lock_head(db, group_id, skip_locked=skip_locked)
        if head is None:
            db.rollback()
            return None
        pending = db.scalars(
            select(LogPending)
            .where(LogPending.group_id == group_id)
            .order_by(LogPending.id)
            .limit(BATCH)
        ).all()
        if pending:
            _integrate(db, head, list(pending))
        checkpoints.issue_if_due(db, head=head)
        db.commit()
        if len(pending) < BATCH:
            return head.size


def sequence(db: Session, *, group_id: int) -> None:
    """After committing a change outside a server (the CLI, the demo, tests without a server):
    number its entry now. In a server process the integrator does it in the background, and a
    request waits for its entry's number only when the settings ask for it (tests)."""
    integrator = db.info.get("integrator")
    if integrator is None:
        integrate(db, group_id)
        return
    integrator.nudge(group_id)
    wait = db.info.get("wait_for_index", 0.0)
    if wait:
        integrator.wait(group_id, timeout=wait)


def sequence_now(db: Session, group_id: int) -> int:
    """Number the group's pending entries now, waiting for the head lock; return the size."""
    size = integrate(db, group_id)
    assert size is not None
    return size


def _integrate(db: Session, head: LogHead, pending: list[LogPending]) -> None:
    size = head.size
    nodes = load_nodes(db, head.group_id, merkle.nodes_for_root(size))
    new_rows: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for item in pending:
        data = item.envelope.encode()
        lh = item.leaf_hash
        for level, idx, h in merkle.new_nodes_on_append(nodes, size, lh):
            nodes[(level, idx)] = h
            new_rows.append({"group_id": head.group_id, "level": level, "idx": idx, "hash": h})
        entries.append(
            {
                "group_id": head.group_id,
                "seq": size,
                "pending_id": item.id,
                "type": json.loads(data)["type"],
                "data": data,
                "leaf_hash": lh,
            }
        )
        size += 1
    db.execute(insert(LogEntry), entries)
    db.execute(insert(LogNode), new_rows)
    db.execute(delete(LogPending).where(LogPending.id.in_([p.id for p in pending])))
    head.size = size
    head.root = merkle.root_from_nodes(nodes, size)
    db.flush()


_EXACT_NODES = text(
    "SELECT n.level, n.idx, n.hash FROM unnest(CAST(:levels AS int[]), CAST(:idxs AS bigint[]))"
    " AS k(level, idx) JOIN log_nodes n ON n.group_id = :g AND n.level = k.level"
    " AND n.idx = k.idx"
)


def load_nodes(
    db: Session, group_id: int, keys: list[merkle.NodeKey]
) -> dict[merkle.NodeKey, bytes]:
    """Fetch the given perfect-subtree hashes in one query."""
    if not keys:
        return {}
    wanted = set(keys)
    if db.get_bind().dialect.name == "postgresql":
        # Join on exactly the wanted keys: an IN x IN filter reads ~10x the rows at 10^6.
        rows = db.execute(_EXACT_NODES, {
            "g": group_id, "levels": [k[0] for k in keys], "idxs": [k[1] for k in keys]}).all()
    else:
        levels = {level for level, _ in keys}
        indices = {idx for _, idx in keys}
        rows = db.execute(
            select(LogNode.level, LogNode.idx, LogNode.hash).where(
                LogNode.group_id == group_id, LogNode.level.in_(levels),
                LogNode.idx.in_(indices))
        ).all()
    found = {(r.level, r.idx): r.hash for r in rows if (r.level, r.idx) in wanted}
    missing = wanted - found.keys()
    if missing:
        raise RuntimeError(f"log of group {group_id} is missing tree nodes {sorted(missing)[:5]}")
    return found


def sequence_all(engine: Engine, *, log_key_dir: Any = None) -> None:
    """Number what every group left pending (at start-up, after a crash)."""
    with make_sessionmaker(engine, log_key_dir=log_key_dir)() as db:
        group_ids = list(db.scalars(select(LogHead.group_id)))
        db.rollback()
        for group_id in group_ids:
            sequence_now(db, group_id)

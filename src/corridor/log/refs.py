"""Where changes sit in the log, looked up in one batch: each change's leaf hash (known from
its commit) and its index (known once the entry is integrated, moments later).

Rows that record a change keep the id of the entry they were committed with
(`log_pending_id`, from `LoggedMixin`); lists pass all of them here at once, never row by row.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.log.models import LogEntry, LogPending


class LogRef(BaseModel):
    """The log entry a change was committed with."""

    leaf_hash: str = Field(description="SHA-256(0x00 || entry), base64; known at commit")
    index: int | None = Field(
        description="The entry's index in the group's log; null for the moment between the "
        "commit and its integration (look it up with GET …/log/entries/by-hash/{leaf_hash})")


class Recorded(BaseModel):
    """A response that can say where the change it answers sits in the log."""

    log: LogRef | None = Field(
        default=None, description="The log entry of the change this response answers (on "
        "writes; null on reads)")


def b64(h: bytes) -> str:
    return base64.b64encode(h).decode()


def refs(db: Session, pending_ids: Iterable[int | None]) -> dict[int, LogRef]:
    """The log reference of each given change, in at most two statements whatever their number."""
    wanted = {i for i in pending_ids if i is not None}
    if not wanted:
        return {}
    # Waiting entries first: one the integrator moves in between is then found integrated,
    # where the other order could miss it in both places.
    waiting = {int(r.id): r.leaf_hash for r in db.execute(
        select(LogPending.id, LogPending.leaf_hash).where(LogPending.id.in_(wanted)))}
    found = {
        int(r.pending_id): LogRef(leaf_hash=b64(r.leaf_hash), index=int(r.seq))
        for r in db.execute(select(LogEntry.pending_id, LogEntry.seq, LogEntry.leaf_hash)
                            .where(LogEntry.pending_id.in_(wanted - waiting.keys())))
    } if wanted - waiting.keys() else {}
    for pending_id, leaf_hash in waiting.items():
        found[pending_id] = LogRef(leaf_hash=b64(leaf_hash), index=None)
    return found


def indexes(db: Session, pending_ids: Iterable[int | None]) -> dict[int, int | None]:
    """Only the indexes (None while pending), for the lists that show a log number."""
    return {k: v.index for k, v in refs(db, pending_ids).items()}

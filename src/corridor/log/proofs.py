"""Reading the log: entries, roots at any size, inclusion and consistency proofs, each from
O(log n) stored subtree hashes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor.errors import InvalidInput, NotFound
from corridor.log import merkle
from corridor.log.models import LogEntry, LogHead, LogPending
from corridor.log.service import load_nodes

MAX_PAGE = 1000


def head(db: Session, *, group_id: int) -> LogHead:
    h = db.get(LogHead, group_id)
    if h is None:
        raise NotFound("this group has no log")
    return h


def _check_size(db: Session, group_id: int, size: int, field: str) -> None:
    current = head(db, group_id=group_id).size
    if size < 1 or size > current:
        raise InvalidInput(f"size must be between 1 and the tree size {current}", field=field)


def entries(db: Session, *, group_id: int, start: int, end: int) -> list[LogEntry]:
    """Entries start..end-1 (at most MAX_PAGE)."""
    if start < 0 or end <= start:
        raise InvalidInput("need 0 <= start < end", field="start")
    end = min(end, start + MAX_PAGE)
    return list(
        db.scalars(
            select(LogEntry)
            .where(LogEntry.group_id == group_id, LogEntry.seq >= start, LogEntry.seq < end)
            .order_by(LogEntry.seq)
        )
    )


def root_at(db: Session, *, group_id: int, size: int) -> bytes:
    _check_size(db, group_id, size, "size")
    nodes = load_nodes(db, group_id, merkle.nodes_for_root(size))
    return merkle.root_from_nodes(nodes, size)


def inclusion(db: Session, *, group_id: int, index: int, size: int) -> list[bytes]:
    """Proof that leaf `index` is in the tree of `size` leaves."""
    _check_size(db, group_id, size, "size")
    if not 0 <= index < size:
        raise InvalidInput(f"index must be below the size {size}", field="index")
    nodes = load_nodes(db, group_id, merkle.nodes_for_inclusion(index, size))
    return merkle.inclusion_proof_from_nodes(nodes, index, size)


def index_of(db: Session, *, group_id: int, leaf_hash: bytes) -> int:
    seq = db.scalar(
        select(LogEntry.seq).where(LogEntry.group_id == group_id, LogEntry.leaf_hash == leaf_hash)
    )
    if seq is None:
        raise NotFound("no entry with that leaf hash", field="leaf_hash")
    return seq


def locate(db: Session, *, group_id: int, leaf_hash: bytes) -> tuple[int | None, bool]:
    """Where an entry is: (its index, True) once integrated, (None, True) while it waits for
    one, or (None, False) if no entry of the group has that leaf hash."""
    # Waiting entries first: one integrated between the two reads is then found integrated
    # (in the other order it could be missed in both places).
    waiting = db.scalar(select(LogPending.id).where(
        LogPending.group_id == group_id, LogPending.leaf_hash == leaf_hash).limit(1))
    seq = db.scalar(select(func.min(LogEntry.seq)).where(
        LogEntry.group_id == group_id, LogEntry.leaf_hash == leaf_hash))
    if seq is not None:
        return int(seq), True
    return None, waiting is not None


def consistency(db: Session, *, group_id: int, old: int, new: int) -> list[bytes]:
    """Proof that the tree of `old` leaves is a prefix of the tree of `new` leaves."""
    _check_size(db, group_id, new, "to")
    if not 1 <= old <= new:
        raise InvalidInput(f"'from' must be between 1 and 'to' ({new})", field="from")
    nodes = load_nodes(db, group_id, merkle.nodes_for_consistency(old, new))
    return merkle.consistency_proof_from_nodes(nodes, old, new)

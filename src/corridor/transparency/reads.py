"""The log as a member reads it: the permission checked here, for the API and the pages alike,
then `corridor.log`'s own reads. Entries about another humanitarian organisation's sites and
movements are served as their leaf hash only (need to know), so the log still verifies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from corridor.errors import InvalidInput, NotFound
from corridor.groups.principal import Principal
from corridor.log import checkpoints, proofs
from corridor.log.models import Checkpoint, LogEntry
from corridor.policy import Action, Target, log_entry_visible, require


@dataclass(frozen=True)
class Entry:
    index: int
    leaf_hash: bytes
    data: str | None  # None: withheld from this reader


def _check_read(principal: Principal) -> None:
    require(principal.actor, Action.LOG_READ, Target(group_id=principal.group.id))


def visible_data(principal: Principal, entry: LogEntry) -> str | None:
    """The entry's content if this member may read it, else None (its leaf hash still shows)."""
    if log_entry_visible(principal.actor, principal.organisation.slug, entry.type, entry.data):
        return entry.data.decode()
    return None


def current_checkpoint(db: Session, *, principal: Principal) -> Checkpoint:
    _check_read(principal)
    return checkpoints.current(db, group_id=principal.group.id)


def entries(db: Session, *, principal: Principal, start: int,
            end: int | None) -> tuple[int, list[Entry]]:
    """The tree size and the entries from `start` to `end` (exclusive; at most a page)."""
    _check_read(principal)
    group_id = principal.group.id
    size = proofs.head(db, group_id=group_id).size
    rows = proofs.entries(db, group_id=group_id, start=start, end=end or size) \
        if start < size else []
    return size, [Entry(e.seq, e.leaf_hash, visible_data(principal, e)) for e in rows]


def locate(db: Session, *, principal: Principal, leaf_hash: bytes) -> int | None:
    """The index of the entry with this leaf hash (None while pending); NotFound if none."""
    _check_read(principal)
    index, known = proofs.locate(db, group_id=principal.group.id, leaf_hash=leaf_hash)
    if not known:
        raise NotFound("no entry of this group has that leaf hash", field="leaf_hash")
    return index


@dataclass(frozen=True)
class Inclusion:
    index: int
    leaf_hash: bytes
    root: bytes
    proof: list[bytes]


def inclusion(db: Session, *, principal: Principal, size: int, index: int | None,
              leaf_hash: bytes | None) -> Inclusion:
    _check_read(principal)
    group_id = principal.group.id
    if index is None:
        if leaf_hash is None:
            raise InvalidInput("give either index or leaf_hash", field="index")
        index = proofs.index_of(db, group_id=group_id, leaf_hash=leaf_hash)
    proof = proofs.inclusion(db, group_id=group_id, index=index, size=size)
    entry = proofs.entries(db, group_id=group_id, start=index, end=index + 1)[0]
    return Inclusion(index, entry.leaf_hash, proofs.root_at(db, group_id=group_id, size=size),
                     proof)


def consistency(db: Session, *, principal: Principal, old: int,
                new: int) -> tuple[bytes, bytes, list[bytes]]:
    """The two roots and the proof that the tree of size `old` is a prefix of that of `new`."""
    _check_read(principal)
    group_id = principal.group.id
    proof = proofs.consistency(db, group_id=group_id, old=old, new=new)
    return (proofs.root_at(db, group_id=group_id, size=old),
            proofs.root_at(db, group_id=group_id, size=new), proof)

"""Tables of the verifiable log: a queue of changes waiting for a sequence number, the entries
themselves (insert-only), the perfect Merkle subtrees, the head, checkpoints and cosignatures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from corridor.db import Base, UTCDateTime


class LogPending(Base):
    """A change committed with its data, not yet given its place in the log.

    Written in the change's own transaction; the sequencer moves it into `log_entries` in
    batches, so that concurrent writers never queue on one lock through their own commit.
    """

    __tablename__ = "log_pending"
    # Never reuse an id (SQLite would, after the queue empties): log_entries.pending_id is unique.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    time: Mapped[datetime] = mapped_column(UTCDateTime())
    envelope: Mapped[str] = mapped_column(Text)  # the entry itself: canonical JSON
    # Known at commit, so a client can look its change up before it has an index.
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)


class LoggedMixin:
    """A row that records a change: the id of the log entry committed with it.

    The unit of work (`corridor.uow`) refuses to commit a new or changed row of a class with this
    mixin, or with `__logged__ = True`, unless the same transaction appended a log entry."""

    __logged__ = True

    @declared_attr
    def log_pending_id(cls) -> Mapped[int]:
        return mapped_column(BigInteger)


class LogEntry(Base):
    """One entry of a group's log; never updated or deleted."""

    __tablename__ = "log_entries"
    # Inclusion proofs by leaf hash (the API's ?leaf_hash=) must not scan the table.
    __table_args__ = (Index("ix_log_entries_group_id_leaf_hash", "group_id", "leaf_hash"),)

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pending_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogNode(Base):
    """Hash of the perfect subtree covering leaves [idx << level, (idx + 1) << level)."""

    __tablename__ = "log_nodes"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogHead(Base):
    """Size and root of a group's tree; its row lock is the log's one serialisation point."""

    __tablename__ = "log_heads"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))


class Checkpoint(Base):
    """A signed checkpoint the server issued (C2SP tlog-checkpoint, signed note)."""

    __tablename__ = "log_checkpoints"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Cosignature(Base):
    """A member witness's cosignature line on one of our checkpoints."""

    __tablename__ = "log_cosignatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    signing_key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    line: Mapped[str] = mapped_column(Text)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

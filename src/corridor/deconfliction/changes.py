"""A per-group feed of changes to what the deconfliction check looks at (sites, incidents,
pauses), so that every server process can keep its in-memory spatial index current.

Every flush that writes a Site, Incident or Pause bumps the group's counter and records which
feature changed, in the same transaction, whichever service wrote it. The counter row is updated
(not read then written), so writers of one group take its row lock in turn: numbers commit in
order and without gaps, and a reader that sees version N has every change up to N. The epoch, a
random token set when the row is created, tells a cache that the row it knew is gone (a database
restored or emptied) and that it must load the group afresh.

The listeners are installed by `install()`, which the application factory and the CLI call
(`corridor.wiring`), not by importing a module: reading the feed before they are installed
raises `ChangeFeedNotInstalled` instead of serving an index that silently stopped following
the writes.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from itertools import chain
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, event, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from corridor.db import Base
from corridor.incidents.models import Incident
from corridor.notifications.models import Site
from corridor.pauses.models import Pause

SITE, INCIDENT, PAUSE = "site", "incident", "pause"


class FeatureVersion(Base):
    """How many changes to its features a group has had."""

    __tablename__ = "feature_versions"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)


class FeatureChange(Base):
    """Change number `version` of a group: this feature was added, changed or removed."""

    __tablename__ = "feature_changes"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)


class ChangeFeedNotInstalled(RuntimeError):
    """A bug: the feed was read in a process that never installed its listeners."""


def _kind(obj: Any) -> str | None:
    if isinstance(obj, Site):
        return SITE
    if isinstance(obj, Incident):
        return INCIDENT
    if isinstance(obj, Pause):  # an amendment changes its current_version, so it shows here
        return PAUSE
    return None


def _bump(session: Session, group_id: int, count: int) -> int:
    """Add `count` to the group's counter (creating it) and return the new value."""
    conn = session.connection()
    dialect = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    row = {"group_id": group_id, "epoch": uuid.uuid4().hex, "version": 0}
    if conn.dialect.name in ("sqlite", "postgresql"):
        conn.execute(dialect(FeatureVersion).values(**row).on_conflict_do_nothing())
    elif conn.execute(select(FeatureVersion.group_id).where(
            FeatureVersion.group_id == group_id)).first() is None:
        conn.execute(insert(FeatureVersion).values(**row))
    version = conn.execute(
        update(FeatureVersion).where(FeatureVersion.group_id == group_id)
        .values(version=FeatureVersion.version + count).returning(FeatureVersion.version)
    ).scalar_one()
    return int(version)


_RECORDED = "corridor.feature_changes"  # session.info: what this transaction has recorded


def _record(session: Session, _context: Any) -> None:
    # A reader reads each changed feature again after the commit, so one record per feature and
    # transaction is enough, however many flushes touched it.
    recorded: set[tuple[int, str, int]] = session.info.setdefault(_RECORDED, set())
    touched: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for obj in chain(session.new, session.dirty, session.deleted):
        kind = _kind(obj)
        if kind is None or (obj in session.dirty and not session.is_modified(obj)):
            continue
        if (obj.group_id, kind, obj.id) not in recorded:
            recorded.add((obj.group_id, kind, obj.id))
            touched[obj.group_id].add((kind, obj.id))
    for group_id, features in sorted(touched.items()):
        last = _bump(session, group_id, len(features))
        first = last - len(features) + 1
        session.connection().execute(insert(FeatureChange), [
            {"group_id": group_id, "version": first + i, "kind": kind, "subject_id": id_}
            for i, (kind, id_) in enumerate(sorted(features))])


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed or not
        session.info.pop(_RECORDED, None)


def _forget_rolled_back(session: Session, _previous: Any) -> None:
    # A savepoint's rollback too: what it recorded is gone from the database, so the next
    # flush must record it again (a record more than needed is harmless).
    session.info.pop(_RECORDED, None)


# Every session of the process records its writes, whichever service or sessionmaker made it.
LISTENERS = (("after_flush", _record), ("after_transaction_end", _forget),
             ("after_soft_rollback", _forget_rolled_back))


def install() -> None:
    """Record every flush that writes a site, incident or pause (once per process; again is a
    no-op)."""
    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def installed() -> bool:
    """Whether this process records its writes in the feed."""
    return all(event.contains(Session, name, listener) for name, listener in LISTENERS)


def _require_installed() -> None:
    if not installed():
        raise ChangeFeedNotInstalled(
            "the change feed's listeners are not installed in this process, so the spatial "
            "index would miss writes; call corridor.wiring.register() at start-up (create_app "
            "and the CLI do)")


def current(session: Session, group_id: int) -> tuple[str | None, int]:
    """(epoch, version) of a group's features; (None, 0) before its first change."""
    _require_installed()
    row = session.execute(select(FeatureVersion.epoch, FeatureVersion.version)
                          .where(FeatureVersion.group_id == group_id)).first()
    return (None, 0) if row is None else (row.epoch, row.version)


def since(session: Session, group_id: int, after: int, upto: int) -> list[tuple[str, int]]:
    """(kind, id) of the features changed after version `after`, up to `upto`, in order."""
    _require_installed()
    rows = session.execute(
        select(FeatureChange.kind, FeatureChange.subject_id)
        .where(FeatureChange.group_id == group_id, FeatureChange.version > after,
               FeatureChange.version <= upto).order_by(FeatureChange.version))
    return [(r.kind, r.subject_id) for r in rows]

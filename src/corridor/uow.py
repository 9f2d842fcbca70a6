"""The unit of work: the one way a change reaches the database.

    with change(db, group=group, actor=principal.log_actor()) as ch:
        ...                      # read, check, write
        ch.log("site.notified", payload)

It opens the write transaction (on SQLite the only BEGIN IMMEDIATE, see `db.py`), commits the
change and its log entries together, and turns every database race (a unique violation, a stale
row version, a serialization failure, a lock timeout) into the same conflict. After the
commit the entry is handed to the log's integrator; the caller is answered at once. The guard
in `db.py` refuses any commit that changes a logged table without a log entry, so a path that
bypasses this module fails loudly instead of leaving a hole in the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from corridor.db import begin_for_write
from corridor.errors import Conflict
from corridor.log import service as log
from corridor.log.models import LogPending
from corridor.log.refs import LogRef, Recorded, b64, refs

# Where `change` leaves the first entry of the session's last change, for `recorded`.
_LAST_CHANGE = "uow_last_change"

# PostgreSQL's codes for a serialization failure, a deadlock and a lock wait that gave up.
_RACE_CODES = {"40001", "40P01", "55P03"}


class GroupRef(Protocol):
    id: int
    slug: str


class Change:
    """What the body of `change` uses to record its log entries."""

    def __init__(self, db: Session, group: GroupRef | None, actor: log.LogActor) -> None:
        self.db, self.actor = db, actor
        self.group = group  # None until a change that creates its group has made it
        self.entries: list[LogPending] = []

    def log(self, type: str, payload: dict[str, Any], *, signature: dict[str, Any] | None = None,
            actor: log.LogActor | None = None) -> LogPending:
        """Append an entry for this change (committed with it, numbered just after)."""
        assert self.group is not None, "set Change.group before logging"
        entry = log.append(self.db, group_id=self.group.id, group_slug=self.group.slug,
                           actor=actor or self.actor, type=type, payload=payload,
                           signature=signature)
        self.entries.append(entry)
        return entry


def is_race(exc: BaseException) -> bool:
    """Whether a database error means another writer came first (retrying may succeed)."""
    if isinstance(exc, IntegrityError | StaleDataError):
        return True
    if isinstance(exc, OperationalError):
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return code in _RACE_CODES or "database is locked" in str(exc.orig)
    return False


def race_conflict(subject: str, exc: BaseException) -> Conflict:
    """The one conflict every race becomes, whatever the topic."""
    conflict = Conflict(
        f"the {subject} changed while this request was being made (another change came "
        "first); read it again and retry", field=subject if " " not in subject else None)
    conflict.__cause__ = exc
    return conflict


@contextmanager
def change(db: Session, *, group: GroupRef | None, actor: log.LogActor,
           subject: str = "record") -> Iterator[Change]:
    """Run the body as one logged change: all of it with its entries, or nothing.

    `subject` names what a racing writer changed, in the conflict ("the pause changed …")."""
    ch = Change(db, group, actor)
    with _transaction(db, subject):
        yield ch
    if ch.entries and ch.group is not None:
        first = ch.entries[0]
        db.info[_LAST_CHANGE] = (first.id, first.leaf_hash)
        log.sequence(db, group_id=ch.group.id)


Out = TypeVar("Out")


def recorded(db: Session, out: Out) -> Out:
    """A write's response, with the log entry of the change it made (its index once known)."""
    last = db.info.get(_LAST_CHANGE)
    if last is not None and isinstance(out, Recorded):
        pending_id, leaf_hash = last
        out.log = refs(db, [pending_id]).get(pending_id) or LogRef(
            leaf_hash=b64(leaf_hash), index=None)
    return out


@contextmanager
def write(db: Session, *, subject: str = "record") -> Iterator[Session]:
    """A short write that is not a change to the group's record (a login, a preference): the
    same transaction handling as `change`, without a log entry."""
    with _transaction(db, subject):
        yield db


@contextmanager
def _transaction(db: Session, subject: str) -> Iterator[None]:
    """A write transaction: committed if the body finishes, rolled back if not, and a race
    with another writer reported as the one conflict."""
    begin_for_write(db)
    try:
        yield
        db.commit()
    except BaseException as exc:
        db.rollback()
        if is_race(exc):
            raise race_conflict(subject, exc) from exc
        raise

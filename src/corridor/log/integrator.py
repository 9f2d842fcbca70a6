"""The background integrator: one thread per server process numbers what changes committed.

Each round looks for groups with pending entries or a checkpoint due and integrates each one
under its head's row lock, skipping a group another process is integrating (PostgreSQL's
SKIP LOCKED), so any number of processes share the work and none waits for another. A local
commit nudges the thread at once; the poll covers commits made by other processes. Requests
never wait for it unless the settings ask them to (`wait_for_index`, for tests).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from corridor import clock
from corridor.log.models import Checkpoint, LogHead, LogPending
from corridor.log.service import integrate

logger = logging.getLogger(__name__)


def groups_with_work(db: Session, *, interval: timedelta) -> list[int]:
    """Groups with entries to number, or grown since their last checkpoint, which is due.

    The newest checkpoint of each head is read through its primary key (group, size), so the
    poll costs the same however many checkpoints a group has signed."""
    pending = set(db.scalars(select(LogPending.group_id).distinct()))
    newest = (select(Checkpoint).where(Checkpoint.group_id == LogHead.group_id)
              .order_by(Checkpoint.size.desc()).limit(1).correlate(LogHead))
    heads = db.execute(select(
        LogHead.group_id, LogHead.size,
        newest.with_only_columns(Checkpoint.size).scalar_subquery().label("signed"),
        newest.with_only_columns(Checkpoint.created_at).scalar_subquery().label("at"),
    )).all()
    now = clock.now()
    due = {r.group_id for r in heads if r.size > (r.signed or 0)
           and (r.at is None or now - _aware(r.at) >= interval)}
    db.rollback()
    return sorted(pending | due)


def _aware(at: datetime) -> datetime:
    """SQLite returns the aggregate without its zone; the stored value is UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


class Integrator:
    """`poll`: how often to look for work committed by other processes. `gap`: the least time
    between two rounds, so that entries committed close together share one integration commit
    (with a lone writer, a round per change would double its commits)."""

    def __init__(self, new_session: Callable[[], Session], *, poll: float = 0.1,
                 gap: float = 0.05) -> None:
        self._new_session = new_session
        self._poll = poll
        self._gap = gap
        self._cond = threading.Condition()
        self._nudged: set[int] = set()
        self._started = 0  # rounds begun, and the last one finished
        self._finished = 0
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._cond:
            self._stopping = False
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="log-integrator",
                                                daemon=True)
                self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def nudge(self, group_id: int) -> None:
        """A change of this group committed here: integrate soon, without waiting to poll."""
        with self._cond:
            self._nudged.add(group_id)
            self._cond.notify_all()
        self.start()

    def wait(self, group_id: int, timeout: float) -> bool:
        """Block until a round that started after this call has finished: it saw every entry
        committed before the call (in one process; another may hold a group's head)."""
        deadline = time.monotonic() + timeout
        self.start()
        with self._cond:
            target = self._started + 1
            self._nudged.add(group_id)
            self._cond.notify_all()
            while self._finished < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _run(self) -> None:
        last = 0.0
        while True:
            time.sleep(max(0.0, last + self._gap - time.monotonic()))
            with self._cond:
                if not self._nudged and not self._stopping:
                    self._cond.wait(self._poll)
                if self._stopping:
                    return
                nudged, self._nudged = self._nudged, set()
                self._started += 1
                this_round = self._started
            last = time.monotonic()
            try:
                self._round(nudged)
            except Exception:  # the entries stay pending; the next round retries them
                logger.exception("integrating the log failed")
                time.sleep(self._poll)
            with self._cond:
                self._finished = this_round
                self._cond.notify_all()

    def _round(self, nudged: set[int]) -> None:
        with self._new_session() as db:
            interval = db.info.get("checkpoint_interval", timedelta(seconds=1))
            # A group another process holds is skipped: its holder is integrating it now.
            for group_id in sorted(set(groups_with_work(db, interval=interval)) | nudged):
                try:
                    integrate(db, group_id, skip_locked=True)
                except Exception:  # one group's trouble (a missing key) must not stop others
                    db.rollback()
                    logger.exception("integrating the log of group %s failed", group_id)


def attach(maker: sessionmaker[Session]) -> Integrator:
    """Give a server's sessions a background integrator (started and stopped by the caller).

    Requests that wait for their index (tests) want a round at once, not a batch."""
    wait = float(maker.kw["info"].get("wait_for_index", 0.0))
    integrator = Integrator(maker, gap=0.0 if wait else 0.2)
    maker.kw["info"]["integrator"] = integrator
    return integrator

"""One sequencer thread per server process: requests that committed a change wait for the next
round, and each round numbers every pending entry of a group in one transaction.

Why: numbering inside each request costs every writer a lock, a dozen statements and a second
commit; batching them (as Tessera does) lets concurrent writers share one round, while each
request still answers only after its entry has its number, so nothing changes for clients.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)


class Sequencer:
    def __init__(self, new_session: Callable[[], Session],
                 sequence_now: Callable[[Session, int], int]) -> None:
        self._new_session = new_session
        self._sequence_now = sequence_now
        self._cond = threading.Condition()
        self._waiting: dict[int, list[threading.Event]] = {}
        self._thread: threading.Thread | None = None

    def wait(self, group_id: int, timeout: float = 30.0) -> bool:
        """Block until a round that started after this call has numbered the group's entries.

        Returns False on timeout or a failed round; the change itself is committed either way
        and its entry is numbered by a later round (or at the next start-up)."""
        done = threading.Event()
        with self._cond:
            self._waiting.setdefault(group_id, []).append(done)
            self._ensure_thread()
            self._cond.notify()
        return done.wait(timeout)

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="log-sequencer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._waiting:
                    self._cond.wait()
                batch, self._waiting = self._waiting, {}
            for group_id, events in batch.items():
                try:
                    with self._new_session() as db:
                        self._sequence_now(db, group_id)
                except Exception:  # the entries stay pending; the next round retries them
                    logger.exception("sequencing the log of group %s failed", group_id)
                    continue
                for event in events:
                    event.set()

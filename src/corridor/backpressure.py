"""Backpressure: a process works on at most `concurrency` requests at once and refuses the rest
at once (503, Retry-After: 1) after a short bounded wait, instead of queueing them until the
database pool times out and every client with them. Why not uvicorn's `limit_concurrency`: it
counts connections, so open live-update streams would use up the limit, and it cannot wait.
"""

from __future__ import annotations

import time
from collections import deque

import anyio
import anyio.to_thread
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from corridor.problems import problem

# Not counted: live-update streams stay open for hours and hold no connection between polls;
# static files and the health check touch no database and must answer a busy server too.
EXEMPT_PATHS = frozenset({"/events", "/api/v1/health", "/basemap.geojson", "/favicon.ico"})
EXEMPT_PREFIXES = ("/static/",)
MAX_RETRY_AFTER = 10


def exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


class Backpressure:
    """ASGI middleware: at most `limit` requests in flight in this process; a request over it
    waits up to `wait` seconds for a slot, then gets a 503 problem with Retry-After (1 s, more
    when many requests are already waiting for the rate this process finishes them at).

    Slots are handed over first come, first served. At start-up (the lifespan scope) it also
    sets the worker-thread limit, so threads are sized with the requests they serve."""

    def __init__(self, app: ASGIApp, *, limit: int, wait: float, threads: int) -> None:
        self.app = app
        self.limit = limit
        self.wait = wait
        self.threads = threads
        self.in_flight = 0
        self._waiting: deque[anyio.Event] = deque()
        self._problem = problem
        # Requests finished per second, measured over the last whole second.
        self._second, self._done, self._rate = int(time.monotonic()), 0, 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads
        if scope["type"] != "http" or exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        if not await self._acquire():
            await self._busy()(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    async def _acquire(self) -> bool:
        # Everything here runs on the event loop's one thread: no lock is needed between awaits.
        if self.in_flight < self.limit and not self._waiting:
            self.in_flight += 1
            return True
        if self.wait <= 0:
            return False
        slot = anyio.Event()
        self._waiting.append(slot)
        try:
            with anyio.move_on_after(self.wait):
                await slot.wait()
        except BaseException:  # the client went away while waiting
            self._give_up(slot)
            raise
        if slot.is_set():
            return True  # `_release` handed its slot to us
        self._waiting.remove(slot)
        return False

    def _give_up(self, slot: anyio.Event) -> None:
        if slot.is_set():
            self._release()
        else:
            self._waiting.remove(slot)

    def retry_after(self) -> int:
        """Seconds until the requests now waiting are likely served (1 when few wait): a client
        that comes back then finds room, rather than joining a queue that has not moved."""
        return min(MAX_RETRY_AFTER, 1 + int(len(self._waiting) / max(self._rate, 1.0)))

    def _busy(self) -> Response:
        seconds = self.retry_after()
        response: Response = self._problem(
            503, "busy", "Server busy",
            f"this server is working on as many requests as it takes at once ({self.limit}); "
            f"try again in {seconds} s")
        response.headers["Retry-After"] = str(seconds)
        return response

    def _count_done(self) -> None:
        now = int(time.monotonic())
        if now != self._second:
            self._rate = self._done / (now - self._second) if now - self._second == 1 else 0.0
            self._second, self._done = now, 0
        self._done += 1

    def _release(self) -> None:
        self._count_done()
        if self._waiting:
            self._waiting.popleft().set()  # the slot passes on; the count stays
        else:
            self.in_flight -= 1

"""Counting the SQL statements a request runs, so a test can prove that a list costs as many
statements for 50 rows as for 1 (a query per row shows as a count that grows with the rows).

Only statements run on behalf of a request made through `Statements.client` are counted: a
context variable is set for each such request and follows it into the worker threads that run
its dependencies and route, so a background thread of the same engine (the log's integrator)
does not change the count.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Receive, Scope, Send

_IN_REQUEST: ContextVar[bool] = ContextVar("counted_request", default=False)


class _Marked:
    """The app, with every request it serves marked for counting."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _IN_REQUEST.set(scope["type"] == "http")
        try:
            await self.app(scope, receive, send)
        finally:
            _IN_REQUEST.reset(token)


class Statements:
    """The statements `engine` runs for requests through `wrap(app)`, while counting."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[str] = []

    @staticmethod
    def wrap(app: ASGIApp) -> ASGIApp:
        return _Marked(app)

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, _parameters: Any,
                    _context: Any, _executemany: bool) -> None:
        if _IN_REQUEST.get():
            self.seen.append(statement)

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        """Within the block, the statements of marked requests, in order."""
        self.seen = []
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        try:
            yield self.seen
        finally:
            event.remove(self.engine, "before_cursor_execute", self._on_execute)

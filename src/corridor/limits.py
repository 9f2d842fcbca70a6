"""Request-body limits: small for every route, larger only where evidence files are uploaded.

A body over the limit is refused with 413 (a problem for the API, a page for a browser) whether
its length is declared or it is streamed in chunks. A chunked body is only found too large
while a route reads it, and FastAPI turns any error raised while it parses a body into
"400 There was an error parsing the body" unless the error is an HTTPException: so `TooLarge`
is one, and has its own handler, registered by `create_app`."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridor.problems import problem

# The page a browser gets for a body too large, given the largest file it may send: the web
# layer's, handed in by `create_app` (this module sits below the web pages).
Page = Callable[[Request, int], Response]

# Where evidence files are sent: the API's raw upload, and the two incident forms.
_EVIDENCE_PATHS = re.compile(
    r"^(/api/v1/groups/[^/]+/incidents/[^/]+/evidence|/incidents|/incidents/[^/]+/evidence)/?$")


def limit_for(path: str, *, max_body_bytes: int, max_evidence_bytes: int) -> int:
    """The body limit of a path: the general one, or room for one evidence file besides it
    (the forms send their other fields and the multipart framing with the file)."""
    if _EVIDENCE_PATHS.match(path):
        return max_evidence_bytes + max_body_bytes
    return max_body_bytes


class TooLarge(HTTPException):
    """A body over `max_bytes`; a page tells its reader `file_bytes`, the largest file."""

    def __init__(self, max_bytes: int, file_bytes: int) -> None:
        super().__init__(413, f"the body exceeds {max_bytes} bytes")
        self.max_bytes = max_bytes
        self.file_bytes = file_bytes


class BodyLimit:
    """Refuse bodies over the limit: a declared length before any route runs, a streamed one
    as soon as the bytes read pass it."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_evidence_bytes: int,
                 page: Page) -> None:
        self.app = app
        self.page = page
        self.max_body_bytes = max_body_bytes
        self.max_evidence_bytes = max_evidence_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = limit_for(str(scope.get("path", "")), max_body_bytes=self.max_body_bytes,
                              max_evidence_bytes=self.max_evidence_bytes)
        # Over the general limit only on evidence paths, where the file is what is too large.
        file_bytes = min(max_bytes, self.max_evidence_bytes)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await refuse(scope, receive, send, TooLarge(max_bytes, file_bytes), self.page)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise TooLarge(max_bytes, file_bytes)
            return message

        try:
            await self.app(scope, limited, send)
        except TooLarge as exc:  # read outside a route (the handler answers those inside)
            await refuse(scope, receive, send, exc, self.page)


def too_large_handler(page: Page) -> Callable[[Request, Exception], Awaitable[Response]]:
    """The handler of `TooLarge` raised while a route reads its body."""

    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TooLarge)
        return await _response(request, exc, page)

    return handler


async def refuse(scope: Scope, receive: Receive, send: Send, exc: TooLarge, page: Page) -> None:
    response = await _response(Request(scope, receive), exc, page)
    await response(scope, receive, send)


async def _response(request: Request, exc: TooLarge, page: Page) -> Response:
    if not request.url.path.startswith("/api/"):
        # A browser posting a form (an evidence file too large): a page in its language.
        return await run_in_threadpool(page, request, exc.file_bytes)
    return problem(413, "payload-too-large", "Request body too large",
                   f"the body exceeds {exc.max_bytes} bytes", field="body",
                   extra={"max_bytes": exc.max_bytes})

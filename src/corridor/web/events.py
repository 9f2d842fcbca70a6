"""Live updates: a server-sent event stream that says "changed" whenever the group's log grows.

Every change in Corridor writes a log entry, so the log's size is a complete and cheap signal
(one primary-key read every POLL seconds per open page). The page then fetches itself again and
swaps its live parts; when the stream breaks, it says it is offline and shows since when.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from corridor.log.models import LogHead
from corridor.web.deps import WebUser

POLL = 2.0
HEARTBEAT = 15.0

router = APIRouter(include_in_schema=False)


@router.get("/events")
async def events(request: Request, login: WebUser) -> StreamingResponse:
    group_id = login.principal.group.id
    # The request's session (the one WebUser read the login with) is closed when this function
    # returns (`get_db` has function scope), so the stream holds no connection; each poll opens
    # its own for one primary-key read.
    maker = request.app.state.sessionmaker

    def size() -> int:
        with maker() as db:
            return int(db.scalar(select(LogHead.size).where(LogHead.group_id == group_id)) or 0)

    async def stream() -> AsyncIterator[str]:
        last = await anyio.to_thread.run_sync(size)
        yield f"retry: 3000\nevent: hello\ndata: {last}\n\n"
        quiet = 0.0
        while not await request.is_disconnected():
            await anyio.sleep(POLL)
            now = await anyio.to_thread.run_sync(size)
            if now != last:
                last, quiet = now, 0.0
                yield f"event: changed\ndata: {now}\n\n"
            else:
                quiet += POLL
                if quiet >= HEARTBEAT:
                    quiet = 0.0
                    yield ": still here\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

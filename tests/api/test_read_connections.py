"""A request gives its database connection back when its route returns, before the response
starts to go out: a phone on a poor connection reading slowly must not hold one of the pool's
few connections (nor, on SQLite, a read transaction) while its bytes trickle out."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from tests.factories import World

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _connections_in_use_when_sending(app: Any, engine: Engine, path: str,
                                           headers: dict[str, str]) -> tuple[int, int]:
    """The request's status, and how many pool connections were checked out at the moment its
    response started (no background integrator runs here: the app's lifespan is not started)."""
    seen: list[int] = []

    async def watching(scope: Any, receive: Any, send: Any) -> None:
        async def send_and_count(message: Any) -> None:
            if message["type"] == "http.response.start":
                seen.append(engine.pool.checkedout())  # type: ignore[attr-defined]
            await send(message)

        await app(scope, receive, send_and_count)

    transport = httpx.ASGITransport(app=watching)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(path, headers=headers)
    return response.status_code, seen[0]


@pytest.mark.parametrize("path", [
    "/api/v1/groups/test-group/pauses",
    "/api/v1/groups/test-group/incidents",
    "/api/v1/groups/test-group/log/checkpoint",
])
async def test_a_read_holds_no_connection_while_its_response_is_sent(
    app: Any, engine: Engine, world: World, path: str
) -> None:
    status, in_use = await _connections_in_use_when_sending(
        app, engine, path, world.auth("party-a.operator"))
    assert status == 200
    assert in_use == 0

"""A busy server refuses at once (503, Retry-After, problem+json) instead of queueing until
clients time out; one setting sizes the in-flight limit, the pool and the worker threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import anyio.to_thread
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from corridor.app import create_app
from corridor.config import Settings
from tests.served import served


class Gate:
    """Slow requests that stay in flight until the test lets them go."""

    def __init__(self) -> None:
        self.entered = threading.Semaphore(0)
        self.open = threading.Event()

    def wait_entered(self, count: int) -> None:
        for _ in range(count):
            assert self.entered.acquire(timeout=10), "a slow request never started"


@pytest.fixture
def gate() -> Iterator[Gate]:
    gate = Gate()
    yield gate
    gate.open.set()


def busy_app(settings: Settings, engine: Engine, gate: Gate, **limits: Any) -> FastAPI:
    app = create_app(settings.model_copy(update=limits), engine)

    @app.get("/api/v1/test/slow")
    def slow() -> dict[str, bool]:
        gate.entered.release()
        return {"done": gate.open.wait(timeout=10)}

    @app.get("/api/v1/test/fast")
    def fast() -> dict[str, bool]:
        return {"done": True}

    @app.get("/api/v1/test/threads")
    async def threads() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    return app


def test_a_full_server_answers_503_at_once_and_the_next_request_after_it_succeeds(
        settings: Settings, engine: Engine, gate: Gate) -> None:
    app = busy_app(settings, engine, gate, concurrency=2, busy_wait_seconds=0.1)
    with served(app) as url, httpx.Client(base_url=url, timeout=10) as http, \
            ThreadPoolExecutor(4) as pool:
        slow = [pool.submit(http.get, "/api/v1/test/slow") for _ in range(2)]
        gate.wait_entered(2)
        started = time.monotonic()
        refused = http.get("/api/v1/test/fast")
        assert time.monotonic() - started < 1.0
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith("/busy") and refused.json()["status"] == 503
        assert http.get("/api/v1/health").status_code == 200  # not counted
        gate.open.set()
        assert [f.result().status_code for f in slow] == [200, 200]
        assert http.get("/api/v1/test/fast").status_code == 200


def test_a_request_waits_briefly_for_a_slot_that_frees(
        settings: Settings, engine: Engine, gate: Gate) -> None:
    app = busy_app(settings, engine, gate, concurrency=1, busy_wait_seconds=0.9)
    with served(app) as url, httpx.Client(base_url=url, timeout=10) as http, \
            ThreadPoolExecutor(2) as pool:
        slow = pool.submit(http.get, "/api/v1/test/slow")
        gate.wait_entered(1)
        waiting: Future[httpx.Response] = pool.submit(http.get, "/api/v1/test/fast")
        time.sleep(0.2)
        gate.open.set()
        assert waiting.result().status_code == 200
        assert slow.result().status_code == 200


def test_one_setting_sizes_the_limit_the_pool_and_the_worker_threads(
        settings: Settings, engine: Engine, gate: Gate) -> None:
    tuned = settings.model_copy(update={"concurrency": 3})
    assert (tuned.pool_size, tuned.worker_threads) == (7, 11)
    own = create_app(tuned)  # builds its own engine from the settings
    try:
        assert own.state.engine.pool.size() == tuned.pool_size
    finally:
        own.state.engine.dispose()
    with served(busy_app(settings, engine, gate, concurrency=3)) as url:
        assert httpx.get(f"{url}/api/v1/test/threads").json() == tuned.worker_threads

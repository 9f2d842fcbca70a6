"""Three `corridor serve` processes on one PostgreSQL database (one of them with two workers),
clients spread over them, one SIGKILLed mid-load: the others keep answering, every write that
got a 2xx is there and in the log, the log is gapless and `corridor audit` passes."""

from __future__ import annotations

import itertools
import json
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select

from corridor.log.models import LogPending
from tests.e2e.procs import Corridor, free_port

pytestmark = pytest.mark.slow
WRITERS, READERS = 6, 6
BEFORE_KILL, AFTER_KILL = 45, 45
GROUP = "multi"


@dataclass
class Load:
    """What the clients saw, shared between their threads."""

    urls: list[str]
    dead: set[str] = field(default_factory=set)
    acked: dict[int, str] = field(default_factory=dict)  # site id → the server that answered
    acked_after_kill: Counter[str] = field(default_factory=Counter)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    killed: threading.Event = field(default_factory=threading.Event)

    def alive(self, start: int) -> str:
        """The next server not known to be dead, round-robin from `start`."""
        for i in range(len(self.urls)):
            url = self.urls[(start + i) % len(self.urls)]
            if url not in self.dead:
                return url
        raise AssertionError("no server left")

    def seen(self, url: str, status: int) -> None:
        with self.lock:
            self.statuses[(url, status)] += 1


def setup_group(c: Corridor) -> dict[str, str]:
    return c.add_group(GROUP, [("ocha", "convener"), ("kyiv", "party"), ("aid", "humanitarian")],
                       timezone="UTC")


def writer(load: Load, n: int, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    for i in itertools.count():
        if load.stop.is_set():
            return
        url = load.alive(n + i)
        body = {"name": f"w{n}-{i}", "type": "hospital", "lon": 36.0 + random.random(),
                "lat": 46.0 + random.random(), "people_present": 10}
        try:
            r = httpx.post(f"{url}/api/v1/groups/{GROUP}/sites", json=body, headers=auth,
                           timeout=30)
        except httpx.HTTPError as exc:
            _lost(load, url, exc)  # never answered: not acknowledged, whether it committed or not
            continue
        load.seen(url, r.status_code)
        if r.status_code == 201:
            with load.lock:
                load.acked[r.json()["id"]] = url
                if load.killed.is_set():
                    load.acked_after_kill[url] += 1


def reader(load: Load, n: int, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    for i in itertools.count():
        if load.stop.is_set():
            return
        url = load.alive(n + i)
        with load.lock:
            known = list(load.acked)
        path = f"/sites/{random.choice(known)}" if known and i % 2 else "/sites"
        try:
            r = httpx.get(f"{url}/api/v1/groups/{GROUP}{path}", headers=auth, timeout=30)
        except httpx.HTTPError as exc:
            _lost(load, url, exc)
            continue
        load.seen(url, r.status_code)
        if r.status_code != 200:  # a site acknowledged by any process is readable from all
            with load.lock:
                load.failures.append(f"GET {path} on {url}: {r.status_code} {r.text[:200]}")


def _lost(load: Load, url: str, exc: Exception) -> None:
    with load.lock:
        if url == load.urls[0] and load.killed.is_set():
            load.dead.add(url)
        else:
            load.failures.append(f"{url} did not answer: {exc!r}")


def _wait_until(what: str, done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _no_pending(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(LogPending)) == 0


@pytest.mark.parametrize("backend", ["postgresql"])
def test_three_processes_share_one_database_and_a_killed_one_loses_nothing_acknowledged(
        corridor: Corridor, engine: Engine, tmp_path: Path) -> None:
    c = corridor
    c.run("db", "upgrade")
    tokens = setup_group(c)
    ports = [free_port() for _ in range(3)]
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for n, (port, options) in enumerate(zip(ports, [(), (), ("--workers", "2")],
                                                strict=True)):
            servers.append(c.start_server(port, *options, log=tmp_path / f"server{n}.log"))
        load = Load([f"http://127.0.0.1:{port}" for port in ports])
        threads = [threading.Thread(target=writer, args=(load, n, tokens["aid"]))
                   for n in range(WRITERS)]
        threads += [threading.Thread(target=reader, args=(load, n, tokens["kyiv"]))
                    for n in range(READERS)]
        for t in threads:
            t.start()
        _wait_until("writes on every server", lambda: len(load.acked) >= BEFORE_KILL and len(
            set(load.acked.values())) == 3, timeout=60)
        load.killed.set()
        servers[0].send_signal(signal.SIGKILL)
        servers[0].wait(timeout=10)
        survivors = load.urls[1:]
        _wait_until("writes on both survivors", lambda: all(
            load.acked_after_kill[u] >= AFTER_KILL // 2 for u in survivors), timeout=60)
        load.stop.set()
        for t in threads:
            t.join(timeout=60)

        assert load.failures == []
        errors = {k: n for k, n in load.statuses.items() if k[1] >= 500}
        assert errors == {}, f"server errors: {errors}"
        url = survivors[0]
        auth = {"Authorization": f"Bearer {tokens['aid']}"}
        _wait_until("the log to integrate every entry", lambda: _no_pending(engine), timeout=10)
        entries: list[dict[str, object]] = []
        while True:
            page = httpx.get(f"{url}/api/v1/groups/{GROUP}/log/entries",
                             params={"start": len(entries)}, headers=auth, timeout=30).json()
            if not page["entries"]:
                break
            entries += page["entries"]
        assert [e["index"] for e in entries] == list(range(len(entries)))
        data = [json.loads(str(e["data"])) for e in entries if e["data"] is not None]
        logged = {d["payload"]["site"] for d in data if d["type"] == "site.notified"}
        missing = set(load.acked) - logged
        assert not missing, f"acknowledged but not in the log: {sorted(missing)[:5]}"
        with httpx.Client(base_url=survivors[1], headers=auth, timeout=30) as http:
            gone = [i for i in load.acked
                    if http.get(f"/api/v1/groups/{GROUP}/sites/{i}").status_code != 200]
        assert gone == []
        audit = c.json("audit", "--server", url, "--group", GROUP, "--token", tokens["ocha"],
                       "--state", str(tmp_path / "audit"))
        assert audit["ok"] and audit["size"] == len(entries)
    except AssertionError:
        _stop(servers)
        for n in range(len(servers)):  # shown with the failure: what the servers said
            print(f"--- server {n} ---\n{(tmp_path / f'server{n}.log').read_text()[-5000:]}")
        raise
    finally:
        _stop(servers)


def _stop(servers: list[subprocess.Popen[bytes]]) -> None:
    for server in servers:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=15)

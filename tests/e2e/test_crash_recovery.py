"""SIGKILL of a real server during concurrent appends: after a restart, every change that got
a 2xx is in the log, the log verifies, and no sequence number is missing or repeated."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.procs import Corridor, free_port

pytestmark = pytest.mark.slow
WRITERS = 8


# Both databases, unlike the other end-to-end tests: what survives a SIGKILL is the database's
# own durability (SQLite's WAL, PostgreSQL's commit), so each is proven separately.
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_killed_server_loses_no_acknowledged_entry_and_leaves_a_verifiable_log(
    corridor: Corridor, tmp_path: Path
) -> None:
    c = corridor
    c.run("db", "upgrade")
    token = c.add_group("crash", [("ocha", "convener")], role="admin", timezone="UTC")["ocha"]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = c.start_server(port)
    acknowledged: list[str] = []
    hashes: list[str] = []  # answered at commit: each response names its entry's leaf hash
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n: int) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                          timeout=10) as http:
            i = 0
            while not stop.is_set():
                label = f"w{n}-{i}"
                i += 1
                try:
                    r = http.post("/api/v1/groups/crash/people/ocha.admin/tokens",
                                  json={"label": label})
                except httpx.HTTPError:
                    return  # the server died mid-request: not acknowledged
                if r.status_code == 201:
                    with lock:
                        acknowledged.append(label)
                        hashes.append(r.json()["log"]["leaf_hash"])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert len(acknowledged) >= 40, "too few writes before the kill to mean anything"

    with c.server() as url2:
        auth = {"Authorization": f"Bearer {token}"}
        entries = []
        start = 0
        while True:
            page = httpx.get(f"{url2}/api/v1/groups/crash/log/entries",
                             params={"start": start}, headers=auth).json()
            if not page["entries"]:
                break
            entries += page["entries"]
            start = entries[-1]["index"] + 1
        assert [e["index"] for e in entries] == list(range(len(entries)))
        # No entry twice: each change's entry is unique (its time, actor and payload).
        assert len({e["leaf_hash"] for e in entries}) == len(entries)
        logged = {json.loads(e["data"])["payload"].get("label") for e in entries}
        missing = set(acknowledged) - logged
        assert not missing, f"acknowledged but not in the log: {sorted(missing)[:5]}"
        assert set(hashes) <= {e["leaf_hash"] for e in entries}
        audit = c.json("audit", "--server", url2, "--group", "crash", "--token", token,
                       "--state", str(tmp_path / "audit"))
        assert audit["ok"] and audit["size"] == len(entries)

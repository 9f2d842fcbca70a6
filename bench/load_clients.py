"""Closed-loop clients for `bench.load`: each sends its next request as soon as the last one is
answered; 70 % reads (pauses, alerts, a movement's check, the public checkpoint, incidents) and
30 % writes (site notifications, incident reports), each with the token of a person the policy
lets make it. A 503 is retried after its Retry-After, as a well-behaved client would."""

from __future__ import annotations

import asyncio
import random
import ssl
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from corridor.policy import ROLE_RANK, RULES, Action

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# httpcore imports sniffio on every request to learn which event loop runs it; where sniffio is
# not installed each failed import searches sys.path again (about 0.5 ms of this process's CPU
# per request). Recording it as absent once makes that import fail at once.
sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]
# One TLS context for every client (each would load the CA store: ~60 ms apiece); the servers
# are plain HTTP, so it is never used for a handshake.
_TLS = ssl.create_default_context()
RETRY_AFTER_CAP_S = 10.0
SITE_TYPES = ("hospital", "shelter", "warehouse", "office", "distribution_point", "other")
INCIDENT_TYPES = ("shelling", "air_strike", "small_arms_fire", "mines_uxo", "blocked_passage",
                  "other")


@dataclass(frozen=True)
class Caller:
    """A person's token (None: no token, for the public checkpoint) and what it may check."""

    token: str | None
    movements: tuple[int, ...] = ()


@dataclass(frozen=True)
class Op:
    """One kind of request in the mix."""

    name: str
    weight: int  # percent of requests
    callers: tuple[Caller, ...]
    write: str | None = None  # "site" or "incident": a write whose outcome is checked after


@dataclass
class Written:
    """An acknowledged write: what it made, when it was answered, where it sits in the log."""

    kind: str
    id: int
    acked_at: float  # perf_counter
    index: int | None
    leaf_hash: str | None
    known_at: float | None = None  # when its index was first seen (None: not yet)


@dataclass
class PhaseStats:
    clients: int
    seconds: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    shed: int = 0  # 503 with Retry-After
    timeouts: int = 0
    transport_errors: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # timeouts and dropped, by kind
    problems: Counter[str] = field(default_factory=Counter)  # answers not 2xx: "503 busy"
    unknown_writes: int = 0  # writes with no definite answer (timeout, dropped, 5xx)
    written: list[Written] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return sum(n for s, n in self.statuses.items() if 200 <= s < 300)

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        """5xx other than a 503 that asked to be retried later."""
        return sum(n for s, n in self.statuses.items() if s >= 500) - self.shed


def _allowed(kind: str, role: str, action: Action) -> bool:
    rule = RULES[action]
    return kind in rule.kinds and ROLE_RANK[role] >= ROLE_RANK[rule.min_role]


def callers(demo: dict[str, Any], action: Action) -> list[str]:
    """Tokens of the demo's people who may take `action` (by the server's own policy table)."""
    return [p["token"] for m in demo["members"] for p in m["people"]
            if _allowed(m["kind"], p["role"], action)]


def movements_seen(url: str, slug: str, tokens: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """The movements each token may see (and so may check)."""
    out = {}
    with httpx.Client(base_url=url, timeout=TIMEOUT) as http:
        for token in tokens:
            r = http.get(f"/api/v1/groups/{slug}/movements",
                         headers={"Authorization": f"Bearer {token}"})
            r.raise_for_status()
            out[token] = tuple(int(m["id"]) for m in r.json())
    return out


def mix(demo: dict[str, Any], url: str) -> list[Op]:
    slug = demo["group"]["slug"]
    readers = callers(demo, Action.NOTIFICATION_READ)
    seen = movements_seen(url, slug, readers)
    checkers = tuple(Caller(t, seen[t]) for t in readers if seen[t])
    assert checkers, "no one in the demo sees a movement to check"

    def who(action: Action) -> tuple[Caller, ...]:
        return tuple(Caller(t) for t in callers(demo, action))

    return [
        Op("GET pauses", 14, who(Action.PAUSE_READ)),
        Op("GET alerts", 14, who(Action.GROUP_READ)),
        Op("GET movement check", 14, checkers),
        Op("GET checkpoint", 14, (Caller(None),)),
        Op("GET incidents", 14, who(Action.INCIDENT_READ)),
        Op("POST sites", 15, who(Action.NOTIFICATION_CREATE), write="site"),
        Op("POST incidents", 15, who(Action.INCIDENT_REPORT), write="incident"),
    ]


def request(op: Op, caller: Caller, slug: str, rng: random.Random
            ) -> tuple[str, str, dict[str, Any] | None]:
    """(method, path, JSON body) of one request of this kind."""
    base = f"/api/v1/groups/{slug}"
    # Around Zaporizhzhia and the corridor, where the demo's notices are.
    lon, lat = round(35.0 + rng.random() * 2.5, 5), round(47.0 + rng.random() * 0.9, 5)
    match op.name:
        case "GET pauses":
            return "GET", f"{base}/pauses", None
        case "GET alerts":
            return "GET", f"{base}/alerts", None
        case "GET movement check":
            return "GET", f"{base}/movements/{rng.choice(caller.movements)}/check", None
        case "GET checkpoint":
            return "GET", f"{base}/log/checkpoint", None
        case "GET incidents":
            return "GET", f"{base}/incidents", None
        case "POST sites":
            return "POST", f"{base}/sites", {
                "name": f"Load-test site {rng.randrange(10**9)}", "type": rng.choice(SITE_TYPES),
                "lon": lon, "lat": lat, "people_present": rng.randrange(0, 500)}
        case "POST incidents":
            at = datetime.now(UTC) - timedelta(minutes=rng.randrange(10, 600))
            return "POST", f"{base}/incidents", {
                "type": rng.choice(INCIDENT_TYPES), "occurred_at": at.isoformat(),
                "lon": lon, "lat": lat, "uncertainty_m": 250,
                "narrative": "Reported by the load benchmark."}
    raise ValueError(op.name)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait, from Retry-After (delta-seconds or an HTTP date); None if absent."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, min(RETRY_AFTER_CAP_S, float(value)))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, min(RETRY_AFTER_CAP_S, (when - datetime.now(UTC)).total_seconds()))


def problem_type(response: httpx.Response) -> str:
    """The last part of a problem document's `type` (e.g. "busy"); "" for anything else."""
    try:
        body = response.json()
    except ValueError:
        return ""
    kind = body.get("type", "") if isinstance(body, dict) else ""
    return str(kind).rsplit("/", 1)[-1]


def log_ref(body: dict[str, Any]) -> tuple[int | None, str | None]:
    """(index, leaf hash) from a response: `log: {leaf_hash, index}`, or the older `log_index`."""
    ref = body.get("log")
    if isinstance(ref, dict):
        index = ref.get("index")
        return (int(index) if index is not None else None), ref.get("leaf_hash")
    index = body.get("log_index")
    return (int(index) if index is not None else None), None


async def _client(http: httpx.AsyncClient, ops: Sequence[Op], slug: str, stats: PhaseStats,
                  deadline: float, rng: random.Random) -> None:
    weights = [op.weight for op in ops]
    while time.perf_counter() < deadline:
        op = rng.choices(ops, weights)[0]
        caller = rng.choice(op.callers)
        method, path, body = request(op, caller, slug, rng)
        headers = {"Authorization": f"Bearer {caller.token}"} if caller.token else {}
        while True:
            began = time.perf_counter()
            try:
                r = await http.request(method, path, json=body, headers=headers)
            except httpx.TimeoutException as exc:
                stats.timeouts += 1
                stats.failures[type(exc).__name__] += 1
                stats.unknown_writes += op.write is not None
                break
            except httpx.TransportError as exc:
                stats.transport_errors += 1
                stats.failures[type(exc).__name__] += 1
                stats.unknown_writes += op.write is not None
                await asyncio.sleep(0.5)
                break
            elapsed = time.perf_counter() - began
            stats.statuses[r.status_code] += 1
            if not 200 <= r.status_code < 300:
                stats.problems[f"{r.status_code} {problem_type(r)}".strip()] += 1
            if r.status_code == 503:
                wait = retry_after(r)
                stats.shed += wait is not None
                wait = 1.0 if wait is None else wait
                if time.perf_counter() + wait >= deadline:
                    break
                await asyncio.sleep(wait)  # then the same request again
                continue
            if 200 <= r.status_code < 300:
                stats.latencies.append(elapsed)
                if op.write is not None:
                    answer = r.json()
                    index, leaf = log_ref(answer)
                    now = time.perf_counter()
                    stats.written.append(Written(op.write, int(answer["id"]), now, index, leaf,
                                                 now if index is not None else None))
            elif r.status_code >= 500:
                stats.unknown_writes += op.write is not None
            break


async def _phase(urls: Sequence[str], ops: Sequence[Op], slug: str, stats: PhaseStats,
                 seconds: float, seed: int) -> None:
    # A connection of its own per client: one shared pool of hundreds of connections costs
    # httpcore a scan of them all per request, which would load this process, not the server.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    pools = [httpx.AsyncClient(base_url=urls[n % len(urls)], timeout=TIMEOUT, limits=limits,
                               verify=_TLS) for n in range(stats.clients)]
    try:
        began, cpu = time.perf_counter(), time.process_time()
        deadline = began + seconds
        tasks = [_client(pool, ops, slug, stats, deadline, random.Random(seed * 1000 + n))
                 for n, pool in enumerate(pools)]
        await asyncio.gather(*tasks)
        stats.seconds = time.perf_counter() - began
        stats.cpu = time.process_time() - cpu
    finally:
        for pool in pools:
            await pool.aclose()


def phase(urls: Sequence[str], ops: Sequence[Op], slug: str, stats: PhaseStats, *,
          seconds: float, seed: int = 1) -> PhaseStats:
    """`stats.clients` closed-loop clients for `seconds`, spread over the servers at `urls`;
    `stats` fills as they go (another thread may watch `stats.written`)."""
    asyncio.run(_phase(urls, ops, slug, stats, seconds, seed))
    return stats

"""Load: closed-loop HTTP clients against real `corridor serve` processes holding the demo's
group, at 20 and then 200 clients, on SQLite (one process), PostgreSQL with `--workers 2`, and
PostgreSQL with three processes on one database. Afterwards every acknowledged write must be in
the database and the log must have grown by as many entries. `python -m bench.load [--quick]`.

CORRIDOR_BENCH_LOAD_SECONDS sets each phase's length (default 60, 10 with --quick);
CORRIDOR_BENCH_LOAD_ONLY=sqlite|workers|processes runs one set-up; CORRIDOR_BENCH_CONCURRENCY is
passed to the servers as CORRIDOR_CONCURRENCY (unset: the server's default)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from rich.table import Table

from bench.common import Result, console, median, ms, parse_quick, percentile, show, temp_dir
from bench.load_clients import Op, PhaseStats, Written, callers, mix, phase
from bench.load_deploy import (
    SETUPS,
    WRITE_TYPES,
    Deployment,
    Setup,
    deployed,
    drain,
    gapless,
    indexes_of,
    logged_ids,
    present,
    types_since,
)
from corridor.policy import Action

PHASES = (20, 200)
WARM_UP = (10, 3.0)  # clients, seconds: pools, caches and the first pages, not measured
SCALING, SHED_MAX, INDEX_P99_S = 0.8, 0.20, 1.0
ONLY = {"sqlite": 0, "workers": 1, "processes": 2}


class IndexWatch(threading.Thread):
    """Notes when each acknowledged write's log entry gets its index, by polling the database
    every 50 ms (what `GET …/log/entries/by-hash/{leaf_hash}` would answer, without adding load
    to the servers being measured)."""

    def __init__(self, dep: Deployment) -> None:
        super().__init__(daemon=True)
        self.dep = dep
        self.sources: list[list[Written]] = []
        self.seen: list[int] = []
        self.open: list[Written] = []
        self.stopping = threading.Event()
        self.finished = threading.Event()

    def watch(self, written: list[Written]) -> None:
        self.sources.append(written)

    def _collect(self) -> None:
        for n, source in enumerate(self.sources):
            if n >= len(self.seen):
                self.seen.append(0)
            new = source[self.seen[n]:]
            self.seen[n] += len(new)
            self.open += [w for w in new if w.known_at is None]

    def _poll(self) -> None:
        for kind in ("site", "incident"):
            waiting = [w for w in self.open if w.kind == kind]
            if not waiting:
                continue
            found = indexes_of(self.dep, kind, [w.id for w in waiting])
            now = time.perf_counter()
            for w in waiting:
                if w.id in found:
                    w.index, w.known_at = found[w.id], now
        self.open = [w for w in self.open if w.known_at is None]

    def run(self) -> None:
        deadline = None
        while True:
            self._collect()
            self._poll()
            if self.stopping.is_set():
                deadline = deadline or time.monotonic() + 30
                if not self.open or time.monotonic() > deadline:
                    break
            time.sleep(0.05)
        self.finished.set()

    def stop(self) -> None:
        self.stopping.set()
        self.finished.wait(60)


@dataclass
class Outcome:
    setup: Setup
    phases: list[PhaseStats]
    results: list[Result]
    load_average: float  # of the machine (1 min) as the measured phases began


def _latencies(written: Sequence[Written]) -> list[float]:
    return [w.known_at - w.acked_at for w in written if w.known_at is not None]


def _by_hash(dep: Deployment, written: Sequence[Written]) -> str:
    """Ask `GET …/log/entries/by-hash/{leaf_hash}` for a sample: does it answer the index the
    database holds?"""
    sample = [w for w in written if w.leaf_hash and w.index is not None][:20]
    if not sample:
        return "by-hash not checked: responses carry no log.leaf_hash yet"
    token = callers(dep.demo, Action.LOG_READ)[0]
    statuses: dict[str, int] = {}
    agree = 0
    with httpx.Client(base_url=dep.urls[0], timeout=10,
                      headers={"Authorization": f"Bearer {token}"}) as http:
        for w in sample:
            assert w.leaf_hash is not None
            urlsafe = w.leaf_hash.replace("+", "-").replace("/", "_")  # no "/" in the path
            r = http.get(f"/api/v1/groups/{dep.slug}/log/entries/by-hash/"
                         f"{quote(urlsafe, safe='=')}")
            if r.status_code == 200:
                body = r.json()
                index = body.get("index", (body.get("log") or {}).get("index"))
                agree += index == w.index
            else:
                statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1
    other = ", ".join(f"{n} × {s}" for s, n in statuses.items())
    return f"by-hash answered the stored index for {agree}/{len(sample)}" + (
        f" ({other})" if other else "")


def measure(dep: Deployment, seconds: float) -> Outcome:
    ops: list[Op] = mix(dep.demo, dep.urls[0])
    phase(dep.urls, ops, dep.slug, PhaseStats(WARM_UP[0]), seconds=WARM_UP[1], seed=99)
    before = drain(dep)
    load_average = os.getloadavg()[0]
    watch = IndexWatch(dep)
    watch.start()
    stats = []
    for n, clients in enumerate(PHASES):
        s = PhaseStats(clients)
        watch.watch(s.written)
        stats.append(phase(dep.urls, ops, dep.slug, s, seconds=seconds, seed=n + 1))
        time.sleep(1.0)
    watch.stop()
    after = drain(dep)
    return Outcome(dep.setup, stats, _targets(dep, stats, before, after), load_average)


def _targets(dep: Deployment, stats: list[PhaseStats], before: tuple[int, int, int],
             after: tuple[int, int, int]) -> list[Result]:
    name = dep.setup.name
    low, high = stats[0], stats[-1]
    errors = sum(s.server_errors for s in stats)
    timeouts = sum(s.timeouts for s in stats)
    dropped = sum(s.transport_errors for s in stats)
    rate = [s.ok / s.seconds for s in stats]
    shed = [s.shed / max(1, s.answered) for s in stats]
    written = [w for s in stats for w in s.written]
    unknown = sum(s.unknown_writes for s in stats)
    kept = []
    for kind in ("site", "incident"):
        ids = [w.id for w in written if w.kind == kind]
        kept.append((kind, len(present(dep, kind, ids)), len(ids)))
    grew = after[0] - before[0]
    by_type = types_since(dep, before[0])
    ours = sum(by_type.pop(t, 0) for t in WRITE_TYPES.values())
    others = ", ".join(f"{n} × {t}" for t, n in sorted(by_type.items()))
    logged = logged_ids(dep, before[0])
    stray = {kind: sorted(logged[kind] - {w.id for w in written if w.kind == kind})
             for kind in WRITE_TYPES}
    strays = "; ".join(f"{kind}s {', '.join(map(str, ids[:5]))}" + ("…" if len(ids) > 5 else "")
                       for kind, ids in stray.items() if ids)
    whole = gapless(dep)
    all_kept = all(found == made for _, found, made in kept)
    grew_ok = len(written) <= ours <= len(written) + unknown and after[2] == 0
    lat = _latencies(written)
    unindexed = len(written) - len(lat)
    results = [
        Result("5xx answers", name, f"{errors} (503 with Retry-After not counted)",
               "", f"{errors}", "0", errors == 0),
        Result("client timeouts", name, f"{timeouts} timeouts, {dropped} dropped connections",
               "", f"{timeouts + dropped}", "0", timeouts == 0 and dropped == 0),
        Result(f"throughput at {high.clients} clients", name, f"{rate[-1]:,.0f} req/s (2xx)",
               f"{rate[0]:,.0f} req/s at {low.clients} clients",
               f"{rate[-1] / max(rate[0], 1e-9):.2f}×", f"≥ {SCALING:.2f}×",
               rate[-1] >= SCALING * rate[0]),
        Result("shed 503s", name, " · ".join(f"{x:.1%} at {s.clients}" for x, s in
                                            zip(shed, stats, strict=True)),
               "", f"{max(shed):.1%} at most", f"< {SHED_MAX:.0%}", max(shed) < SHED_MAX),
        Result("acknowledged writes kept", name,
               "; ".join(f"{found}/{made} {kind}s present" for kind, found, made in kept)
               + f"; log +{grew} entries ({ours} of the writes'"
               + (f", also {others}" if others else "") + f"), "
               f"{'gapless' if whole else 'GAPS'}, {after[2]} pending"
               + (f"; logged, never acknowledged: {strays}" if strays else ""),
               f"{len(written)} acknowledged, {unknown} unanswered (may or may not be in)",
               f"{sum(k[1] for k in kept)}/{len(written)} kept, log +{ours}",
               "all present; log + as many", all_kept and grew_ok and whole),
        Result("log index known after the answer", name,
               (f"p99 {ms(percentile(lat, 99))}, p50 {ms(median(lat))}, max {ms(max(lat))} "
                f"over {len(lat)} writes ({sum(x == 0 for x in lat)} in the answer itself)"
                if lat else "no writes")
               + (f"; {unindexed} never indexed" if unindexed else ""),
               _by_hash(dep, written), f"p99 {ms(percentile(lat, 99))}" if lat else "",
               f"p99 ≤ {ms(INDEX_P99_S)}",
               bool(lat) and not unindexed and percentile(lat, 99) <= INDEX_P99_S),
        Result("server stderr", name, dep.server_log_problems(),
               "; ".join(dep.notes) or f"{len(dep.urls)} × corridor serve"
               + (f" --workers {dep.setup.workers}" if dep.setup.workers > 1 else ""),
               "", "", None),
    ]
    return results


def _phase_table(outcomes: Sequence[Outcome]) -> Table:
    table = Table(title="load — closed-loop clients, 70 % reads / 30 % writes",
                  title_justify="left", show_lines=True)
    for col in ("set-up", "clients", "req/s (2xx)", "p50", "p99", "answers not 2xx",
                "shed 503s", "timeouts, dropped", "writes acked", "index known p99", "client CPU"):
        table.add_column(col, overflow="fold")
    for o in outcomes:
        for s in o.phases:
            others = ", ".join(f"{n} × {what}" for what, n in s.problems.most_common()) or "none"
            lat = _latencies(s.written)
            table.add_row(
                f"{o.setup.name} (load average {o.load_average:.1f} on {os.cpu_count()} CPUs)",
                str(s.clients), f"{s.ok / s.seconds:,.0f}",
                ms(median(s.latencies)) if s.latencies else "–",
                ms(percentile(s.latencies, 99)) if s.latencies else "–",
                others, f"{s.shed / max(1, s.answered):.1%}",
                ", ".join(f"{n} × {kind}" for kind, n in s.failures.most_common()) or "0",
                str(len(s.written)),
                ms(percentile(lat, 99)) if lat else "–",
                f"{s.cpu / s.seconds:.0%} of a core")
    return table


def run(quick: bool = False) -> list[Result]:
    seconds = float(os.environ.get("CORRIDOR_BENCH_LOAD_SECONDS", "10" if quick else "60"))
    only = os.environ.get("CORRIDOR_BENCH_LOAD_ONLY")
    setups = [SETUPS[ONLY[only]]] if only else list(SETUPS)
    concurrency = os.environ.get("CORRIDOR_BENCH_CONCURRENCY")
    outcomes: list[Outcome] = []
    with temp_dir() as tmp:
        for n, setup in enumerate(setups):
            console.print(f"load: {setup.name}, {' then '.join(map(str, PHASES))} clients, "
                          f"{seconds:g} s each …")
            with deployed(setup, tmp / f"setup-{n}", concurrency=concurrency) as dep:
                if dep is not None:
                    outcomes.append(measure(dep, seconds))
    console.print(_phase_table(outcomes))
    results = [r for o in outcomes for r in o.results]
    show("load — targets (afterwards: writes and log read back from the database)", results,
         baseline="compared with")
    return results


if __name__ == "__main__":
    run(parse_quick(__doc__ or ""))

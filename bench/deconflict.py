"""Deconfliction: a movement's check against a group of 100,000 sites, 50,000 incidents and 1,000
pauses, in process, beside PostGIS (GiST, ST_DWithin on geography) and a scan of every feature,
after first asserting that all three find the same things; then the same check end to end, as
`GET …/movements/{id}/check` through the application, beside PostGIS (`bench.deconflict_e2e`).
`python -m bench.deconflict [--quick]`; CORRIDOR_BENCH_DECONFLICT_SCALE=0.01 scales the group and
the movements down for a smoke run."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import psycopg
import shapely
from shapely.geometry import LineString
from sqlalchemy.engine import make_url

from bench import deconflict_e2e
from bench.common import (
    POSTGRES_SERVER,
    Result,
    console,
    median,
    ms,
    parse_quick,
    percentile,
    show,
    temp_dir,
)
from bench.deconflict_world import (
    EDGE_M,
    HOURS,
    NOW,
    RADIUS_M,
    Answers,
    World,
    make_trips,
    make_world,
    ours,
    region,
    run_check,
    scan,
)
from corridor.deconfliction import check
from corridor.deconfliction.check import IncidentFacts

SITES, INCIDENTS, PAUSES, MOVEMENTS = 100_000, 50_000, 1_000, 10_000
ONE_CHECK_P50, ONE_CHECK_P99, RECHECK_S, SCAN_RATIO = 0.002, 0.010, 5.0, 100.0
QUERY = """
SELECT 'site', id FROM b_sites WHERE ST_DWithin(geog, ST_GeogFromWKB(%(route)s), %(metres)s)
UNION ALL
SELECT 'incident', id FROM b_incidents WHERE occurred_at BETWEEN %(since)s AND %(until)s
  AND ST_DWithin(geog, ST_GeogFromWKB(%(route)s), %(metres)s)
UNION ALL
SELECT 'pause', id FROM b_pauses WHERE ST_Intersects(zone, ST_GeomFromWKB(%(route)s, 4326))
"""


@dataclass(frozen=True)
class Scale:
    sites: int
    incidents: int
    pauses: int
    movements: int
    checks: int  # timed checks (and PostGIS queries) on as many routes
    sample: int  # routes on which all three must agree
    scans: int  # routes timed for the scan of every feature

    @staticmethod
    def of(factor: float) -> Scale:
        def n(full: int, least: int) -> int:
            return max(least, round(full * factor))

        return Scale(n(SITES, 200), n(INCIDENTS, 100), n(PAUSES, 10), n(MOVEMENTS, 50),
                     n(1000, 50), n(30, 5), n(5, 2))


@contextmanager
def postgis(world: World) -> Iterator[psycopg.Connection[tuple[object, ...]] | None]:
    """A throwaway database with the group's features, GiST-indexed; None if there is no server
    or it has no PostGIS."""
    server = make_url(POSTGRES_SERVER).set(drivername="postgresql")
    name = f"corridor_bench_gis_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(server.render_as_string(hide_password=False), autocommit=True,
                                connect_timeout=5)
    except psycopg.OperationalError as exc:
        console.print(f"[bold yellow]PostGIS part SKIPPED[/]: no server ({exc})")
        yield None
        return
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            with psycopg.connect(url, autocommit=True) as conn:
                if not _load(conn, world):
                    yield None
                    return
                yield conn
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load(conn: psycopg.Connection[tuple[object, ...]], world: World) -> bool:
    try:
        conn.execute("CREATE EXTENSION postgis")
    except psycopg.errors.FeatureNotSupported as exc:  # the server has no PostGIS installed
        console.print(f"[bold yellow]PostGIS part SKIPPED[/]: {exc}")
        return False
    conn.execute("CREATE TABLE b_sites (id int PRIMARY KEY, geog geography(Point, 4326))")
    conn.execute("CREATE TABLE b_incidents (id int PRIMARY KEY, occurred_at timestamptz, "
                 "geog geography(Point, 4326))")
    conn.execute("CREATE TABLE b_pauses (id int PRIMARY KEY, zone geometry(Geometry, 4326))")
    with conn.cursor() as cur:
        # repr() of a float round-trips exactly: PostGIS holds the very same coordinates.
        with cur.copy("COPY b_sites (id, geog) FROM STDIN") as copy:
            for k, s in world.sites.items():
                copy.write_row((k, f"SRID=4326;POINT({s.point.x!r} {s.point.y!r})"))
        with cur.copy("COPY b_incidents (id, occurred_at, geog) FROM STDIN") as copy:
            for k, i in world.incidents.items():
                copy.write_row((k, i.occurred_at, f"SRID=4326;POINT({i.point.x!r} {i.point.y!r})"))
        with cur.copy("COPY b_pauses (id, zone) FROM STDIN") as copy:
            for k, p in world.pauses.items():
                copy.write_row((k, shapely.to_wkb(shapely.set_srid(p.zone, 4326), hex=True,
                                                  include_srid=True)))
    for statement in ("CREATE INDEX ON b_sites USING gist (geog)",
                      "CREATE INDEX ON b_incidents USING gist (geog)",
                      "CREATE INDEX ON b_incidents (occurred_at)",
                      "CREATE INDEX ON b_pauses USING gist (zone)",
                      "ANALYZE"):
        conn.execute(statement)
    return True


def postgis_answers(conn: psycopg.Connection[tuple[object, ...]], route: LineString) -> Answers:
    """The same three questions as one prepared statement."""
    rows = conn.execute(QUERY, {"route": shapely.to_wkb(route), "metres": RADIUS_M,
                                "since": NOW - timedelta(hours=HOURS), "until": NOW},
                        prepare=True).fetchall()
    found: dict[object, set[int]] = {"site": set(), "incident": set(), "pause": set()}
    for kind, id_ in rows:
        found[kind].add(int(str(id_)))
    return Answers(frozenset(found["site"]), frozenset(found["incident"]),
                   frozenset(found["pause"]))


def agreement(world: World, routes: Sequence[LineString],
              conn: psycopg.Connection[tuple[object, ...]] | None) -> str:
    """Assert that the index, PostGIS and the scan find the same features on every route (bar
    those within EDGE_M of the radius, counted); the summary says how much was compared."""
    totals, edge_seen = np.zeros(3, dtype=int), 0
    for n, route in enumerate(routes):
        mine, (truth, site_edge, incident_edge) = ours(world, route), scan(world, route)
        theirs = postgis_answers(conn, route) if conn is not None else truth
        for what, edge in (("sites", site_edge), ("incidents", incident_edge),
                           ("pauses", frozenset[int]())):
            a, b, c = (getattr(x, what) for x in (mine, theirs, truth))
            differ = (a ^ c) | (b ^ c)
            assert differ <= edge, (f"route {n}: {what} differ beyond the edge of the radius: "
                                    f"index-only {sorted(a - c)}, scan-only {sorted(c - a)}, "
                                    f"PostGIS-only {sorted(b - c)}, missed by PostGIS "
                                    f"{sorted(c - b)}")
            edge_seen += len(differ)
        totals += (len(truth.sites), len(truth.incidents), len(truth.pauses))
    assert totals[0] > 0 and totals[1] > 0 and totals[2] > 0, "a comparison found nothing"
    who = "index = PostGIS = scan" if conn is not None else "index = scan (no PostGIS)"
    return (f"{who} on {len(routes)} routes: {totals[0]:,} sites, {totals[1]:,} recent incidents,"
            f" {totals[2]:,} pauses found; {edge_seen} within {EDGE_M:g} m of the radius differ")


def _times(fn: object, items: Sequence[object]) -> list[float]:
    assert callable(fn)
    out = []
    for item in items:
        began = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - began)
    return out


def recheck(world: World, rng: np.random.Generator, movements: int) -> list[Result]:
    """A new incident arrives: the movements it can affect are found in the same index (their
    routes are features too) and re-checked; every other check is unchanged, which is verified
    against a re-check of all of them (the baseline)."""
    trips = make_trips(rng, world, movements)
    world.index.upsert_many("movement", ((str(i), t.route) for i, t in enumerate(trips)))
    before = [run_check(world, t) for t in trips]
    route = trips[int(rng.integers(len(trips)))].route
    at = shapely.points(np.asarray(route.coords[len(route.coords) // 2]) + rng.normal(0, 0.02, 2))
    new = IncidentFacts(max(world.incidents) + 1, "air_strike", "aid-one",
                        NOW - timedelta(minutes=30), at)
    began = time.perf_counter()
    world.index.upsert(check.incident_kind(new.occurred_at), str(new.id), new.point)
    world.incidents[new.id] = new
    affected = [int(h.id) for h in world.index.near(new.point, RADIUS_M, kinds=["movement"])]
    updated = {i: run_check(world, trips[i]) for i in affected}
    incremental = time.perf_counter() - began
    began = time.perf_counter()
    after = [run_check(world, t) for t in trips]
    everything = time.perf_counter() - began
    for i, result in enumerate(after):
        assert result == updated.get(i, before[i]), f"movement {i}: stale after the incident"
    changed = sum(1 for i in affected if after[i].incidents != before[i].incidents)
    assert changed >= 1, "the new incident changed no check"
    return [Result(f"re-check {movements:,} movements after a new incident", "in process",
                   f"{ms(incremental)}: {len(affected)} near it re-checked ({changed} changed), "
                   "the rest verified unchanged", f"all re-checked in full: {ms(everything)}",
                   f"{everything / incremental:,.0f}× faster", f"< {RECHECK_S:g} s",
                   incremental < RECHECK_S)]


def run(quick: bool = False) -> list[Result]:
    factor = float(os.environ.get("CORRIDOR_BENCH_DECONFLICT_SCALE", "0.02" if quick else "1"))
    scale = Scale.of(factor)
    rng = np.random.default_rng(20261129)
    world = make_world(rng, sites=scale.sites, incidents=scale.incidents, pauses=scale.pauses,
                       box=region(factor))
    began = time.perf_counter()
    world.build_index()
    built = time.perf_counter() - began
    trips = make_trips(rng, world, scale.checks)
    routes = [t.route for t in trips]
    results: list[Result] = []
    with postgis(world) as conn:
        same = agreement(world, routes[: scale.sample], conn)
        results.append(Result("same answers first", "index/PostGIS/scan", same, "", "",
                              "identical", True))
        for t in trips[:20]:  # warm caches (pyproj transformers, prepared statements)
            run_check(world, t)
            if conn is not None:
                postgis_answers(conn, t.route)
        mine = _times(lambda t: run_check(world, t), trips)
        theirs = _times(lambda r: postgis_answers(conn, r), routes) if conn is not None else []
    scanned = _times(lambda r: scan(world, r), routes[: scale.scans])
    p50, p99 = median(mine), percentile(mine, 99)
    versus = (f"PostGIS queries: p50 {ms(median(theirs))}, p99 {ms(percentile(theirs, 99))}"
              if theirs else "PostGIS: not run")
    results += [
        Result("one check, p50", "in process", ms(p50), versus,
               f"{median(theirs) / p50:.1f}× faster" if theirs else "", f"< {ms(ONE_CHECK_P50)}",
               p50 < ONE_CHECK_P50),
        Result("one check, p99", "in process", ms(p99), versus,
               f"{percentile(theirs, 99) / p99:.1f}× faster" if theirs else "",
               f"< {ms(ONE_CHECK_P99)}", p99 < ONE_CHECK_P99),
        Result("check vs PostGIS, same answers", "in process vs PostGIS",
               f"check p50 {ms(p50)} (all findings, words included)", versus,
               f"{median(theirs) / p50:.2f}× PostGIS's speed" if theirs else "",
               "≥ 1× (no slower)", median(theirs) >= p50 if theirs else None),
        Result("check vs scan of every feature", "in process", f"check p50 {ms(p50)}",
               f"scan (no index, vectorised): median {ms(median(scanned))} on "
               f"{len(scanned)} routes", f"{median(scanned) / p50:,.0f}× faster",
               f"≥ {SCAN_RATIO:g}×", median(scanned) / p50 >= SCAN_RATIO),
        Result("index of the group", "in process", f"{len(world.index):,} features in "
               f"{ms(built)}", f"{scale.sites:,} sites, {scale.incidents:,} incidents, "
               f"{scale.pauses:,} pauses; {len(trips):,} routes of 200 vertices", "", "", None),
    ]
    results += recheck(world, rng, scale.movements)
    with temp_dir() as tmp:
        results += deconflict_e2e.run(quick, tmp)
    show(f"deconflict — one movement's check against {scale.sites:,} sites, {scale.incidents:,} "
         f"incidents, {scale.pauses:,} pauses (radius {RADIUS_M / 1000:g} km, incidents of "
         f"{HOURS} h)", results)
    return results


if __name__ == "__main__":
    run(parse_quick(__doc__ or ""))

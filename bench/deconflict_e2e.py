"""The check as a member receives it: `GET …/movements/{id}/check` through the application
(routing, the token, a session, the change-feed read that brings the group's index up to date,
the visibility filter, the response), beside PostGIS answering the same question (the nearest
sites and the recent incidents within the radius of the same route), after first asserting that
both find the same things. The group is the demo's, with sites, incidents and movements added
through the service functions."""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import shapely
from shapely.geometry import LineString, shape
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.common import (
    POSTGRES_SERVER,
    Result,
    console,
    median,
    ms,
    percentile,
    postgres_database,
    sqlite_database,
)
from bench.deconflict_world import EDGE_M, FRONT, HOURS, RADIUS_M, SITE_TYPES
from corridor.config import Settings
from corridor.db import make_engine, make_sessionmaker
from corridor.incidents import service as incidents
from corridor.incidents.models import Incident
from corridor.incidents.schemas import IncidentIn
from corridor.notifications import service as notifications
from corridor.notifications.models import Site
from corridor.notifications.schemas import MovementIn, SiteIn
from corridor.wiring import register as register_wiring

with warnings.catch_warnings():  # starlette's note that it prefers httpx2 (not installed)
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

LISTED = 100  # the check lists at most this many sites, and incidents, nearest first
CHECKER = ("un-ocha", "coordinator")  # the convener's negotiator: sees every site
NEAREST = """
(SELECT 'site', id, ST_Distance(geog, r.g) AS d FROM b_sites, (SELECT ST_GeogFromWKB(%(route)s)
   AS g) r WHERE ST_DWithin(geog, r.g, %(metres)s) ORDER BY d LIMIT %(listed)s)
UNION ALL
(SELECT 'incident', id, ST_Distance(geog, r.g) AS d FROM b_incidents, (SELECT
   ST_GeogFromWKB(%(route)s) AS g) r WHERE occurred_at BETWEEN %(since)s AND %(until)s
   AND ST_DWithin(geog, r.g, %(metres)s) ORDER BY d LIMIT %(listed)s)
"""


@dataclass(frozen=True)
class Scale:
    sites: int
    incidents: int
    movements: int
    checks: int

    @staticmethod
    def of(quick: bool) -> Scale:
        return Scale(200, 100, 5, 60) if quick else Scale(1000, 500, 10, 300)


def _route(rng: np.random.Generator) -> list[list[float]]:
    """A gently winding 50-vertex line of about 150 km inside the front's box, never crossing
    itself."""
    west, south, east, north = FRONT
    while True:
        start = rng.uniform((west + 1.5, south + 1.5), (east - 1.5, north - 1.5))
        steps = np.cumsum(rng.normal(0, 0.1, 50)) + rng.uniform(0, 2 * np.pi)
        xy = start + np.cumsum(np.c_[np.cos(steps), np.sin(steps)] * 0.03, axis=0)
        if LineString(xy).is_simple:
            return [[round(float(x), 6), round(float(y), 6)] for x, y in xy]


def seed(url: str, folder: Path, scale: Scale, rng: np.random.Generator
         ) -> tuple[dict[str, Any], list[int]]:
    """The demo's group plus sites, incidents and movements across the front, all through the
    service functions; returns the demo summary and the ids of the movements to check."""
    from corridor.demo.seed import build

    register_wiring()  # the seed's writes go into the change feed, as on a server
    settings = Settings(database_url=url, data_dir=folder)
    (folder / "party-keys").mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine, log_key_dir=settings.log_key_dir)() as db:
            scenario = build(db, settings, folder / "party-keys")
            notifiers = [scenario.members[m].principal("operator")
                         for m in ("un-ocha", "icrc", "wfp", "unicef")]
            reporters = [scenario.members[m].principal("operator")
                         for m in ("ukraine", "russia", "icrc", "wfp")]
            west, south, east, north = FRONT
            for n in range(scale.sites):
                lon, lat = rng.uniform((west, south), (east, north))
                site = SiteIn.model_validate({"name": f"Site {n}", "type": SITE_TYPES[n % 6],
                                              "lon": float(lon), "lat": float(lat)})
                notifications.notify_site(db, principal=notifiers[n % len(notifiers)],
                                          body=site)
            now = datetime.now(UTC)
            for n in range(scale.incidents):
                lon, lat = rng.uniform((west, south), (east, north))
                # Three in four within the window a check asks about.
                hours = float(rng.uniform(1, HOURS - 2) if n % 4 else rng.uniform(HOURS + 2, 200))
                incidents.report(db, principal=reporters[n % len(reporters)], body=IncidentIn(
                    type="shelling", occurred_at=now - timedelta(hours=hours), lon=float(lon),
                    lat=float(lat)))
            icrc = scenario.members["icrc"].principal("operator")
            moved = [notifications.notify_movement(db, principal=icrc, max_vertices=10_000,
                                                   body=MovementIn.model_validate({
                                                       "route": {"type": "LineString",
                                                                 "coordinates": _route(rng)},
                                                       "departure": now + timedelta(days=3),
                                                       "arrival": now + timedelta(days=3, hours=8),
                                                       "vehicles": {"count": 4, "type": "trucks"},
                                                       "staff": 6})).id
                     for _ in range(scale.movements)]
            return scenario.as_json(None), moved
    finally:
        engine.dispose()


@contextmanager
def postgis_of(app_url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]] | None]:
    """The app database's active sites and its incidents, copied into a GiST-indexed PostGIS
    database (None, said once, without a server or PostGIS)."""
    server = make_url(POSTGRES_SERVER).set(drivername="postgresql")
    name = f"corridor_bench_gis_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(server.render_as_string(hide_password=False), autocommit=True,
                                connect_timeout=5)
    except psycopg.OperationalError as exc:
        console.print(f"[bold yellow]PostGIS part of the end-to-end check SKIPPED[/]: {exc}")
        yield None
        return
    engine = make_engine(app_url)
    with admin, engine.connect() as app:
        sites = app.execute(select(Site.id, Site.lon, Site.lat)
                            .where(Site.withdrawn_at.is_(None))).all()
        reports = app.execute(select(Incident.id, Incident.occurred_at, Incident.lon,
                                     Incident.lat)).all()
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            with psycopg.connect(url, autocommit=True) as conn:
                try:
                    conn.execute("CREATE EXTENSION postgis")
                except psycopg.errors.FeatureNotSupported as exc:
                    console.print(f"[bold yellow]PostGIS part SKIPPED[/]: {exc}")
                    yield None
                    return
                conn.execute("CREATE TABLE b_sites (id int PRIMARY KEY, "
                             "geog geography(Point, 4326))")
                conn.execute("CREATE TABLE b_incidents (id int PRIMARY KEY, occurred_at "
                             "timestamptz, geog geography(Point, 4326))")
                with conn.cursor() as cur:
                    with cur.copy("COPY b_sites (id, geog) FROM STDIN") as copy:
                        for s in sites:
                            copy.write_row((s.id, f"SRID=4326;POINT({s.lon!r} {s.lat!r})"))
                    with cur.copy("COPY b_incidents (id, occurred_at, geog) FROM STDIN") as copy:
                        for i in reports:
                            at = i.occurred_at if i.occurred_at.tzinfo else i.occurred_at.replace(
                                tzinfo=UTC)
                            copy.write_row((i.id, at, f"SRID=4326;POINT({i.lon!r} {i.lat!r})"))
                for statement in ("CREATE INDEX ON b_sites USING gist (geog)",
                                  "CREATE INDEX ON b_incidents USING gist (geog)",
                                  "CREATE INDEX ON b_incidents (occurred_at)", "ANALYZE"):
                    conn.execute(statement)
                yield conn
        finally:
            engine.dispose()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgis(conn: psycopg.Connection[tuple[Any, ...]], route_wkb: bytes, now: datetime
             ) -> dict[str, dict[int, float]]:
    rows = conn.execute(NEAREST, {"route": route_wkb, "metres": RADIUS_M, "listed": LISTED,
                                  "since": now - timedelta(hours=HOURS), "until": now},
                        prepare=True).fetchall()
    found: dict[str, dict[int, float]] = {"site": {}, "incident": {}}
    for kind, id_, metres in rows:
        found[str(kind)][int(id_)] = float(metres)
    return found


def _from_check(body: dict[str, Any]) -> dict[str, set[int]]:
    return {"site": {int(f["data"]["site"]) for f in body["sites"]},
            "incident": {int(f["data"]["incident"]) for f in body["incidents"]}}


def _agree(mine: dict[str, set[int]], theirs: dict[str, dict[int, float]]) -> tuple[int, int]:
    """Assert the same sites and incidents (bar any within EDGE_M of the radius); return how
    many were found and how many differed at the edge."""
    found = edge = 0
    for kind in ("site", "incident"):
        differ = mine[kind] ^ set(theirs[kind])
        at_edge = {i for i in differ if abs(theirs[kind].get(i, RADIUS_M) - RADIUS_M) < EDGE_M}
        assert differ <= at_edge or len(theirs[kind]) == LISTED, (
            f"{kind}s differ beyond the edge of the radius: check-only "
            f"{sorted(mine[kind] - set(theirs[kind]))[:5]}, PostGIS-only "
            f"{sorted(set(theirs[kind]) - mine[kind])[:5]}")
        found += len(theirs[kind])
        edge += len(differ)
    return found, edge


def _times(fn: Any, items: list[Any]) -> list[float]:
    out = []
    for item in items:
        began = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - began)
    return out


def run(quick: bool, folder: Path) -> list[Result]:
    scale = Scale.of(quick)
    rng = np.random.default_rng(20261202)
    with ExitStack() as stack:
        pg = stack.enter_context(postgres_database("deconflict end to end"))
        url = pg or stack.enter_context(sqlite_database(folder))
        backend = "postgresql" if pg else "sqlite"
        began = time.perf_counter()
        demo, movements = seed(url, folder, scale, rng)
        seeded = time.perf_counter() - began
        token = next(p["token"] for m in demo["members"] if m["slug"] == CHECKER[0]
                     for p in m["people"] if p["username"] == ".".join(CHECKER))
        slug = demo["group"]["slug"]
        settings = Settings(database_url=url, data_dir=folder)
        from corridor.app import create_app

        engine = make_engine(url, pool_size=settings.pool_size)
        stack.callback(engine.dispose)
        client = stack.enter_context(TestClient(create_app(settings, engine)))
        client.headers["Authorization"] = f"Bearer {token}"

        def check(movement: int) -> dict[str, Any]:
            r = client.get(f"/api/v1/groups/{slug}/movements/{movement}/check")
            assert r.status_code == 200, r.text
            body: dict[str, Any] = r.json()
            return body

        routes = {m: _wkb(client, slug, m) for m in movements}
        conn = stack.enter_context(postgis_of(url))
        found = edge = 0
        for m in movements:  # same answers first
            now = datetime.now(UTC)
            answer = check(m)
            if conn is not None:
                f, e = _agree(_from_check(answer), _postgis(conn, routes[m], now))
                found, edge = found + f, edge + e
        order = [movements[n % len(movements)] for n in range(scale.checks)]
        for m in movements:  # warm both
            check(m)
            if conn is not None:
                _postgis(conn, routes[m], datetime.now(UTC))
        mine = _times(check, order)
        theirs = (_times(lambda m: _postgis(conn, routes[m], datetime.now(UTC)), order)
                  if conn is not None else [])
    same = (f"API check = PostGIS on {len(movements)} movements: {found:,} sites and recent "
            f"incidents found; {edge} within {EDGE_M:g} m of the radius differ"
            if theirs else "PostGIS not run: answers not compared")
    versus = (f"PostGIS query for the same answer: p50 {ms(median(theirs))}, "
              f"p99 {ms(percentile(theirs, 99))}" if theirs else "PostGIS: not run")
    where = (f"{backend} · group of {scale.sites:,} sites, {scale.incidents:,} incidents "
             f"(seeded through the services in {seeded:.0f} s)")
    return [
        Result("same answers first (end to end)", where, same, "", "", "identical",
               True if theirs else None),
        Result("GET …/movements/{id}/check, p50", where,
               f"{ms(median(mine))} over {len(mine)} requests (TestClient: routing, token, "
               "session, change-feed read, visibility, JSON)", versus,
               f"{median(theirs) / median(mine):.2f}× PostGIS's speed" if theirs else "",
               "", None),
        Result("GET …/movements/{id}/check, p99", where, ms(percentile(mine, 99)), versus,
               f"{percentile(theirs, 99) / percentile(mine, 99):.2f}× PostGIS's speed"
               if theirs else "", "", None),
    ]


def _wkb(client: TestClient, slug: str, movement: int) -> bytes:
    """The movement's route as the API gives it, as WKB for PostGIS."""
    route = client.get(f"/api/v1/groups/{slug}/movements/{movement}").json()["route"]
    wkb: bytes = shapely.to_wkb(shape(route))
    return wkb

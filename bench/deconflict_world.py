"""A synthetic contact group for the deconfliction benchmark: sites, incidents and pauses across
Ukraine, movements on 200-vertex routes, and the three ways of answering "what lies near this
route": the group's spatial index (what the check uses), PostGIS, and a scan of every feature.

Incidents cluster along an eastern front (60 %) and span 90 days, so the 48-hour window a check
asks about holds a realistic few per route; a tenth of the routes follow an agreed pause's
corridor inside its window, so the benchmark also pays for the coverage findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point

from corridor.deconfliction import check
from corridor.deconfliction.check import IncidentFacts, PauseFacts, SiteFacts, Trip
from corridor.geo.index import SpatialIndex
from corridor.geo.metric import distances_m, pause_zone

Array = np.ndarray[Any, Any]
REGION = (22.2, 44.4, 40.2, 52.3)  # west, south, east, north: Ukraine's bounding box
FRONT = (35.0, 46.5, 39.0, 50.0)
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
RADIUS_M = check.DEFAULT_RADIUS_M
HOURS = check.DEFAULT_INCIDENT_HOURS
VERTICES = 200
SITE_TYPES = ("hospital", "shelter", "warehouse", "office", "distribution_point", "other")
# Distances within this of the radius may fall either side depending on who measures (PostGIS
# follows great-circle edges and its own spheroid code; we follow lon/lat-straight edges).
EDGE_M = 1.0


@dataclass
class World:
    """Everything of one group, as plain data and as the index the check queries."""

    sites: dict[int, SiteFacts]
    incidents: dict[int, IncidentFacts]
    pauses: dict[int, PauseFacts]
    corridors: dict[int, LineString]
    box: tuple[float, float, float, float]
    index: SpatialIndex = field(default_factory=SpatialIndex)

    def __post_init__(self) -> None:
        self.site_ids = np.array(list(self.sites))
        self.site_points = np.array([s.point for s in self.sites.values()], dtype=object)
        self.incident_ids = np.array(list(self.incidents))
        self.incident_points = np.array([i.point for i in self.incidents.values()], dtype=object)
        self.incident_times = np.array([i.occurred_at for i in self.incidents.values()])
        self.pause_ids = np.array(list(self.pauses))
        self.pause_zones = np.array([p.zone for p in self.pauses.values()], dtype=object)

    def build_index(self) -> None:
        """Load the group into its index, as `deconfliction.features` does from the database."""
        self.index.upsert_many(check.SITE, ((str(k), s.point) for k, s in self.sites.items()))
        by_day: dict[str, list[tuple[str, Point]]] = {}
        for k, i in self.incidents.items():
            by_day.setdefault(check.incident_kind(i.occurred_at), []).append((str(k), i.point))
        for kind, items in by_day.items():
            self.index.upsert_many(kind, items)
        self.index.upsert_many(check.PAUSE, ((str(k), p.zone) for k, p in self.pauses.items()))


@dataclass(frozen=True)
class Answers:
    """What lies near one route: ids of sites and recent incidents within the radius, and of the
    pauses whose zone the route touches."""

    sites: frozenset[int]
    incidents: frozenset[int]
    pauses: frozenset[int]


def _points(rng: np.random.Generator, n: int, box: tuple[float, float, float, float]) -> Array:
    west, south, east, north = box
    return np.asarray(shapely.points(rng.uniform(west, east, n), rng.uniform(south, north, n)))


def region(factor: float) -> tuple[float, float, float, float]:
    """Ukraine at full scale; a smaller group keeps the density, around the front (>= 4° x 3°)."""
    west, south, east, north = REGION
    width = max(4.0, (east - west) * min(1.0, factor) ** 0.5)
    height = max(3.0, (north - south) * min(1.0, factor) ** 0.5)
    x, y = (FRONT[0] + FRONT[2]) / 2, (FRONT[1] + FRONT[3]) / 2
    x = min(max(x, west + width / 2), east - width / 2)
    y = min(max(y, south + height / 2), north - height / 2)
    return x - width / 2, y - height / 2, x + width / 2, y + height / 2


def make_world(rng: np.random.Generator, *, sites: int, incidents: int, pauses: int,
               box: tuple[float, float, float, float] = REGION) -> World:
    orgs = ("aid-one", "aid-two", "aid-three")
    site_facts = {
        i + 1: SiteFacts(i + 1, f"site {i + 1}", SITE_TYPES[i % 6], orgs[i % 3], p)
        for i, p in enumerate(_points(rng, sites, box))}
    front = int(incidents * 0.6)
    points = np.concatenate([_points(rng, front, FRONT), _points(rng, incidents - front, box)])
    ages = rng.uniform(0, 90 * 24 * 3600, incidents)
    incident_facts = {
        i + 1: IncidentFacts(i + 1, "shelling", orgs[i % 3],
                             NOW - timedelta(seconds=int(ages[i])), p)
        for i, p in enumerate(points)}
    pause_facts, corridors = {}, {}
    for i in range(1, pauses + 1):
        start = NOW + timedelta(days=float(rng.uniform(-300, 30)))
        corridor = _walk(rng, int(rng.integers(2, 5)), step_deg=float(rng.uniform(0.05, 0.2)),
                         box=box)
        corridors[i] = corridor
        area = None
        if rng.random() < 0.3:
            area = shapely.buffer(Point(corridor.coords[0]), float(rng.uniform(0.02, 0.12)))
        zone, kind = pause_zone(area, corridor, float(rng.uniform(500, 5000)))
        agreed = bool(rng.random() < 0.4)
        pause_facts[i] = PauseFacts(
            i, f"pause {i}", "agreed" if agreed else "proposed", agreed, start,
            start + timedelta(hours=float(rng.uniform(6, 72))), zone, kind)
    return World(site_facts, incident_facts, pause_facts, corridors, box)


def _walk(rng: np.random.Generator, n: int, *, step_deg: float,
          box: tuple[float, float, float, float] = REGION) -> LineString:
    """A wandering line of n vertices inside `box` (steps of ~step_deg)."""
    west, south, east, north = box
    x0, y0 = rng.uniform(west + 1.5, east - 1.5), rng.uniform(south + 1.0, north - 1.0)
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, 0.15, n - 1))
    xs = x0 + np.r_[0, np.cumsum(step_deg * 1.5 * np.cos(heading))]
    ys = y0 + np.r_[0, np.cumsum(step_deg * np.sin(heading))]
    return LineString(np.c_[xs, ys])


def _resampled(line: LineString, n: int) -> LineString:
    return LineString([line.interpolate(f, normalized=True) for f in np.linspace(0, 1, n)])


def make_trips(rng: np.random.Generator, world: World, n: int) -> list[Trip]:
    """Movements on 200-vertex routes (~140 km); one in ten along an agreed pause's corridor."""
    along = [p for p in world.pauses.values() if p.agreed and "corridor" in p.shape]
    trips = []
    for _ in range(n):
        if along and rng.random() < 0.1:
            pause = along[int(rng.integers(len(along)))]
            route = _resampled(world.corridors[pause.id], VERTICES)
            trips.append(Trip(route, pause.start + timedelta(hours=1),
                              pause.start + timedelta(hours=5), pause.id))
            continue
        depart = NOW + timedelta(hours=float(rng.uniform(0, 72)))
        trips.append(Trip(_walk(rng, VERTICES, step_deg=0.0048, box=world.box), depart,
                          depart + timedelta(hours=float(rng.uniform(4, 12)))))
    return trips


def run_check(world: World, trip: Trip) -> check.Result:
    """One movement's check, exactly as the API runs it once the group's features are loaded."""
    return check.check(trip, index=world.index, pauses=world.pauses, sites=world.sites,
                       incident_facts=world.incidents, now=NOW)


def ours(world: World, route: LineString) -> Answers:
    """The answers as the check finds them in the group's index."""
    sites = world.index.near(route, RADIUS_M, kinds=[check.SITE])
    recent = check.incidents_within(route, world.index, world.incidents, radius_m=RADIUS_M,
                                    since=NOW - timedelta(hours=HOURS), until=NOW, limit=10**9)
    pauses = world.index.intersecting(route, kinds=[check.PAUSE])
    return Answers(frozenset(int(h.id) for h in sites),
                   frozenset(int(f.data["incident"]) for f in recent),
                   frozenset(int(h.id) for h in pauses))


def _metres(route: LineString, points: Array) -> Array:
    """Metres from the route to every point: each measured in a plane centred on the route, and
    those that may be within the radius measured again exactly (`metric.distances_m`)."""
    lon0, lat0 = route.centroid.x, route.centroid.y
    plane = Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84")
    xy = shapely.get_coordinates(points)
    flat = shapely.points(*plane.transform(xy[:, 0], xy[:, 1]))
    rxy = shapely.get_coordinates(route)
    metres = np.asarray(shapely.distance(LineString(np.c_[plane.transform(rxy[:, 0], rxy[:, 1])]),
                                         flat), dtype=np.float64)
    maybe = (metres <= RADIUS_M * 1.01 + 2 * EDGE_M).nonzero()[0]
    metres[maybe] = distances_m(route, points[maybe])
    return metres


def scan(world: World, route: LineString) -> tuple[Answers, frozenset[int], frozenset[int]]:
    """The answers from every feature, measured one by one against the route with no index
    (vectorised; geodesic, as `metric.distance_m`); plus the site and incident ids at the edge
    of the radius, where measures may disagree."""
    since = NOW - timedelta(hours=HOURS)
    site_m = _metres(route, world.site_points)
    incident_m = _metres(route, world.incident_points)
    recent = (world.incident_times >= since) & (world.incident_times <= NOW)
    touching = shapely.intersects(route, world.pause_zones)
    answers = Answers(frozenset(world.site_ids[site_m <= RADIUS_M].tolist()),
                      frozenset(world.incident_ids[recent & (incident_m <= RADIUS_M)].tolist()),
                      frozenset(world.pause_ids[touching].tolist()))
    site_edge = frozenset(world.site_ids[np.abs(site_m - RADIUS_M) < EDGE_M].tolist())
    incident_edge = frozenset(
        world.incident_ids[recent & (np.abs(incident_m - RADIUS_M) < EDGE_M)].tolist())
    return answers, site_edge, incident_edge

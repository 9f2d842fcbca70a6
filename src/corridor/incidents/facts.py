"""Loading, read-only, what an incident report could touch: agreed pauses whose window holds its
time, sites notified before it, movements under way at it, all near its location; then the pure
`links.links` decides. Every pause, site and movement of the group is considered, whoever reports:
the links are the record's, and each reader is shown only those it may see."""

from __future__ import annotations

import json
from datetime import datetime

from shapely.geometry import LineString, Point, shape
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from corridor.geo.metric import degrees_for, pause_zone
from corridor.groups.models import Organisation
from corridor.incidents import links
from corridor.notifications.content import route_of
from corridor.notifications.models import Movement, Site
from corridor.pauses import service as pauses
from corridor.pauses.lifecycle import State
from corridor.pauses.models import Pause

# The widest corridor half-width a pause may have (pauses/schemas.py): a pause whose route's box
# is further than this cannot hold the point.
PAUSE_REACH_M = 50_000.0


def parties(db: Session, group_id: int) -> list[str]:
    return sorted(db.scalars(select(Organisation.slug).where(
        Organisation.group_id == group_id, Organisation.kind == "party")))


def _box(point: Point, metres: float) -> tuple[float, float, float, float]:
    pad = degrees_for(point, metres)
    return point.x - pad, point.y - pad, point.x + pad, point.y + pad


def _pauses(db: Session, group_id: int, report: links.Report) -> list[links.PauseArea]:
    west, south, east, north = _box(report.point, PAUSE_REACH_M + report.uncertainty_m)
    rows = db.scalars(select(Pause).where(
        Pause.group_id == group_id, Pause.state == State.AGREED.value,
        Pause.window_start <= report.occurred_at, Pause.window_end >= report.occurred_at,
        Pause.max_lon >= west, Pause.min_lon <= east, Pause.max_lat >= south,
        Pause.min_lat <= north))
    found = []
    for pause in rows:
        content = json.loads(pauses.current_version(db, pause).content)
        corridor = content["corridor"]
        route = shape(corridor["route"]) if corridor else None
        assert route is None or isinstance(route, LineString)
        zone, _ = pause_zone(shape(content["area"]) if content["area"] else None, route,
                             corridor["half_width_m"] if corridor else 0)
        found.append(links.PauseArea(pause.id, content["title"], zone, pause.window_start,
                                     pause.window_end, tuple(content["required_signatories"])))
    return found


def _sites(db: Session, group_id: int, report: links.Report, reach_m: float
           ) -> list[links.NotifiedSite]:
    west, south, east, north = _box(report.point, reach_m)
    rows = db.scalars(select(Site).options(joinedload(Site.organisation)).where(
        Site.group_id == group_id, Site.notified_at <= report.occurred_at,
        Site.lon >= west, Site.lon <= east, Site.lat >= south, Site.lat <= north))
    return [links.NotifiedSite(s.id, s.name, s.organisation.slug, Point(s.lon, s.lat),
                               s.notified_at) for s in rows]


def _movements(db: Session, group_id: int, report: links.Report, reach_m: float
               ) -> list[links.NotifiedMovement]:
    west, south, east, north = _box(report.point, reach_m)
    rows = db.scalars(select(Movement).options(joinedload(Movement.organisation)).where(
        Movement.group_id == group_id, Movement.departure <= report.occurred_at,
        Movement.arrival >= report.occurred_at, Movement.max_lon >= west,
        Movement.min_lon <= east, Movement.max_lat >= south, Movement.min_lat <= north))
    return [links.NotifiedMovement(m.id, m.organisation.slug, route_of(json.loads(m.content)),
                                   m.departure, m.arrival) for m in rows]


def links_of(db: Session, *, group_id: int, point: Point, uncertainty_m: float,
             occurred_at: datetime, distance_m: float = links.DEFAULT_DISTANCE_M
             ) -> list[links.Link]:
    """What a report at `point` and `occurred_at` touches, as of what the group holds now."""
    report = links.Report(point, uncertainty_m, occurred_at)
    reach = distance_m + uncertainty_m
    return links.links(report, pauses=_pauses(db, group_id, report),
                       sites=_sites(db, group_id, report, reach),
                       movements=_movements(db, group_id, report, reach),
                       parties=parties(db, group_id), distance_m=distance_m)

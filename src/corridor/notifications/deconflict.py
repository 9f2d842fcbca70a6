"""Loading what a movement's check needs (pauses near its route and time, sites the caller may
see near its route) and running the pure check on it. Nothing is cached: every request answers
from the current pauses, sites and movement, so a change anywhere shows at the next check."""

from __future__ import annotations

import json

from shapely.geometry import LineString, Point, shape
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from corridor import clock
from corridor.geo.metric import degrees_for
from corridor.groups.principal import Principal
from corridor.notifications import check
from corridor.notifications.check import NEAR_IN_TIME, PauseFacts, SiteFacts, Trip
from corridor.notifications.content import route_of
from corridor.notifications.models import Movement, Site
from corridor.notifications.service import visible
from corridor.pauses import service as pauses
from corridor.pauses.lifecycle import State, shown
from corridor.pauses.models import Pause
from corridor.policy import Action, allowed

# The widest corridor half-width a pause may have (pauses/schemas.py): pauses further away
# cannot reach the route.
PAUSE_REACH_M = 50_000.0


def _pause_facts(db: Session, pause: Pause) -> PauseFacts:
    content = json.loads(pauses.current_version(db, pause).content)
    area = shape(content["area"]) if content["area"] else None
    corridor = content["corridor"]
    route = shape(corridor["route"]) if corridor else None
    assert route is None or isinstance(route, LineString)
    zone, kind = check.pause_zone(area, route, corridor["half_width_m"] if corridor else 0)
    return PauseFacts(
        id=pause.id, title=content["title"],
        status=shown(State(pause.state), start=pause.window_start, end=pause.window_end,
                     now=clock.now()),
        agreed=pause.state == State.AGREED, start=pause.window_start, end=pause.window_end,
        zone=zone, shape=kind)


def _pauses(db: Session, principal: Principal, movement: Movement, route: LineString
            ) -> dict[int, PauseFacts]:
    pad = degrees_for(route, PAUSE_REACH_M)
    west, south, east, north = route.bounds
    near = and_(
        Pause.state == State.AGREED.value,
        Pause.max_lon >= west - pad, Pause.min_lon <= east + pad,
        Pause.max_lat >= south - pad, Pause.min_lat <= north + pad,
        Pause.window_end >= movement.departure - NEAR_IN_TIME,
        Pause.window_start <= movement.arrival + NEAR_IN_TIME,
    )
    wanted = near if movement.pause_id is None else or_(near, Pause.id == movement.pause_id)
    rows = db.scalars(select(Pause).where(Pause.group_id == principal.group.id, wanted))
    return {p.id: _pause_facts(db, p) for p in rows
            if allowed(principal.actor, Action.PAUSE_READ, pauses.target(p))}


def _sites(db: Session, principal: Principal, route: LineString, radius_m: float
           ) -> dict[int, SiteFacts]:
    pad = degrees_for(route, radius_m)
    west, south, east, north = route.bounds
    rows = db.scalars(select(Site).options(joinedload(Site.organisation)).where(
        Site.group_id == principal.group.id, Site.lon >= west - pad, Site.lon <= east + pad,
        Site.lat >= south - pad, Site.lat <= north + pad))
    # Need to know: a humanitarian organisation's check never reveals another's sites.
    return {s.id: SiteFacts(s.id, s.name, s.site_type, s.organisation.slug, Point(s.lon, s.lat))
            for s in visible(principal, list(rows))}


def run(db: Session, *, principal: Principal, movement: Movement, radius_m: float,
        incident_hours: int) -> check.Result:
    """The check of one movement the caller may see, as of now."""
    route = route_of(json.loads(movement.content))
    trip = Trip(route, movement.departure, movement.arrival, movement.pause_id)
    pause_facts = _pauses(db, principal, movement, route)
    site_facts = _sites(db, principal, route, radius_m)
    index = check.index_of(pause_facts.values(), site_facts.values())
    from corridor.incidents.nearby import near_route  # incidents builds on notifications

    incidents = near_route(db, group_id=principal.group.id, route=route, radius_m=radius_m,
                           hours=incident_hours)
    return check.check(trip, index=index, pauses=pause_facts, sites=site_facts,
                       radius_m=radius_m, incident_hours=incident_hours, incidents=incidents)

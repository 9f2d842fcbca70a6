"""Is a movement covered by an agreed pause, and what does its route pass? Plain data in, findings
out, each with its reason in words a logistician understands and the same facts as data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any, TypeVar

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from corridor.durations import span
from corridor.geo.index import SpatialIndex
from corridor.geo.metric import (
    Along,
    length_km,
    point_at_km,
    segments_outside,
)

DEFAULT_RADIUS_M = 10_000.0
DEFAULT_INCIDENT_HOURS = 48
# A pause whose window is further than this from the trip is not worth explaining as "why not".
NEAR_IN_TIME = timedelta(hours=48)
# A stretch shorter than this at either end still counts as the whole route being outside.
_END_KM = 0.05
PAUSE, SITE = "pause", "site"
# Incidents are indexed by the UTC day they occurred on ("incident:2026-11-29"), so that a check
# asking for the last 48 hours searches three small layers, not every report ever made.
INCIDENT = "incident:"
_T = TypeVar("_T")
_LISTED = 100  # sites, and incidents, listed at most per check (nearest first)


@dataclass(frozen=True)
class Trip:
    route: LineString
    departure: datetime
    arrival: datetime
    pause_id: int | None = None


@dataclass(frozen=True)
class PauseFacts:
    id: int
    title: str
    status: str  # as people see it: active, completed, proposed, suspended...
    agreed: bool  # stored state is agreed; only then can it cover anything
    start: datetime
    end: datetime
    zone: BaseGeometry  # its area and its corridor buffered by the half-width, together
    shape: str  # "corridor", "area" or "corridor and area", for the words


@dataclass(frozen=True)
class SiteFacts:
    id: int
    name: str
    type: str
    organisation: str
    point: Point


@dataclass(frozen=True)
class IncidentFacts:
    id: int
    type: str
    organisation: str
    occurred_at: datetime
    point: Point


def incident_kind(occurred_at: datetime) -> str:
    """The index layer of a report: the UTC day it occurred on."""
    return f"{INCIDENT}{occurred_at.date().isoformat()}"


def incident_kinds(since: datetime, until: datetime) -> list[str]:
    """The layers that can hold reports from `since` to `until` (UTC), one per day."""
    first, last = since.date(), until.date()
    days = (last - first).days
    return [f"{INCIDENT}{date.fromordinal(first.toordinal() + d).isoformat()}"
            for d in range(days + 1)]


@dataclass(frozen=True)
class Finding:
    code: str
    reason: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Result:
    covered_by: list[int]
    summary: Finding
    pauses: list[Finding]
    sites: list[Finding]
    incidents: list[Finding]


def index_of(pauses: Iterable[PauseFacts], sites: Iterable[SiteFacts]) -> SpatialIndex:
    """One spatial index over the pauses' zones and the sites a check may consider."""
    index = SpatialIndex()
    index.upsert_many(PAUSE, ((str(p.id), p.zone) for p in pauses))
    index.upsert_many(SITE, ((str(s.id), s.point) for s in sites))
    return index


def _at(when: datetime) -> str:
    return when.strftime("%d %b %Y %H:%M UTC")


def _lonlat(route: LineString, km: float) -> list[float]:
    point = point_at_km(route, km)
    return [round(point.x, 6), round(point.y, 6)]


def _leaves(route: LineString, pause: PauseFacts, a: float, b: float, total: float) -> Finding:
    data = {"pause": pause.id, "from_km": round(a, 2), "to_km": round(b, 2),
            "from": _lonlat(route, a), "to": _lonlat(route, b)}
    if a <= _END_KM and b >= total - _END_KM:
        return Finding("outside_pause", f"The whole route ({total:.1f} km) lies outside the "
                       f"{pause.shape} of pause {pause.id}.", data)
    return Finding("leaves_pause", f"The route leaves the {pause.shape} of pause {pause.id} "
                   f"from km {a:.1f} to km {b:.1f} ({b - a:.1f} km outside).", data)


def _timing(trip: Trip, pause: PauseFacts) -> list[Finding]:
    found = []
    window = f"the window of pause {pause.id}"
    cases = [
        ("departs_before_window", "Departure", trip.departure, pause.start, -1, "opens"),
        ("departs_after_window", "Departure", trip.departure, pause.end, 1, "closes"),
        ("arrives_before_window", "Estimated arrival", trip.arrival, pause.start, -1, "opens"),
        ("arrives_after_window", "Estimated arrival", trip.arrival, pause.end, 1, "closes"),
    ]
    for code, what, when, edge, sign, verb in cases:
        gap = (when - edge) * sign
        if gap > timedelta(0):
            side = "after" if sign > 0 else "before"
            found.append(Finding(
                code, f"{what} ({_at(when)}) is {span(gap)} {side} {window} {verb} ({_at(edge)}).",
                {"pause": pause.id, "at": when.isoformat(), "window_edge": edge.isoformat(),
                 "by_seconds": int(gap.total_seconds())}))
    return found


def coverage(trip: Trip, pause: PauseFacts) -> list[Finding]:
    """Why `pause` covers the trip, or every reason it does not."""
    if not pause.agreed:
        return [Finding("pause_not_agreed", f"Pause {pause.id} ('{pause.title}') is "
                        f"{pause.status}: only an agreed pause covers a movement.",
                        {"pause": pause.id, "status": pause.status})]
    total = length_km(trip.route)
    found = [_leaves(trip.route, pause, a, b, total)
             for a, b in segments_outside(trip.route, pause.zone)]
    found.extend(_timing(trip, pause))
    if found:
        return found
    return [Finding("covered", f"Covered by pause {pause.id} ('{pause.title}'): the whole route "
                    f"({total:.1f} km) lies inside its {pause.shape}, and departure and estimated "
                    "arrival fall inside its window.",
                    {"pause": pause.id, "route_km": round(total, 2)})]


def _relevant(trip: Trip, index: SpatialIndex, pauses: Mapping[int, PauseFacts]
              ) -> list[PauseFacts]:
    """The linked pause, then agreed pauses the route touches with a window near the trip."""
    linked = pauses.get(trip.pause_id) if trip.pause_id is not None else None
    chosen = [linked] if linked is not None else []
    for hit in index.intersecting(trip.route, kinds=[PAUSE]):
        pause = pauses.get(int(hit.id))
        if pause is None or pause.id == trip.pause_id or not pause.agreed:
            continue
        near = pause.start - NEAR_IN_TIME, pause.end + NEAR_IN_TIME
        if near[0] <= trip.arrival and trip.departure <= near[1]:
            chosen.append(pause)
    return chosen


def _summary(covered_by: list[int], relevant: list[PauseFacts]) -> Finding:
    if covered_by:
        which = " and ".join(f"pause {i}" for i in covered_by)
        return Finding("covered", f"Covered by agreed {which}.", {"pauses": covered_by})
    if relevant:
        return Finding("not_covered", "Not covered by any agreed pause; see the reasons for each "
                       "pause near its route and time.", {"pauses": [p.id for p in relevant]})
    return Finding("no_pause", "Not covered: no agreed pause includes any part of this route "
                   "near this time.", {"pauses": []})


def _first(pairs: Iterable[tuple[float, _T]], limit: int) -> list[tuple[float, _T]]:
    """The first `limit` pairs (as `list(pairs)[:limit]`), reading no further than needed."""
    return list(islice(pairs, limit)) if limit >= 0 else list(pairs)[:limit]


def _kms(route: LineString, *groups: Sequence[tuple[float, SiteFacts]]
         | Sequence[tuple[float, IncidentFacts]]) -> list[list[float]]:
    """The km marks of the facts of each group, all measured in one pass along the route."""
    facts = [f for group in groups for _, f in group]
    if not facts:
        return [[] for _ in groups]
    xy = shapely.get_coordinates(np.fromiter((f.point for f in facts), dtype=object,
                                             count=len(facts)))
    kms: list[float] = Along(route).km_of(xy[:, 0], xy[:, 1]).tolist()
    out, at = [], 0
    for group in groups:
        out.append(kms[at:at + len(group)])
        at += len(group)
    return out


def _chosen_sites(found: Iterable[tuple[str, float]], sites: Mapping[int, SiteFacts],
                  limit: int) -> list[tuple[float, SiteFacts]]:
    """(metres, facts) of the first `limit` of the (id, metres) found that are in `sites`."""
    if limit < 0:
        return _first(((metres, site) for id_, metres in found
                       if (site := sites.get(int(id_))) is not None), limit)
    chosen: list[tuple[float, SiteFacts]] = []
    get = sites.get  # asks a mapping that filters what its caller may see once, not twice
    for id_, metres in found:
        if len(chosen) >= limit:
            break
        if (site := get(int(id_))) is not None:
            chosen.append((metres, site))
    return chosen


def _site_words(chosen: Sequence[tuple[float, SiteFacts]], kms: Sequence[float]
                ) -> list[Finding]:
    found = []
    for (metres, site), km in zip(chosen, kms, strict=True):
        kind = site.type.replace("_", " ")
        where = "on the route" if metres < 1 else f"{metres / 1000:.1f} km from the route"
        found.append(Finding(
            "site_near_route", f"Passes {site.organisation}'s {kind} '{site.name}' {where}, at km "
            f"{km:.1f}.", {"site": site.id, "name": site.name, "type": site.type,
                           "organisation": site.organisation, "km_along": round(km, 2),
                           "distance_km": round(metres / 1000, 3)}))
    return found


def sites_near(route: LineString, index: SpatialIndex, sites: Mapping[int, SiteFacts], *,
               radius_m: float, limit: int = _LISTED) -> list[Finding]:
    """Notified sites within `radius_m` of the route, nearest first (those in `sites` only:
    the index may hold sites the caller may not see)."""
    found = index.nearby(route, radius_m, kinds=[SITE])
    chosen = _chosen_sites(zip(found.ids, found.metres, strict=True), sites, limit)
    return _site_words(chosen, *_kms(route, chosen))


def _chosen_incidents(found: Iterable[tuple[str, float]],
                      incidents: Mapping[int, IncidentFacts], since: datetime, until: datetime,
                      limit: int) -> list[tuple[float, IncidentFacts]]:
    return _first(((metres, incident) for id_, metres in found
                   if (incident := incidents.get(int(id_))) is not None
                   and since <= incident.occurred_at <= until), limit)


def _incident_words(chosen: Sequence[tuple[float, IncidentFacts]], kms: Sequence[float]
                    ) -> list[Finding]:
    found = []
    for (metres, incident), km in zip(chosen, kms, strict=True):
        kind = incident.type.replace("_", " ")
        found.append(Finding(
            "incident_near_route",
            f"{incident.organisation} reported {kind} {metres / 1000:.1f} km from the "
            f"route at km {km:.1f}, at {incident.occurred_at.strftime('%d %b %Y %H:%M UTC')} "
            f"(incident {incident.id}; a report, not a finding).",
            {"incident": incident.id, "type": incident.type,
             "reported_by": incident.organisation, "km_along": round(km, 2),
             "distance_km": round(metres / 1000, 3),
             "occurred_at": incident.occurred_at.isoformat()}))
    return found


def incidents_within(route: LineString, index: SpatialIndex,
                     incidents: Mapping[int, IncidentFacts], *, radius_m: float,
                     since: datetime, until: datetime, limit: int = _LISTED) -> list[Finding]:
    """Reports from `since` to `until` within `radius_m` of the route, nearest first; each says
    how far, where along the route, and when; a report is a claim, so is each finding."""
    found = index.nearby(route, radius_m, kinds=incident_kinds(since, until))
    chosen = _chosen_incidents(zip(found.ids, found.metres, strict=True), incidents, since,
                               until, limit)
    return _incident_words(chosen, *_kms(route, chosen))


def check(trip: Trip, *, index: SpatialIndex, pauses: Mapping[int, PauseFacts],
          sites: Mapping[int, SiteFacts], radius_m: float = DEFAULT_RADIUS_M,
          incident_hours: int = DEFAULT_INCIDENT_HOURS,
          incidents: Sequence[Finding] | None = None,
          incident_facts: Mapping[int, IncidentFacts] | None = None,
          now: datetime | None = None) -> Result:
    """Every finding about one movement against the pauses and sites in `index`; incidents are
    the findings given, else the reports in `index` and `incident_facts` of the `incident_hours`
    before `now` (which must then be given), else none."""
    relevant = _relevant(trip, index, pauses)
    per_pause = {p.id: coverage(trip, p) for p in relevant}
    covered_by = [i for i, found in per_pause.items() if found[0].code == "covered"]
    route = trip.route
    if incidents is None and incident_facts is not None:
        if now is None:
            raise ValueError("incident findings from the index need the time of the check")
        # One look-up for sites and incidents, and the route prepared once for the km marks of
        # both: the answers are those of `sites_near` and `incidents_within`.
        since = now - timedelta(hours=incident_hours)
        near = index.nearby(route, radius_m, kinds=[SITE, *incident_kinds(since, now)])
        ids, metres = near.ids, near.metres
        is_site = near.layer == (near.names.index(SITE) if SITE in near.names else -1)
        at_sites, at_incidents = is_site.nonzero()[0].tolist(), (~is_site).nonzero()[0].tolist()
        near_sites = _chosen_sites(zip(map(ids.__getitem__, at_sites),
                                       map(metres.__getitem__, at_sites), strict=True),
                                   sites, _LISTED)
        near_incidents = _chosen_incidents(
            zip(map(ids.__getitem__, at_incidents), map(metres.__getitem__, at_incidents),
                strict=True), incident_facts, since, now, _LISTED)
        site_kms, incident_kms = _kms(route, near_sites, near_incidents)
        incidents = _incident_words(near_incidents, incident_kms)
        site_findings = _site_words(near_sites, site_kms)
    else:
        site_findings = sites_near(route, index, sites, radius_m=radius_m)
    return Result(
        covered_by=covered_by,
        summary=_summary(covered_by, relevant),
        pauses=[f for found in per_pause.values() for f in found],
        sites=site_findings,
        incidents=list(incidents or []),
    )

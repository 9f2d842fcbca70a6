"""What an incident report touches, by geometry and time only: plain data in, links out.

A link says why (distance in metres, the time against the window or the trip) and never who is
to blame: a report inside an agreed pause is a *possible* breach, nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from corridor.geo.index import SpatialIndex

DEFAULT_DISTANCE_M = 5_000.0


class LinkKind(StrEnum):
    POSSIBLE_BREACH = "possible_breach"
    SITE_AFFECTED = "site_affected"
    MOVEMENT_AFFECTED = "movement_affected"


@dataclass(frozen=True)
class Report:
    point: Point
    uncertainty_m: float
    occurred_at: datetime


@dataclass(frozen=True)
class PauseArea:
    """An agreed pause: its area and buffered corridor together (`check.pause_zone`)."""

    id: int
    title: str
    zone: BaseGeometry
    start: datetime
    end: datetime
    required_signatories: tuple[str, ...]


@dataclass(frozen=True)
class NotifiedSite:
    id: int
    name: str
    organisation: str
    point: Point
    notified_at: datetime


@dataclass(frozen=True)
class NotifiedMovement:
    id: int
    organisation: str
    route: LineString
    departure: datetime
    arrival: datetime


@dataclass(frozen=True)
class Link:
    kind: LinkKind
    subject: int  # the pause, site or movement id
    distance_m: int
    reason: str
    parties: tuple[str, ...]  # who is asked to answer
    data: dict[str, Any] = field(default_factory=dict)


def _at(when: datetime) -> str:
    return when.strftime("%d %b %Y %H:%M UTC")


def _where(distance_m: float, what: str) -> str:
    if distance_m < 1:
        return f"inside {what}"
    return f"{distance_m / 1000:.1f} km from {what}"


def _uncertainty(report: Report) -> str:
    return f" (location uncertain by {report.uncertainty_m:.0f} m)" if report.uncertainty_m else ""


def _during(report: Report, start: datetime, end: datetime) -> bool:
    return start <= report.occurred_at <= end


def _breaches(report: Report, pauses: Sequence[PauseArea]) -> list[Link]:
    in_window = {str(p.id): p for p in pauses if _during(report, p.start, p.end)}
    index = SpatialIndex()
    index.upsert_many("pause", ((k, p.zone) for k, p in in_window.items()))
    found = []
    for hit in index.near(report.point, max(report.uncertainty_m, 0.0), kinds=["pause"]):
        pause = in_window[hit.id]
        found.append(Link(
            LinkKind.POSSIBLE_BREACH, pause.id, round(hit.distance_m),
            f"Possible breach of pause {pause.id} ('{pause.title}'): reported "
            f"{_where(hit.distance_m, 'its area or corridor')}{_uncertainty(report)}, at "
            f"{_at(report.occurred_at)}, inside its window ({_at(pause.start)} to "
            f"{_at(pause.end)}). This is a claim to be answered, not a finding.",
            pause.required_signatories,
            {"pause": pause.id, "distance_m": round(hit.distance_m),
             "occurred_at": report.occurred_at.isoformat(), "window_start": pause.start.isoformat(),
             "window_end": pause.end.isoformat()}))
    return found


def _sites(report: Report, sites: Sequence[NotifiedSite], reach_m: float,
           parties: tuple[str, ...]) -> list[Link]:
    # A site notified only after the incident was not a notified site when it happened.
    known = {str(s.id): s for s in sites if s.notified_at <= report.occurred_at}
    index = SpatialIndex()
    index.upsert_many("site", ((k, s.point) for k, s in known.items()))
    found = []
    for hit in index.near(report.point, reach_m, kinds=["site"]):
        site = known[hit.id]
        found.append(Link(
            LinkKind.SITE_AFFECTED, site.id, round(hit.distance_m),
            f"Notified site possibly affected: {site.organisation}'s '{site.name}' is "
            f"{hit.distance_m / 1000:.1f} km from the reported location{_uncertainty(report)}; "
            f"notified {_at(site.notified_at)}, before the incident at "
            f"{_at(report.occurred_at)}.",
            parties,
            {"site": site.id, "distance_m": round(hit.distance_m),
             "occurred_at": report.occurred_at.isoformat(),
             "notified_at": site.notified_at.isoformat()}))
    return found


def _movements(report: Report, movements: Sequence[NotifiedMovement], reach_m: float,
               parties: tuple[str, ...]) -> list[Link]:
    under_way = {str(m.id): m for m in movements if _during(report, m.departure, m.arrival)}
    index = SpatialIndex()
    index.upsert_many("movement", ((k, m.route) for k, m in under_way.items()))
    found = []
    for hit in index.near(report.point, reach_m, kinds=["movement"]):
        movement = under_way[hit.id]
        found.append(Link(
            LinkKind.MOVEMENT_AFFECTED, movement.id, round(hit.distance_m),
            f"Movement under way possibly affected: {movement.organisation}'s movement "
            f"{movement.id} was between departure ({_at(movement.departure)}) and arrival "
            f"({_at(movement.arrival)}) at {_at(report.occurred_at)}, and its route passes "
            f"{hit.distance_m / 1000:.1f} km from the reported location{_uncertainty(report)}.",
            parties,
            {"movement": movement.id, "distance_m": round(hit.distance_m),
             "occurred_at": report.occurred_at.isoformat(),
             "departure": movement.departure.isoformat(),
             "arrival": movement.arrival.isoformat()}))
    return found


def links(
    report: Report, *, pauses: Iterable[PauseArea] = (), sites: Iterable[NotifiedSite] = (),
    movements: Iterable[NotifiedMovement] = (), parties: Iterable[str] = (),
    distance_m: float = DEFAULT_DISTANCE_M,
) -> list[Link]:
    """Every pause, site and movement the report touches; `parties` are all the group's parties,
    asked to answer about sites and movements (a pause asks its required signatories)."""
    everyone = tuple(sorted(parties))
    reach = distance_m + max(report.uncertainty_m, 0.0)
    return [*_breaches(report, list(pauses)),
            *_sites(report, list(sites), reach, everyone),
            *_movements(report, list(movements), reach, everyone)]


def parties_concerned(found: Iterable[Link]) -> list[str]:
    """Everyone a follow-up waits for: the union of each link's parties."""
    return sorted({party for link in found for party in link.parties})

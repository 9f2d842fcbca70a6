"""What the overview shows, gathered with the same service, view and GeoJSON functions as the API
(so the same need-to-know rules): the group's map features, the timeline of pause windows and
the person's inbox (from `alerts.service.for_caller`, the API's own alerts).

The map's features are slimmed to what the map draws (kind, title, link, status, highlight) and
rounded to about a metre, because they are embedded in the page and the page must stay small
on a 3G link; the full records are one click away on each object's own page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shapely.geometry import mapping, shape
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from corridor import clock
from corridor.alerts import service as alerts
from corridor.alerts.schemas import AlertOut
from corridor.geo.metric import buffer_m
from corridor.groups.principal import Principal
from corridor.incidents import export as incident_export
from corridor.incidents import service as incidents
from corridor.incidents import views as incident_views
from corridor.incidents.links import LinkKind
from corridor.notifications import geojson as notice_geojson
from corridor.notifications import service as notices
from corridor.notifications import views as notice_views
from corridor.operations.models import Operation
from corridor.pauses import views as pause_views
from corridor.pauses import visible
from corridor.pauses.models import Pause
from corridor.pauses.schemas import PauseOut

PAST = timedelta(days=7)
AHEAD = timedelta(days=14)
PRECISION = 5  # decimal places of a coordinate: about a metre
SIMPLIFY = 0.0005  # degrees (~50 m): a corridor buffer drawn at region scale
KINDS = ("pause", "site", "movement", "incident")


@dataclass
class Bar:
    """One pause window on the timeline, as percentages of the timeline's span."""

    id: int
    title: str
    status: str
    start: datetime
    end: datetime
    left: float
    width: float
    clipped_start: bool
    clipped_end: bool


@dataclass
class Timeline:
    start: datetime
    end: datetime
    now: float  # percent
    days: list[tuple[float, datetime]]
    bars: list[Bar]


@dataclass
class InboxItem:
    kind: str
    url: str
    subject_type: str
    subject_id: int
    title: str
    due: datetime | None
    overdue: bool
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Overview:
    features: dict[str, dict[str, Any]]
    counts: dict[str, tuple[int, int]]  # kind -> (shown, highlighted)
    timeline: Timeline
    inbox: list[InboxItem]
    inbox_complete: bool = True  # False: more wait than one answer lists (the oldest are shown)


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, PRECISION)
    if isinstance(value, list | tuple):
        return [_round(v) for v in value]
    return value


def _geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}


def _feature(source: dict[str, Any], kind: str, title: str, url: str, *, status: str = "",
             highlight: bool = False, part: str = "") -> dict[str, Any]:
    props: dict[str, Any] = {"kind": kind, "title": title, "url": url}
    if status:
        props["status"] = status
    if highlight:
        props["highlight"] = True
    if part:
        props["part"] = part
    return {"type": "Feature", "geometry": _geometry(source["geometry"]), "properties": props}


def visible_pauses(db: Session, principal: Principal) -> list[tuple[Pause, PauseOut]]:
    """The group's pauses the person may read (drafts of other organisations are not)."""
    found = list(db.scalars(visible.pauses(principal.actor).options(joinedload(Pause.author))
                            .order_by(Pause.window_start, Pause.id)))
    return list(zip(found, pause_views.pauses_out(db, found, principal), strict=True))


def pause_features(rows: list[tuple[Pause, PauseOut]]) -> list[dict[str, Any]]:
    """Each pause's area, and its corridor as the buffered zone and the route through it."""
    out = []
    for pause, view in rows:
        content, url = view.content, f"/pauses/{pause.id}"
        title, status = content["title"], view.status
        if content["area"]:
            out.append(_feature({"geometry": content["area"]}, "pause", title, url,
                                status=status, part="area"))
        corridor = content["corridor"]
        if corridor:
            zone = buffer_m(shape(corridor["route"]), corridor["half_width_m"])
            out.append(_feature({"geometry": mapping(zone.simplify(SIMPLIFY))}, "pause", title,
                                url, status=status, part="corridor"))
            out.append(_feature({"geometry": corridor["route"]}, "pause", title, url,
                                status=status, part="route"))
            out.extend(_feature({"geometry": {"type": "Point", "coordinates": [w["lon"],
                                                                                w["lat"]]}},
                                "pause", w["name"], url, status=status, part="waypoint")
                       for w in corridor["waypoints"])
    return out


def _movement_title(props: dict[str, Any], movement_id: int) -> str:
    names = props.get("waypoints") or []
    route = f"{names[0]} → {names[-1]}" if len(names) >= 2 else f"#{movement_id}"
    vehicles = props.get("vehicles") or {}
    what = f"{vehicles.get('count', '')} {vehicles.get('type', '')}".strip()
    return f"{route} · {what} · {props['organisation']}" if what else route


def notice_features(db: Session, principal: Principal) -> tuple[list[dict[str, Any]],
                                                                 list[dict[str, Any]]]:
    """Sites and movements the person may see (need to know), through the API's GeoJSON."""
    if not notices.may_read(principal):
        return [], []
    sites = notice_views.sites_out(db, notices.list_sites(db, principal=principal).rows,
                                   principal)
    movements = notice_views.movements_out(
        db, notices.list_movements(db, principal=principal).rows, principal)
    site_out = [
        _feature(f, "site", f["properties"]["name"], f"/sites/{f['id']}",
                 status="stale" if f["properties"]["stale"] else "")
        for f in notice_geojson.sites(sites)["features"]]
    movement_out = [
        _feature(f, "movement", _movement_title(f["properties"], f["id"]),
                 f"/movements/{f['id']}", status=f["properties"]["phase"],
                 highlight=f["properties"]["phase"] == "under_way")
        for f in notice_geojson.movements(movements)["features"]]
    return site_out, movement_out


def incident_features(db: Session, principal: Principal,
                      types: dict[str, str]) -> list[dict[str, Any]]:
    """Incident reports; a possible breach (inside an agreed pause in its window) stands out."""
    if not incidents.may_read(principal):
        return []
    rows = incident_views.incidents_out(db, incidents.list_all(db, principal=principal).rows,
                                        principal)
    out = []
    for f in incident_export.geojson(rows)["features"]:
        props = f["properties"]
        breach = any(k["kind"] == LinkKind.POSSIBLE_BREACH for k in props["links"])
        title = f"{types.get(props['type'], props['type'])}: {props['place'] or ''}".rstrip(": ")
        out.append(_feature(f, "incident", title, f"/incidents/{f['id']}",
                            status="breach" if breach else "", highlight=breach))
    return out


def timeline(rows: list[tuple[Pause, PauseOut]], now: datetime, zone: str) -> Timeline:
    """Pause windows from a week ago to two weeks ahead, as positions on one axis whose days
    begin at midnight in the reader's zone."""
    local = (now - PAST).astimezone(ZoneInfo(zone))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    end = start + PAST + AHEAD + timedelta(days=1)
    span = (end - start).total_seconds()

    def at(t: datetime) -> float:
        return round(100 * min(max((t - start).total_seconds(), 0.0), span) / span, 3)

    bars = []
    for pause, view in rows:
        if pause.window_end <= start or pause.window_start >= end:
            continue
        left = at(pause.window_start)
        bars.append(Bar(pause.id, view.content["title"], view.status, pause.window_start,
                        pause.window_end, left, round(max(at(pause.window_end) - left, 0.6), 3),
                        pause.window_start < start, pause.window_end > end))
    days = [(at(start + timedelta(days=d)), start + timedelta(days=d))
            for d in range(0, (end - start).days, 7)]
    return Timeline(start, end, at(now), days, bars)


ORDER = {"acknowledgement_overdue": 0, "unaccounted": 1, "consent_awaited": 2,
         "discrepancy": 3, "followup_to_answer": 4, "acknowledgement_pending": 5,
         "followup_open": 6}
LINKS = {"pause": "/pauses/{}", "site": "/sites/{}", "movement": "/movements/{}",
         "incident": "/incidents/{}", "operation": "/operations/{}"}


def _titles(db: Session, features: dict[str, list[dict[str, Any]]],
            wanted: list[AlertOut], pause_rows: list[tuple[Pause, PauseOut]]
            ) -> dict[tuple[str, int], str]:
    """A readable name for each subject an alert is about."""
    names = {("pause", p.id): v.content["title"] for p, v in pause_rows}
    for kind, items in features.items():
        if kind == "pause":
            continue
        for f in items:
            subject_id = int(f["properties"]["url"].rsplit("/", 1)[1])
            names.setdefault((kind, subject_id), f["properties"]["title"])
    operation_ids = [a.subject.id for a in wanted if a.subject.type == "operation"]
    if operation_ids:
        for op in db.scalars(select(Operation).where(Operation.id.in_(operation_ids))):
            names[("operation", op.id)] = op.title
    return names


def inbox(db: Session, principal: Principal, features: dict[str, list[dict[str, Any]]],
          pause_rows: list[tuple[Pause, PauseOut]], now: datetime
          ) -> tuple[list[InboxItem], bool]:
    """What waits for this person's organisation, most urgent first, each with its page; and
    whether that is all of it."""
    answer = alerts.for_caller(db, principal=principal)
    found = answer.alerts
    names = _titles(db, features, found, pause_rows)
    items = [InboxItem(
        kind=a.kind, url=LINKS[a.subject.type].format(a.subject.id),
        subject_type=a.subject.type, subject_id=a.subject.id,
        title=names.get((a.subject.type, a.subject.id), f"#{a.subject.id}"),
        due=a.due, overdue=a.kind == "acknowledgement_overdue"
        or (a.due is not None and a.due < now), data=a.data) for a in found]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    ordered = sorted(items, key=lambda i: (ORDER.get(i.kind, 9), i.due or far, i.subject_id))
    return ordered, answer.complete


def build(db: Session, principal: Principal, incident_types: dict[str, str],
          zone: str) -> Overview:
    """Everything the overview shows this person, now."""
    now = clock.now()
    pause_rows = visible_pauses(db, principal)
    sites, movements = notice_features(db, principal)
    by_kind = {"pause": pause_features(pause_rows), "site": sites, "movement": movements,
               "incident": incident_features(db, principal, incident_types)}
    counts = {
        "pause": (len(pause_rows), sum(1 for _, v in pause_rows if v.status == "active")),
        "site": (len(sites), 0),
        "movement": (len(movements),
                     sum(1 for f in movements if f["properties"].get("highlight"))),
        "incident": (len(by_kind["incident"]),
                     sum(1 for f in by_kind["incident"] if f["properties"].get("highlight"))),
    }
    features = {kind: {"type": "FeatureCollection", "features": items}
                for kind, items in by_kind.items()}
    items, complete = inbox(db, principal, by_kind, pause_rows, now)
    return Overview(features, counts, timeline(pause_rows, now, zone), items, complete)

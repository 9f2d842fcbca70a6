"""Pages of pauses: the list with its filters, a pause's page (map, window in every zone, versions,
consents, linked movements and incidents, history) and the difference between two versions.

Everything is read through the same service and view functions as the API, with the logged-in
person's principal, so a page shows exactly what the API would show them (another
organisation's draft is 404 here too). The forms live in `pauses_forms.py`, signing in
`pauses_sign.py`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.deps import SessionDep
from corridor.errors import InvalidInput, NotFound
from corridor.geo.metric import buffer_m
from corridor.groups.principal import Principal
from corridor.incidents import service as incidents
from corridor.incidents.models import Incident, IncidentLink
from corridor.notifications import service as notices
from corridor.pauses import lists, views
from corridor.pauses import service as pauses
from corridor.pauses.content import diff
from corridor.pauses.lifecycle import State
from corridor.pauses.models import Pause, PauseVersion
from corridor.pauses.schemas import PauseOut
from corridor.web import listing
from corridor.web.deps import WebUser
from corridor.web.render import gettext, render

router = APIRouter(include_in_schema=False)

STATUSES = ("draft", "proposed", "agreed", "active", "completed", "rejected", "lapsed",
            "cancelled", "suspended")
TIMES = ("current", "upcoming", "past")


def labels(request: Request) -> dict[str, dict[str, str]]:
    """What people read for the stored words: statuses, purposes, decisions, moves, times."""
    _ = gettext(request)
    return {
        "status": {"draft": _("Draft"), "proposed": _("Proposed"), "agreed": _("Agreed"),
                   "active": _("Active"), "completed": _("Completed"), "rejected": _("Rejected"),
                   "lapsed": _("Lapsed"), "cancelled": _("Cancelled"),
                   "suspended": _("Suspended")},
        "purpose": {"evacuation": _("Evacuation"), "aid_delivery": _("Aid delivery"),
                    "medical": _("Medical")},
        "decision": {"agree": _("Agreed"), "decline": _("Declined"),
                     "withdraw": _("Withdrew consent")},
        "move": {"create": _("created"), "propose": _("proposed"), "amend": _("amended"),
                 "consent": _("consented"), "agree": _("agreed by all"),
                 "decline": _("declined"), "withdraw": _("withdrew consent"),
                 "cancel": _("cancelled (consent withdrawn)"),
                 "suspend": _("suspended (consent withdrawn in the window)"),
                 "withdraw_after": _("consent withdrawn after the window"),
                 "lapse": _("lapsed (window began without every consent)")},
        "time": {"current": _("Current"), "upcoming": _("Upcoming"), "past": _("Past")},
        "field": {"title": _("Title"), "purposes": _("Purposes"), "window": _("Window"),
                  "window.start": _("Window start"), "window.end": _("Window end"),
                  "required_signatories": _("Required signatories"),
                  "destinations": _("Destinations"), "aid_may_enter": _("Aid may enter"),
                  "who_may_leave": _("Who may leave"), "vehicle_marking": _("Vehicle marking"),
                  "conditions": _("Conditions"), "area": _("Area"), "corridor": _("Corridor"),
                  "corridor.route": _("Corridor route"),
                  "corridor.waypoints": _("Corridor waypoints"),
                  "corridor.half_width_m": _("Corridor half-width (m)")},
    }


def _time_of(view: PauseOut, now: datetime) -> str:
    start = views.datetime_of(view.content["window"]["start"])
    end = views.datetime_of(view.content["window"]["end"])
    return "upcoming" if now < start else "past" if now >= end else "current"


@router.get("/pauses")
def pause_list(request: Request, login: WebUser, db: SessionDep,
               status: str = Query("", max_length=20), time: str = Query("", max_length=20),
               q: str = Query("", max_length=200), cursor: listing.Cursor = "") -> Response:
    principal, now = login.principal, clock.now()
    # Every filter, the text search included, runs in the database before the page is cut.
    filters = lists.Filters(status=status, time=time, text=q)
    with listing.cursor_read(request):
        page = lists.list_pauses(db, principal=principal, filters=filters, newest_first=True,
                                 limit=listing.PAGE_SIZE, cursor=cursor or None)
    rows = [{"view": view, "pause": pause, "when": _time_of(view, now)}
            for pause, view in zip(page.rows, views.pauses_out(db, page.rows, principal),
                                   strict=True)]
    may_propose = pauses.may_propose(principal)
    return render(request, "pauses/list.html", login=login, rows=rows, labels=labels(request),
                  statuses=STATUSES, times=TIMES, filters={"status": status, "time": time, "q": q},
                  may_propose=may_propose, pages=listing.links(request, page.next_cursor))


def geojson(pause: Pause, content: dict[str, Any], status: str) -> dict[str, Any]:
    """The pause's area, corridor route, and the corridor's metric buffer, as one collection."""
    features: list[dict[str, Any]] = []
    props = {"status": status, "title": content["title"]}
    if content["area"]:
        features.append({"type": "Feature", "geometry": content["area"],
                         "properties": {**props, "part": "area"}})
    corridor = content["corridor"]
    if corridor:
        route = shape(corridor["route"])
        buffer = buffer_m(route, corridor["half_width_m"])
        features.append({"type": "Feature", "geometry": buffer.__geo_interface__,
                         "properties": {**props, "part": "buffer", "dashed": True}})
        features.append({"type": "Feature", "geometry": corridor["route"],
                         "properties": {**props, "part": "route"}})
        for w in corridor["waypoints"]:
            features.append({"type": "Feature",
                             "geometry": {"type": "Point", "coordinates": [w["lon"], w["lat"]]},
                             "properties": {**props, "part": "waypoint", "title": w["name"]}})
    return {"type": "FeatureCollection", "features": features}


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no way to close it from a title)."""
    return (json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026"))


def _linked_incidents(db: Session, principal: Principal, pause: Pause) -> list[dict[str, Any]]:
    if not incidents.may_read(principal):
        return []
    rows = db.execute(select(Incident, IncidentLink).join(
        IncidentLink, IncidentLink.incident_id == Incident.id).where(
        Incident.group_id == principal.group.id, IncidentLink.kind == "possible_breach",
        IncidentLink.subject_id == pause.id).order_by(Incident.occurred_at)).all()
    return [{"incident": i, "link": k} for i, k in rows]


def _linked_movements(db: Session, principal: Principal, pause: Pause) -> list[Any]:
    if not notices.may_read(principal):
        return []
    return notices.list_movements(db, principal=principal, pause_id=pause.id).rows


def actions(principal: Principal, pause: Pause, view: PauseOut) -> dict[str, bool]:
    """Which buttons this person gets; the services check again when they are pressed."""
    own_party = principal.organisation.slug
    may_consent = (pauses.may_consent(principal, pause)
                   and own_party in view.content["required_signatories"])
    latest = [c for c in view.consents if not c.void and c.organisation == own_party]
    has_consent = bool(latest) and latest[-1].decision == "agree"
    stored = view.stored_state
    may_amend = (pauses.may_amend(principal, pause)
                 and stored in (State.DRAFT, State.PROPOSED))
    return {
        "sign": may_consent and stored == State.PROPOSED and not has_consent,
        "decline": may_consent and stored == State.PROPOSED and not has_consent,
        "withdraw": may_consent and has_consent and stored in (State.PROPOSED, State.AGREED,
                                                               State.SUSPENDED),
        "amend": may_amend,
        "propose": may_amend and stored == State.DRAFT
        and pause.organisation_id == principal.organisation.id,
    }


@router.get("/pauses/{pause_id:int}")
def pause_detail(request: Request, login: WebUser, db: SessionDep, pause_id: int) -> Response:
    principal = login.principal
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    view = views.pause_out(db, pause, principal)
    versions = views.versions(db, pause)
    return render(
        request, "pauses/detail.html", login=login, pause=pause, view=view, c=view.content,
        labels=labels(request), versions=versions,
        geojson=script_json(geojson(pause, view.content, view.status)),
        movements=_linked_movements(db, principal, pause),
        incidents=_linked_incidents(db, principal, pause),
        actions=actions(principal, pause, view), api=_api(principal, pause),
        datetime_of=views.datetime_of)


def _api(principal: Principal, pause: Pause) -> str:
    return f"/api/v1/groups/{principal.group.slug}/pauses/{pause.id}"


def _version(db: Session, pause: Pause, number: int) -> PauseVersion:
    version = db.get(PauseVersion, (pause.id, number))
    if version is None:
        raise NotFound(f"pause {pause.id} has no version {number}", field="version")
    return version


@router.get("/pauses/{pause_id:int}/diff")
def pause_diff(request: Request, login: WebUser, db: SessionDep, pause_id: int,
               from_: int = Query(1, alias="from"), to: int = Query(0)) -> Response:
    principal = login.principal
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    to = to or pause.current_version
    if from_ < 1 or to < 1:
        raise InvalidInput("versions are numbered from 1", field="from")
    a, b = _version(db, pause, from_), _version(db, pause, to)
    changes = diff(json.loads(a.content), json.loads(b.content))
    view = views.pause_out(db, pause, principal)
    return render(request, "pauses/diff.html", login=login, pause=pause, view=view,
                  a=a, b=b, changes=changes, labels=labels(request),
                  versions=views.versions(db, pause), show=_shown_value)


def _shown_value(value: Any) -> str:
    """A changed value as text people can compare (geometry summarised by its coordinates)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ", ".join(value)
        if all(isinstance(v, dict) and "name" in v for v in value):
            return " – ".join(str(v["name"]) for v in value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)

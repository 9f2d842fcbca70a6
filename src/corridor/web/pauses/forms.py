"""Forms to propose and amend a pause, the propose action, and two small JSON helpers of the form
(place-name suggestions, and the corridor's metric buffer for the live map preview).

Waypoints are one per line, so the form works without JavaScript: a place name (resolved with the
gazetteer), `lat, lon` (a point clicked on the map), or `Name @ lat, lon` (a named point, as an
amendment shows the current ones). The preview buffer comes from `geo.metric.buffer_m`, the same
function the pause page draws with, so what the proposer sees is what the group will see.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from shapely.geometry import LineString
from sqlalchemy import select
from starlette.datastructures import FormData

from corridor.config import Settings
from corridor.deps import SessionDep
from corridor.errors import Conflict, CorridorError, InvalidInput
from corridor.geo.metric import buffer_m
from corridor.groups.models import Organisation
from corridor.groups.principal import Principal
from corridor.pauses import service as pauses
from corridor.pauses import views
from corridor.pauses.models import Pause
from corridor.pauses.schemas import PauseContentIn
from corridor.places.service import default_gazetteer
from corridor.web.deps import CheckedForm, WebUser
from corridor.web.forms import dotted, field_for, validated
from corridor.web.pauses.pages import labels
from corridor.web.render import gettext, render

router = APIRouter(include_in_schema=False)

PURPOSES = ("evacuation", "aid_delivery", "medical")
_POINT = re.compile(r"^\s*(?:(?P<name>[^@]+?)\s*@\s*)?(?P<lat>-?\d+(?:\.\d+)?)\s*[,;\s]\s*"
                    r"(?P<lon>-?\d+(?:\.\d+)?)\s*$")
# Where each content field's error is shown in the form.
_FIELD = {"title": "title", "purposes": "purposes", "window.start": "start",
          "window.end": "end", "window.zone": "zone", "window": "start", "area": "area",
          "corridor": "waypoints", "required_signatories": "parties",
          "corridor.half_width_m": "half_width_km", "destinations": "destinations",
          "who_may_leave": "who_may_leave", "vehicle_marking": "vehicle_marking",
          "conditions": "conditions", "waypoints": "waypoints",
          "half_width_km": "half_width_km", "start": "start", "end": "end", "zone": "zone",
          "parties": "parties"}


def field_of(path: str | None) -> str:
    """The form field a content path belongs to (`corridor.waypoints.2` → `waypoints`)."""
    if path and (path.startswith("corridor.waypoints") or path == "corridor.route"):
        return "waypoints"
    return field_for(path, _FIELD)


def parse_waypoints(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Waypoints from the form's lines, and the lines the gazetteer does not know (with its
    suggestions), so every unknown name is reported at once."""
    points: list[dict[str, Any]] = []
    unknown: list[dict[str, Any]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        match = _POINT.match(line)
        if match:
            lat, lon = float(match["lat"]), float(match["lon"])
            points.append({"name": (match["name"] or f"{lat:.4f}, {lon:.4f}").strip(),
                           "lon": lon, "lat": lat})
            continue
        gazetteer = default_gazetteer()  # loaded on first use only (about 2 s)
        found = gazetteer.candidates(line)
        if found:
            points.append({"name": line, "lon": found[0].lon, "lat": found[0].lat})
        else:
            unknown.append({"name": line, "suggestions": gazetteer.suggestions(line)})
    return points, unknown


def _parties(db: SessionDep, principal: Principal) -> list[Organisation]:
    return list(db.scalars(select(Organisation).where(
        Organisation.group_id == principal.group.id, Organisation.kind == "party")
        .order_by(Organisation.name)))


def _zones(principal: Principal, parties: list[Organisation]) -> list[str]:
    return sorted({"UTC", principal.group.timezone, principal.organisation.timezone,
                   principal.person.timezone or principal.organisation.timezone,
                   *(p.timezone for p in parties)})


def values_of(content: dict[str, Any], zone: str) -> dict[str, Any]:
    """The form's values for a stored version (an amendment starts from the current one)."""
    start = views.datetime_of(content["window"]["start"])
    end = views.datetime_of(content["window"]["end"])
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    corridor = content["corridor"] or {}
    return {
        "title": content["title"], "purposes": content["purposes"],
        "start": start.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "end": end.astimezone(tz).strftime("%Y-%m-%dT%H:%M"), "zone": zone,
        "waypoints": "\n".join(f"{w['name']} @ {w['lat']}, {w['lon']}"
                               for w in corridor.get("waypoints", [])),
        "half_width_km": f"{corridor.get('half_width_m', 3000) / 1000:g}",
        "area": json.dumps(content["area"]) if content["area"] else "",
        "parties": content["required_signatories"],
        "destinations": "; ".join(content["destinations"]),
        "who_may_leave": content["who_may_leave"], "vehicle_marking": content["vehicle_marking"],
        "aid_may_enter": content["aid_may_enter"], "conditions": content["conditions"],
    }


def _form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["purposes"] = [v for v in form.getlist("purposes") if isinstance(v, str)]
    values["parties"] = [v for v in form.getlist("parties") if isinstance(v, str)]
    values["aid_may_enter"] = form.get("aid_may_enter") == "on"
    return values


def _local_time(text: str | None) -> str | None:
    """A datetime-local input (`2026-05-01T06:00`, no seconds) as the RFC 3339 local time the
    schema reads; anything else is passed on for the schema to refuse."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return text


def content_of(request: Request, values: dict[str, Any]) -> PauseContentIn:
    """The content of the form, or InvalidInput on the first wrong field (in the reader's
    language for what the form itself checks)."""
    _ = gettext(request)
    points, unknown = parse_waypoints(values.get("waypoints", ""))
    if unknown:
        detail = "; ".join(
            _("no place called “%(name)s” is known") % {"name": u["name"]}
            + (" — " + _("did you mean %(names)s?") % {"names": ", ".join(u["suggestions"])}
               if u["suggestions"] else "") for u in unknown)
        raise InvalidInput(detail, field="waypoints", extra={"unknown": unknown})
    area = None
    if values.get("area", "").strip():
        try:
            area = json.loads(values["area"])
        except ValueError as exc:
            raise InvalidInput(_("The area is not valid GeoJSON."), field="area") from exc
    try:
        half_width_m = round(float(values.get("half_width_km") or "0") * 1000)
    except ValueError as exc:
        raise InvalidInput(_("Give the half-width as a number of kilometres, e.g. 2.5."),
                           field="half_width_km") from exc
    corridor = ({"waypoints": points, "half_width_m": half_width_m} if points else None)
    raw: dict[str, Any] = {
        "title": values.get("title", ""), "purposes": values.get("purposes", []),
        "window": {"start": _local_time(values.get("start")),
                   "end": _local_time(values.get("end")),
                   "zone": values.get("zone") or None},
        "area": area, "corridor": corridor,
        "required_signatories": values.get("parties", []),
        "destinations": [d.strip() for d in values.get("destinations", "").split(";")
                         if d.strip()],
        "aid_may_enter": values.get("aid_may_enter", False),
        "who_may_leave": values.get("who_may_leave", ""),
        "vehicle_marking": values.get("vehicle_marking", ""),
        "conditions": values.get("conditions", ""),
    }
    return validated(PauseContentIn, raw)


def _lead(request: Request, field: str) -> str:
    """A translated lead for an error in a field; the server's own words follow it."""
    _ = gettext(request)
    leads: dict[str, str] = {
        "title": _("Give a title of 3 to 200 characters."),
        "purposes": _("Choose at least one purpose."),
        "start": _("Check the start of the window."),
        "end": _("Check the end of the window."),
        "zone": _("Choose a time zone."),
        "waypoints": _("Check the waypoints."),
        "half_width_km": _("Check the half-width (0.05 to 50 km)."),
        "parties": _("Choose the parties whose consent makes the pause binding."),
        "area": _("Check the area."),
    }
    return leads.get(field, str(_("This was not accepted.")))


def form_page(request: Request, login: Any, db: SessionDep, *, pause: Pause | None,
              values: dict[str, Any], errors: dict[str, str] | None = None,
              status: int = 200) -> Response:
    principal = login.principal
    parties = _parties(db, principal)
    return render(request, "pauses/form.html", status=status, login=login, pause=pause,
                  values=values, errors=errors or {}, parties=parties, labels=labels(request),
                  purposes=PURPOSES, zones=_zones(principal, parties),
                  base_version=pause.current_version if pause else None)


def _refused(request: Request, login: Any, db: SessionDep, pause: Pause | None,
             values: dict[str, Any], exc: CorridorError) -> Response:
    db.rollback()
    field = field_of(exc.field)
    if field == "form" and dotted(exc.field) == "area":
        field = "waypoints"
    message = exc.detail if field == "waypoints" and "unknown" in exc.extra else (
        f"{_lead(request, field)} {exc.detail}")
    return form_page(request, login, db, pause=pause, values=values,
                     errors={field: message}, status=409 if isinstance(exc, Conflict) else 422)


@router.get("/pauses/new")
def new_form(request: Request, login: WebUser, db: SessionDep) -> Response:
    principal = login.principal
    pauses.check_propose(principal)
    values = {"zone": login.viewer.timezone, "half_width_km": "3", "purposes": ["evacuation"],
              "who_may_leave": "all civilians",
              "parties": [p.slug for p in _parties(db, principal)]}
    return form_page(request, login, db, pause=None, values=values)


@router.post("/pauses/new")
def create(request: Request, login: WebUser, db: SessionDep, form: CheckedForm) -> Response:
    values = _form_values(form)
    settings: Settings = request.app.state.settings
    try:
        content = content_of(request, values)
        pause = pauses.create(db, principal=login.principal, content=content,
                              propose=values.get("action") != "draft",
                              max_vertices=settings.max_vertices)
    except CorridorError as exc:
        return _refused(request, login, db, None, values, exc)
    return RedirectResponse(f"/pauses/{pause.id}", status_code=303)


@router.get("/pauses/{pause_id:int}/amend")
def amend_form(request: Request, login: WebUser, db: SessionDep, pause_id: int) -> Response:
    principal = login.principal
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    pauses.check_amend(principal, pause)
    content = json.loads(pauses.current_version(db, pause).content)
    return form_page(request, login, db, pause=pause,
                     values=values_of(content, login.viewer.timezone))


@router.post("/pauses/{pause_id:int}/amend")
def amend(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
          pause_id: int) -> Response:
    principal = login.principal
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    values = _form_values(form)
    settings: Settings = request.app.state.settings
    try:
        base = int(values.get("base_version") or 0)
        content = content_of(request, values)
        pauses.amend(db, principal=principal, pause=pause, content=content, base_version=base,
                     max_vertices=settings.max_vertices)
    except ValueError:
        return _refused(request, login, db, pause, values,
                        InvalidInput("base_version is not a number", field="base_version"))
    except CorridorError as exc:
        return _refused(request, login, db, pause, values, exc)
    return RedirectResponse(f"/pauses/{pause_id}", status_code=303)


@router.post("/pauses/{pause_id:int}/propose")
def propose(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
            pause_id: int) -> Response:
    pause = pauses.get(db, principal=login.principal, pause_id=pause_id)
    pauses.propose(db, principal=login.principal, pause=pause)  # errors become an error page
    return RedirectResponse(f"/pauses/{pause_id}", status_code=303)


@router.get("/pauses/places.json")
def places(login: WebUser, q: str = Query("", max_length=120)) -> Response:
    """Place names for the waypoint field's suggestions."""
    gazetteer = default_gazetteer()
    text = q.strip()
    if len(text) < 2:
        return JSONResponse([])
    exact = [p.name for p in gazetteer.candidates(text)[:3]]
    names = list(dict.fromkeys(exact + [s.split(" (")[0] for s in gazetteer.suggestions(text)]))
    return JSONResponse(names[:8])


@router.get("/pauses/preview.geojson")
def preview(login: WebUser, waypoints: str = Query("", max_length=20_000),
            half_width_km: float = Query(3.0, gt=0, le=50)) -> Response:
    """The waypoints, route and metric buffer the form's content would store."""
    points, unknown = parse_waypoints(waypoints)
    features: list[dict[str, Any]] = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
         "properties": {"title": p["name"], "part": "waypoint"}} for p in points]
    if len({(p["lon"], p["lat"]) for p in points}) >= 2:
        route = LineString([(p["lon"], p["lat"]) for p in points])
        features.insert(0, {"type": "Feature", "geometry": route.__geo_interface__,
                            "properties": {"part": "route"}})
        features.insert(0, {"type": "Feature",
                            "geometry": buffer_m(route, half_width_km * 1000).__geo_interface__,
                            "properties": {"part": "buffer", "dashed": True}})
    return JSONResponse({"type": "FeatureCollection", "features": features, "unknown": unknown},
                        media_type="application/geo+json")

"""The form to notify a movement: route as place names or coordinates (one per line, or clicked on
the map), departure and arrival with their zone, vehicles, staff, passengers or cargo, the pause
relied on, and the emergency flag.

The route is checked line by line first, so every place name the gazetteer does not know is
reported at once with its suggestions. A route of place names only is sent as `via` (so the
stored notice keeps the names, as the API does); a route with any coordinates is sent as a GeoJSON
line through the resolved points. Then ONE service call, `notify_movement`, as the API makes it:
on any refusal nothing is saved and the form comes back with the error next to its field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from corridor import clock
from corridor.config import Settings
from corridor.deps import SessionDep
from corridor.errors import CorridorError, InvalidInput
from corridor.groups.models import Organisation
from corridor.groups.principal import Principal
from corridor.notifications import service as notifications
from corridor.notifications.schemas import MovementIn
from corridor.pauses import views as pause_views
from corridor.pauses import visible
from corridor.pauses.lifecycle import State
from corridor.pauses.models import Pause
from corridor.problems import status_of
from corridor.web.deps import CheckedForm, WebUser
from corridor.web.forms import field_for, validated
from corridor.web.pauses.forms import parse_waypoints
from corridor.web.render import gettext, render

router = APIRouter(include_in_schema=False)

# Errors the form itself found are already in the reader's language: no lead before them.
OWN: dict[str, Any] = {"own": True}
# Where each error of the content is shown in the form.
_FIELD = {"route": "route", "via": "route", "departure": "departure", "arrival": "arrival",
          "vehicles.count": "vehicles_count", "vehicles.type": "vehicles_type",
          "vehicles.marking": "vehicles_marking", "vehicles": "vehicles_type",
          "staff": "staff", "passengers": "passengers", "cargo": "cargo", "pause": "pause",
          "emergency": "emergency"}


def field_of(path: str | None) -> str:
    """The form field of a content path (`via.2` → `route`, `vehicles.count` → its input)."""
    return field_for(path, _FIELD)


def pause_choices(db: Session, principal: Principal) -> list[dict[str, Any]]:
    """Pauses a movement may rely on: visible, not drafts, window not yet over."""
    now = clock.now()
    ids = select(Pause.id).where(visible.rule(principal.actor),
                                 Pause.state != State.DRAFT.value, Pause.window_end > now)
    found = sorted(pause_views.current(db, ids).values(),
                   key=lambda row: (row[0].window_start, row[0].id))
    return [{"id": pause.id, "title": content["title"], "state": pause.state,
             "start": pause.window_start, "end": pause.window_end} for pause, content in found]


def zones_of(db: Session, principal: Principal) -> list[str]:
    parties = db.scalars(select(Organisation.timezone).where(
        Organisation.group_id == principal.group.id))
    return sorted({"UTC", principal.group.timezone, principal.organisation.timezone,
                   principal.person.timezone or principal.organisation.timezone, *parties})


def _lead(request: Request, field: str, detail: str) -> str:
    """A translated lead per field; the server's own words follow it."""
    _ = gettext(request)
    if field == "route" and "crosses itself" in detail:
        return str(_("The route crosses itself; draw it so that it does not."))
    leads: dict[str, str] = {
        "route": _("Check the route: at least two different points, in order."),
        "departure": _("Check the departure time."),
        "arrival": _("Check the arrival: it must come after the departure."),
        "zone": _("Choose a time zone."),
        "vehicles_count": _("Give the number of vehicles (1 to 1000)."),
        "vehicles_type": _("Say what kind of vehicles."),
        "vehicles_marking": _("Check the marking."),
        "staff": _("Give the number of staff (0 or more)."),
        "passengers": _("Give the number of passengers (0 or more)."),
        "cargo": _("Check the cargo summary."),
        "pause": _("Choose a pause from the list, or none."),
    }
    return leads.get(field) or str(_("This was not accepted."))


def _when(request: Request, values: dict[str, Any], name: str) -> str:
    _ = gettext(request)
    raw = values.get(name, "").strip()
    try:
        zone = ZoneInfo(values.get("zone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(_("Choose a time zone."), field="zone", extra=OWN) from exc
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=zone).isoformat()
    except ValueError as exc:
        raise InvalidInput(_("Give a date and time, e.g. 2026-05-01 06:00."),
                           field=name, extra=OWN) from exc


def _number(request: Request, values: dict[str, Any], name: str, default: int) -> int:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(gettext(request)("Give a whole number."), field=name,
                           extra=OWN) from exc


def body_of(request: Request, values: dict[str, Any]) -> MovementIn:
    """The notice of the form, or InvalidInput on the first wrong field."""
    _ = gettext(request)
    points, unknown = parse_waypoints(values.get("route", ""))
    if unknown:
        detail = "; ".join(
            _("no place called “%(name)s” is known") % {"name": u["name"]}
            + (" — " + _("did you mean %(names)s?") % {"names": ", ".join(u["suggestions"])}
               if u["suggestions"] else "") for u in unknown)
        raise InvalidInput(detail, field="route", extra={**OWN, "unknown": unknown})
    names = [line.strip() for line in values.get("route", "").splitlines() if line.strip()]
    only_names = len(names) == len(points) and all(
        not any(ch.isdigit() for ch in n) for n in names)
    raw: dict[str, Any] = {
        "departure": _when(request, values, "departure"),
        "arrival": _when(request, values, "arrival"),
        "vehicles": {"count": _number(request, values, "vehicles_count", 1),
                     "type": values.get("vehicles_type", ""),
                     "marking": values.get("vehicles_marking", "")},
        "staff": _number(request, values, "staff", 0),
        "passengers": _number(request, values, "passengers", 0),
        "cargo": values.get("cargo", ""),
        "pause": _number(request, values, "pause", 0) or None,
        "emergency": values.get("emergency") == "on",
    }
    if len(points) < 2:
        raise InvalidInput(_("A route needs at least two points."), field="route", extra=OWN)
    if only_names:
        raw["via"] = names
    else:
        raw["route"] = {"type": "LineString",
                        "coordinates": [[p["lon"], p["lat"]] for p in points]}
    return validated(MovementIn, raw)


def form_page(request: Request, login: Any, db: Session, *, values: dict[str, Any],
              errors: dict[str, str] | None = None, status: int = 200) -> Response:
    principal = login.principal
    return render(request, "notices/movement_form.html", status=status, login=login,
                  values=values, errors=errors or {}, pauses=pause_choices(db, principal),
                  zones=zones_of(db, principal), lead_hours=principal.group.lead_time_hours,
                  emergency_hours=principal.group.emergency_lead_time_hours)


def _may_notify(principal: Principal) -> None:
    notifications.check_notify(principal)


@router.get("/movements/new")
def new_movement(request: Request, login: WebUser, db: SessionDep) -> Response:
    _may_notify(login.principal)
    values = {"zone": login.viewer.timezone, "vehicles_count": "1", "staff": "0",
              "passengers": "0"}
    return form_page(request, login, db, values=values)


def form_values(form: FormData) -> dict[str, Any]:
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


@router.post("/movements/new")
def notify_movement(request: Request, login: WebUser, db: SessionDep,
                    form: CheckedForm) -> Response:
    values = form_values(form)
    settings: Settings = request.app.state.settings
    try:
        body = body_of(request, values)
        movement = notifications.notify_movement(db, principal=login.principal, body=body,
                                                 max_vertices=settings.max_vertices)
    except CorridorError as exc:
        db.rollback()
        field = field_of(exc.field)
        message = exc.detail if exc.extra.get("own") else (
            f"{_lead(request, field, exc.detail)} {exc.detail}")
        return form_page(request, login, db, values=values, errors={field: message},
                         status=status_of(exc))
    return RedirectResponse(f"/movements/{movement.id}", status_code=303)

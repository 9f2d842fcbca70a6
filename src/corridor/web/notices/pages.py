"""Pages of movements: the list (with its map), a movement's page (acknowledgements, the
Acknowledge button, and the deconfliction check drawn on the map) and the acknowledging action.

Everything is read through the notification service and views with the logged-in person's
principal, exactly as `notifications/api.py` does, so another humanitarian organisation's
movement is 404 here too. The check comes from `deconfliction.service.run`, the function
behind `GET /api/v1/groups/{g}/movements/{id}/check`. Sites are in `notices_sites.py`, the
forms in `notices_forms.py`, the check's map data in `notices_check.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from corridor.deconfliction import service as deconflict
from corridor.deconfliction.check import DEFAULT_INCIDENT_HOURS, DEFAULT_RADIUS_M
from corridor.deps import SessionDep
from corridor.errors import CorridorError
from corridor.notifications import geojson, views
from corridor.notifications import service as notifications
from corridor.notifications.models import Movement
from corridor.notifications.schemas import MovementOut
from corridor.places.service import default_gazetteer
from corridor.problems import status_of
from corridor.web import listing
from corridor.web.deps import CheckedForm, WebUser
from corridor.web.notices import check as notices_check
from corridor.web.notices import forms as notices_forms
from corridor.web.notices import sites as notices_sites
from corridor.web.notices.common import ack_refused, labels, may_acknowledge, may_notify
from corridor.web.pauses.pages import script_json
from corridor.web.render import gettext, render

router = APIRouter(include_in_schema=False)
# The forms and the site pages are this part's too; pages.mount includes this router only.
router.include_router(notices_forms.router)
router.include_router(notices_sites.router)


def place_near(lon: float, lat: float) -> str:
    """The name of the nearest known town, for a route given as bare coordinates."""
    found = default_gazetteer().near(lon, lat, k=1, min_population=5000)
    return found[0].name if found else f"{lat:.3f}, {lon:.3f}"


def ends_of(view: MovementOut) -> tuple[str, str]:
    """Where a movement starts and ends, in names people know."""
    if view.waypoints:
        return str(view.waypoints[0]["name"]), str(view.waypoints[-1]["name"])
    coords = view.route["coordinates"]
    return place_near(*coords[0]), place_near(*coords[-1])


def late_by(view: MovementOut) -> timedelta | None:
    return None if view.late_by_minutes is None else timedelta(minutes=view.late_by_minutes)


def _row(view: MovementOut) -> dict[str, Any]:
    start, end = ends_of(view)
    return {"view": view, "from": start, "to": end, "late_by": late_by(view)}


def _list_map(request: Request, views_: list[MovementOut]) -> str:
    data = geojson.movements(views_)
    for feature, row in zip(data["features"], views_, strict=True):
        feature["properties"].update(
            title=gettext(request)("Movement %(id)s") % {"id": row.id}, url=f"/movements/{row.id}",
            status="under_way" if row.phase == "under_way" else "movement",
            highlight=row.phase == "under_way")
    return script_json(data)


@router.get("/movements")
def movement_list(request: Request, login: WebUser, db: SessionDep,
                  cursor: listing.Cursor = "") -> Response:
    principal = login.principal
    with listing.cursor_read(request):
        page = notifications.list_movements(db, principal=principal, limit=listing.PAGE_SIZE,
                                            cursor=cursor or None)
    rows = views.movements_out(db, page.rows, principal)
    return render(request, "notices/movements.html", login=login,
                  rows=[_row(v) for v in rows], labels=labels(request),
                  may_notify=may_notify(principal), geojson=_list_map(request, rows),
                  pages=listing.links(request, page.next_cursor))


def detail_page(request: Request, login: Any, db: Session, movement: Movement, *,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    principal = login.principal
    view = views.movement_out(db, movement, principal)
    result = deconflict.run(db, principal=principal, movement=movement,
                            radius_m=DEFAULT_RADIUS_M, incident_hours=DEFAULT_INCIDENT_HOURS)
    shown = notices_check.map_data(request, db, principal, movement, view, result)
    pause_title = notices_check.pause_title(db, principal, movement.pause_id)
    return render(request, "notices/movement.html", status=status, login=login,
                  movement=movement, view=view, row=_row(view), result=result,
                  labels=labels(request), errors=errors or {},
                  may_ack=may_acknowledge(principal, movement, view.acknowledgements),
                  geojson=script_json(shown), pause_title=pause_title,
                  radius_km=DEFAULT_RADIUS_M / 1000, incident_hours=DEFAULT_INCIDENT_HOURS,
                  timedelta=timedelta, when=datetime.fromisoformat,
                  api=f"/api/v1/groups/{principal.group.slug}/movements/{movement.id}")


@router.get("/movements/{movement_id:int}")
def movement_detail(request: Request, login: WebUser, db: SessionDep,
                    movement_id: int) -> Response:
    movement = notifications.get_movement(db, principal=login.principal,
                                          movement_id=movement_id)
    return detail_page(request, login, db, movement)


@router.post("/movements/{movement_id:int}/acknowledge")
def acknowledge_movement(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
                         movement_id: int) -> Response:
    principal = login.principal
    movement = notifications.get_movement(db, principal=principal, movement_id=movement_id)
    try:
        notifications.acknowledge(db, principal=principal, subject=movement, party=None)
    except CorridorError as exc:
        db.rollback()
        return detail_page(request, login, db, movement, errors=ack_refused(request, exc),
                           status=status_of(exc))
    return RedirectResponse(f"/movements/{movement_id}", status_code=303)

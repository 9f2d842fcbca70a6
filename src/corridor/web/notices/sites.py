"""Pages of sites: the list with its map, the form to notify one (click the map, type latitude and
longitude, or name a place from the gazetteer), a site's page with each party's receipt, the
Acknowledge button for a party, and the re-confirm button for the notifying organisation.

Reads and writes go through the notification service with the logged-in principal, as
`notifications/api.py` does: the same policy, the same single service call per action.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from corridor.deps import SessionDep
from corridor.errors import CorridorError, Forbidden, InvalidInput
from corridor.notifications import geojson, views
from corridor.notifications import service as notifications
from corridor.notifications.models import SITE_TYPES, Site
from corridor.notifications.schemas import SiteIn
from corridor.places.service import default_gazetteer
from corridor.problems import status_of
from corridor.web import listing
from corridor.web.deps import CheckedForm, WebUser
from corridor.web.forms import dotted, validated
from corridor.web.notices.common import ack_refused, labels, may_acknowledge, may_notify
from corridor.web.notices.forms import OWN, form_values
from corridor.web.pauses.pages import script_json
from corridor.web.render import gettext, render

router = APIRouter(include_in_schema=False)


def _map(request: Request, rows: list[Any]) -> str:
    data = geojson.sites(rows)
    for feature, row in zip(data["features"], rows, strict=True):
        feature["properties"].update(title=row.name, url=f"/sites/{row.id}", status="site")
    return script_json(data)


@router.get("/sites")
def site_list(request: Request, login: WebUser, db: SessionDep,
              cursor: listing.Cursor = "") -> Response:
    principal = login.principal
    with listing.cursor_read(request):
        page = notifications.list_sites(db, principal=principal, limit=listing.PAGE_SIZE,
                                        cursor=cursor or None)
    rows = views.sites_out(db, page.rows, principal)
    return render(request, "notices/sites.html", login=login, rows=rows, labels=labels(request),
                  may_notify=may_notify(principal), geojson=_map(request, rows),
                  pages=listing.links(request, page.next_cursor))


def detail_page(request: Request, login: Any, db: Session, site: Site, *,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    principal = login.principal
    view = views.site_out(db, site, principal)
    may_confirm = notifications.may_change(principal, site)
    return render(request, "notices/site.html", status=status, login=login, view=view,
                  labels=labels(request), errors=errors or {}, may_confirm=may_confirm,
                  may_ack=may_acknowledge(principal, site, view.acknowledgements),
                  geojson=_map(request, [view]))


@router.get("/sites/{site_id:int}")
def site_detail(request: Request, login: WebUser, db: SessionDep, site_id: int) -> Response:
    site = notifications.get_site(db, principal=login.principal, site_id=site_id)
    return detail_page(request, login, db, site)


@router.post("/sites/{site_id:int}/acknowledge")
def acknowledge_site(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
                     site_id: int) -> Response:
    principal = login.principal
    site = notifications.get_site(db, principal=principal, site_id=site_id)
    try:
        notifications.acknowledge(db, principal=principal, subject=site, party=None)
    except CorridorError as exc:
        db.rollback()
        return detail_page(request, login, db, site, errors=ack_refused(request, exc),
                           status=status_of(exc))
    return RedirectResponse(f"/sites/{site_id}", status_code=303)


@router.post("/sites/{site_id:int}/confirm")
def confirm_site(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
                 site_id: int) -> Response:
    principal = login.principal
    site = notifications.get_site(db, principal=principal, site_id=site_id)
    notifications.confirm_site(db, principal=principal, site=site)  # refusals: an error page
    return RedirectResponse(f"/sites/{site_id}", status_code=303)


def _coordinate(request: Request, values: dict[str, Any], name: str) -> float | None:
    raw = values.get(name, "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError as exc:
        raise InvalidInput(gettext(request)("Give a number in decimal degrees, e.g. 47.84."),
                           field=name, extra=OWN) from exc


def _whole(text: str) -> int | str:
    """A whole number typed in the form; anything else is left for the schema to refuse (it
    takes numbers only as numbers)."""
    try:
        return int(text)
    except ValueError:
        return text


def body_of(request: Request, values: dict[str, Any]) -> SiteIn:
    """The site of the form; the point from lat/lon, else from the place name."""
    _ = gettext(request)
    lat, lon = _coordinate(request, values, "lat"), _coordinate(request, values, "lon")
    name = values.get("place", "").strip()
    if (lat is None or lon is None) and name:
        found = default_gazetteer().candidates(name)
        if not found:
            hints = default_gazetteer().suggestions(name)
            detail = _("no place called “%(name)s” is known") % {"name": name} + (
                " — " + _("did you mean %(names)s?") % {"names": ", ".join(hints)}
                if hints else "")
            raise InvalidInput(detail, field="place", extra={**OWN, "suggestions": hints})
        lat, lon = found[0].lat, found[0].lon
    if lat is None or lon is None:
        raise InvalidInput(_("Click the map, give latitude and longitude, or a place name."),
                           field="lat" if lat is None else "lon", extra=OWN)
    people = values.get("people_present", "").strip()
    raw = {"name": values.get("name", ""), "type": values.get("type", ""), "lat": lat,
           "lon": lon, "people_present": _whole(people) if people else None}
    return validated(SiteIn, raw)


def _lead(request: Request, field: str) -> str:
    _ = gettext(request)
    leads: dict[str, str] = {
            "name": _("Give the site a name."), "type": _("Choose the type of site."),
            "lat": _("Check the latitude (-90 to 90)."),
            "lon": _("Check the longitude (-180 to 180)."),
            "people_present": _("Give the number of people as a whole number (0 or more)."),
            }
    return leads.get(field) or str(_("This was not accepted."))


def form_page(request: Request, login: Any, *, values: dict[str, Any],
              errors: dict[str, str] | None = None, status: int = 200) -> Response:
    return render(request, "notices/site_form.html", status=status, login=login,
                  values=values, errors=errors or {}, labels=labels(request), types=SITE_TYPES)


@router.get("/sites/new")
def new_site(request: Request, login: WebUser) -> Response:
    if not may_notify(login.principal):
        raise Forbidden("your organisation or role may not notify sites")
    return form_page(request, login, values={"type": "hospital"})


@router.post("/sites/new")
def notify_site(request: Request, login: WebUser, db: SessionDep, form: CheckedForm) -> Response:
    values = form_values(form)
    try:
        body = body_of(request, values)
        site = notifications.notify_site(db, principal=login.principal, body=body)
    except CorridorError as exc:
        db.rollback()
        field = dotted(exc.field) if dotted(exc.field) in ("name", "type", "lat", "lon", "place",
                                           "people_present") else "form"
        message = exc.detail if exc.extra.get("own") else (
            f"{_lead(request, field)} {exc.detail}")
        return form_page(request, login, values=values, errors={field: message},
                         status=status_of(exc))
    return RedirectResponse(f"/sites/{site.id}", status_code=303)

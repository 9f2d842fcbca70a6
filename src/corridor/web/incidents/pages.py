"""Pages of incidents: the list, the report form (click the map or type coordinates; evidence
files posted with the report), each report's page with its links, evidence and follow-up thread,
and the answer and close forms. Reads and writes go through the incidents package's service and
views with the logged-in person's principal, as its API does.

The report form calls `service.report_with_evidence`, which checks every file before writing and
commits the report and its evidence together: a refused file leaves no report behind."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from corridor.config import Settings
from corridor.deps import SessionDep, SettingsDep
from corridor.errors import CorridorError
from corridor.groups.logins import WebLogin
from corridor.incidents import schemas, views
from corridor.incidents import service as incidents
from corridor.web import listing
from corridor.web.deps import CheckedForm, WebUser
from corridor.web.forms import dotted
from corridor.web.incidents import view as iv
from corridor.web.incidents.limits import megabytes
from corridor.web.refusals import form_status
from corridor.web.render import gettext, language_of, render

router = APIRouter(include_in_schema=False)


def _may_report(login: WebLogin) -> bool:
    p = login.principal
    return incidents.may_report(p)


def _max_bytes(settings: Settings) -> int:
    """The largest evidence file (the body limit of the evidence forms is this and a little
    more, see `corridor.limits`)."""
    return settings.max_evidence_bytes


@router.get("/incidents")
def incidents_list(request: Request, login: WebUser, db: SessionDep,
                   cursor: listing.Cursor = "") -> Response:
    principal = login.principal
    with listing.cursor_read(request):
        page = incidents.list_all(db, principal=principal, limit=listing.PAGE_SIZE,
                                  cursor=cursor or None)
    found = views.incidents_out(db, page.rows, principal)
    return render(request, "incidents/list.html", login=login, incidents=found,
                  labels=iv.labels(gettext(request)), link_url=iv.link_url,
                  may_report=_may_report(login), pages=listing.links(request, page.next_cursor))


def _form_page(request: Request, login: WebLogin, db: SessionDep, max_bytes: int, *,
               status: int = 200,
               errors: dict[str, str] | None = None,
               values: dict[str, Any] | None = None) -> Response:
    zone = login.viewer.timezone
    return render(request, "incidents/new.html", login=login, status=status,
                  errors=errors or {}, values=values or {"zone": zone, "uncertainty_m": "0"},
                  labels=iv.labels(gettext(request)), zones=iv.zones(db, login.principal, zone),
                  pauses_geojson=iv.pause_features(db, login.principal),
                  ages=iv.AGES, hurt=iv.HURT, max_bytes=max_bytes,
                  max_size=megabytes(max_bytes, language_of(request, login)))


@router.get("/incidents/new")
def incident_form(request: Request, login: WebUser, db: SessionDep,
                  settings: SettingsDep) -> Response:
    return _form_page(request, login, db, _max_bytes(settings))


def _errors_of(exc: Exception, _: iv.Gettext) -> dict[str, str]:
    errors: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for problem in exc.errors():
            field = iv.field_of(".".join(str(p) for p in problem["loc"]))
            errors.setdefault(field, f"{iv.lead(field, _)} {problem['msg']}")
    elif isinstance(exc, CorridorError):
        field = iv.field_of(dotted(exc.field))
        errors[field] = f"{iv.lead(field, _)} {exc.detail}"
    return errors


@router.post("/incidents")
def incident_submit(request: Request, login: WebUser, db: SessionDep, settings: SettingsDep,
                    form: CheckedForm) -> Response:
    """A report and its evidence, saved together or not at all."""
    _ = gettext(request)
    body, errors, sent = iv.parse(form, _)
    status = 422
    if not errors:
        try:
            parsed = schemas.IncidentIn.model_validate(body)
            incident = incidents.report_with_evidence(
                db, principal=login.principal, body=parsed, files_sent=sent,
                data_dir=settings.data_dir,
                max_bytes=_max_bytes(settings))
            return RedirectResponse(f"/incidents/{incident.id}?reported=1", status_code=303)
        except (ValidationError, CorridorError) as exc:
            status = form_status(exc)
            db.rollback()
            errors = _errors_of(exc, _)
    if sent and "evidence" not in errors:
        errors["evidence"] = _("Nothing was saved, so choose the file again.")
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return _form_page(request, login, db, _max_bytes(settings), status=status, errors=errors,
                      values=values)


def _detail(request: Request, login: WebLogin, db: SessionDep, incident_id: int, *,
            status: int = 200, errors: dict[str, str] | None = None,
            values: dict[str, str] | None = None, notice: str | None = None) -> Response:
    principal = login.principal
    max_bytes = _max_bytes(request.app.state.settings)
    row = incidents.get(db, principal=principal, incident_id=incident_id)
    item = views.incident_out(db, row, principal)
    org = principal.organisation
    followup = item.followup
    may_answer = (followup is not None and org.slug in followup.parties
                  and incidents.may_answer(principal))
    may_close = (followup is not None and followup.status == "open"
                 and incidents.may_close(principal))
    may_add = row.organisation_id == org.id and _may_report(login)
    return render(request, "incidents/detail.html", login=login, status=status, item=item,
                  labels=iv.labels(gettext(request)), link_url=iv.link_url,
                  may_answer=may_answer, may_close=may_close, may_add=may_add,
                  errors=errors or {}, values=values or {}, notice=notice,
                  pauses_geojson=iv.pause_features(db, principal), max_bytes=max_bytes,
                  max_size=megabytes(max_bytes, language_of(request, login)))


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, login: WebUser, db: SessionDep, incident_id: int,
                  reported: int = 0, answered: int = 0, closed: int = 0,
                  added: int = 0) -> Response:
    _ = gettext(request)
    notice = (_("Report saved.") if reported else _("Answer recorded.") if answered
              else _("Follow-up closed.") if closed else _("Evidence added.") if added else None)
    return _detail(request, login, db, incident_id, notice=notice)


def _refused(request: Request, login: WebLogin, db: SessionDep, incident_id: int,
             exc: Exception, values: dict[str, str]) -> Response:
    status = form_status(exc)
    db.rollback()
    return _detail(request, login, db, incident_id, status=status,
                   errors=_errors_of(exc, gettext(request)), values=values)


@router.post("/incidents/{incident_id}/answers")
def answer_submit(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
                  incident_id: int) -> Response:
    text = str(form.get("text") or "").strip()
    try:
        body = schemas.AnswerIn.model_validate({"text": text})
        row = incidents.get(db, principal=login.principal, incident_id=incident_id)
        incidents.answer(db, principal=login.principal, incident=row, text=body.text)
    except (ValidationError, CorridorError) as exc:
        return _refused(request, login, db, incident_id, exc, {"text": text})
    return RedirectResponse(f"/incidents/{incident_id}?answered=1#thread", status_code=303)


@router.post("/incidents/{incident_id}/close")
def close_submit(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
                 incident_id: int) -> Response:
    reason = str(form.get("reason") or "").strip()
    try:
        body = schemas.CloseIn.model_validate({"reason": reason})
        row = incidents.get(db, principal=login.principal, incident_id=incident_id)
        incidents.close(db, principal=login.principal, incident=row, reason=body.reason)
    except (ValidationError, CorridorError) as exc:
        return _refused(request, login, db, incident_id, exc, {"reason": reason})
    return RedirectResponse(f"/incidents/{incident_id}?closed=1#thread", status_code=303)


@router.post("/incidents/{incident_id}/evidence")
def evidence_submit(request: Request, login: WebUser, db: SessionDep, settings: SettingsDep,
                    form: CheckedForm, incident_id: int) -> Response:
    """One more file for the reporting organisation's own report."""
    sent = iv.files_of(form)
    try:
        row = incidents.get(db, principal=login.principal, incident_id=incident_id)
        data, media_type = sent[0] if sent else (b"", None)
        incidents.add_evidence(db, principal=login.principal, incident=row, data=data,
                               media_type=media_type, data_dir=settings.data_dir,
                               max_bytes=_max_bytes(settings))
    except CorridorError as exc:
        return _refused(request, login, db, incident_id, exc, {})
    return RedirectResponse(f"/incidents/{incident_id}?added=1#evidence", status_code=303)

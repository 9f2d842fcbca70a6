"""Pages of operations: the list, each operation's board (unaccounted people first, counts that
disagree side by side, every vehicle stage by stage, the cargo manifest), and the phone forms that
record counts and departures. Reads and writes go through the operations package's service and
views, with the logged-in person's principal, exactly as its API does."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from corridor import paging
from corridor.deps import SessionDep
from corridor.errors import CorridorError
from corridor.groups.logins import WebLogin
from corridor.operations import participants, schemas, views
from corridor.operations import service as operations
from corridor.operations import visible as visible_operations
from corridor.operations.models import Operation
from corridor.operations.people import CATEGORIES
from corridor.web import listing
from corridor.web.deps import CheckedForm, WebUser
from corridor.web.forms import dotted
from corridor.web.operations import board
from corridor.web.refusals import form_status
from corridor.web.render import error_page, gettext, render

router = APIRouter(include_in_schema=False)


def not_a_recorder(request: Request) -> Response:
    """403 for someone who is neither of the lead nor of a participant."""
    _ = gettext(request)
    return error_page(request, 403, _("Not permitted"), _(
        "Counts, departures and cargo are recorded by the lead organisation and the "
        "participants that the lead or the convener added."))


@router.get("/operations")
def operations_list(request: Request, login: WebUser, db: SessionDep,
                    cursor: listing.Cursor = "") -> Response:
    principal = login.principal
    # Newest first (the API lists oldest first); the visible query carries the read policy.
    with listing.cursor_read(request):
        page = paging.fetch(db, visible_operations.operations(principal.actor),
                            order_by=[Operation.id.desc()], limit=listing.PAGE_SIZE,
                            cursor=cursor or None)
    found = views.operations_out(db, page.rows, principal)
    # Alerts are worked out from each operation's counts, not stored, so the database cannot
    # sort by them: they come first within a page (the overview's inbox gathers them all).
    found.sort(key=lambda o: (not o.alert, -o.id))
    return render(request, "operations/list.html", login=login, operations=found,
                  labels=board.labels(gettext(request)),
                  may_create=operations.may_create(principal),
                  pages=listing.links(request, page.next_cursor))


def _context(request: Request, login: WebLogin, db: SessionDep,
             operation_id: int) -> dict[str, Any]:
    principal = login.principal
    row = operations.get(db, principal=principal, operation_id=operation_id)
    op = views.operation_out(db, row, principal)
    rec = views.reconciliation_out(db, row) if op.kind == "evacuation" else None
    cargo = views.manifest_out(db, row) if op.kind == "aid_delivery" else None
    may_record = participants.may_record(db, principal, row)
    return {"op": op, "rec": rec, "cargo": cargo, "labels": board.labels(gettext(request)),
            "vehicles": board.vehicles(rec, op.stages) if rec else [],
            "may_count": may_record and op.kind == "evacuation",
            "may_cargo": may_record and op.kind == "aid_delivery",
            "participants": views.participants_out(db, row),
            "may_manage": participants.may_manage(principal, row),
            "candidates": participants.candidates(db, row),
            "categories": CATEGORIES, "figures": board.FIGURES,
            "stage_kind": {s.id: s.kind for s in op.stages}}


def board_page(request: Request, login: WebLogin, db: SessionDep, operation_id: int, *,
               status: int = 200, recorded: int | None = None, changed: str | None = None,
               participant_error: str | None = None) -> Response:
    """The board; `changed` names a participant change just made, `participant_error` why one
    was refused."""
    context = _context(request, login, db, operation_id)
    return render(request, "operations/board.html", login=login, status=status,
                  recorded=recorded, changed=changed, participant_error=participant_error,
                  claims_table=board.claims_table, **context)


@router.get("/operations/{operation_id}")
def operation_board(request: Request, login: WebUser, db: SessionDep, operation_id: int,
                    recorded: int | None = None, changed: str | None = None) -> Response:
    return board_page(request, login, db, operation_id, recorded=recorded,
                      changed=changed if changed in ("added", "removed") else None)


def _record_page(request: Request, login: WebLogin, db: SessionDep, operation_id: int, *,
                 vehicle: str, stage: int | None, status: int = 200,
                 errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                 failed: str | None = None) -> Response:
    context = _context(request, login, db, operation_id)
    if context["op"].kind != "evacuation":
        return RedirectResponse(f"/operations/{operation_id}", status_code=303)
    if not context["may_count"]:
        return not_a_recorder(request)
    rec, vehicle = context["rec"], vehicle.strip()
    prefill = {s.id: board.expected(rec, vehicle, s) for s in context["op"].stages}
    return render(request, "operations/record.html", login=login, status=status,
                  vehicle=vehicle, open_stage=stage, prefill=prefill, errors=errors or {},
                  values=values or {}, failed=failed,
                  zeros=dict.fromkeys(CATEGORIES, 0), **context)


@router.get("/operations/{operation_id}/record")
def record_form(request: Request, login: WebUser, db: SessionDep, operation_id: int,
                vehicle: str = "", stage: int | None = None) -> Response:
    return _record_page(request, login, db, operation_id, vehicle=vehicle[:60], stage=stage)


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else (0 if text == "" else None)


def _parse(form: FormData, zone: str, _: board.Gettext) -> tuple[dict[str, Any],
                                                                   dict[str, str]]:
    """The API body the form stands for, and what in it could not be read (by field)."""
    value = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    errors: dict[str, str] = {}
    people: dict[str, int] = {}
    for category in CATEGORIES:
        number = _whole(value.get(category, ""))
        if number is None:
            errors[category] = _("Enter a whole number, 0 or more.")
        else:
            people[category] = number
    body: dict[str, Any] = {"type": value.get("type", "count"), "vehicle": value.get(
        "vehicle", "").strip(), "people": people, "free_text": value.get("free_text", "")}
    stage = _whole(value.get("stage", ""))
    body["stage"] = stage or 0
    if value.get("at", "").strip():
        try:
            local = datetime.fromisoformat(value["at"].strip())
            body["at"] = (local if local.tzinfo else local.replace(tzinfo=ZoneInfo(zone)))
        except ValueError:
            errors["at"] = _("Give a date and time like 2022-05-01 14:30.")
    if body["type"] == "departure":
        body["reason"] = value.get("reason", "")
        body["place"] = value.get("place", "").strip()
    else:
        body["last_stop"] = value.get("last_stop") == "on"
    return body, errors


def _lead(field: str, _: board.Gettext) -> str:
    leads = {
        "vehicle": _("Name the vehicle or convoy the same way at every stage (letters, digits, "
                     "spaces and . , # / ( ) + -)."),
        "at": _("Give when it was counted; it cannot be in the future."),
        "reason": _("Choose why they left."),
        "place": _("The place name is too long."),
        "free_text": _("The note is too long (at most 500 characters)."),
    }
    return leads.get(field, _("This number was not accepted.") if field in CATEGORIES
                     else _("Nothing was recorded."))


def _field_of(loc: str) -> str:
    name = loc.split(".")[-1] if loc.startswith("people.") else loc.split(".")[0]
    return name if name in (*CATEGORIES, "vehicle", "at", "reason", "place", "free_text") \
        else "form"


@router.post("/operations/{operation_id}/counts")
def record_submit(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
                  operation_id: int) -> Response:
    """One count or departure: checked, recorded with its log entry, or refused whole."""
    _ = gettext(request)
    principal = login.principal
    if not participants.may_record(db, principal, operations.get(
            db, principal=principal, operation_id=operation_id)):
        return not_a_recorder(request)
    body, errors = _parse(form, login.viewer.timezone, _)
    failed = "departure" if body["type"] == "departure" else f"count-{body['stage']}"
    status = 422
    if not errors:
        try:
            parsed: schemas.CountIn | schemas.DepartureIn = (
                schemas.DepartureIn.model_validate(body) if body["type"] == "departure"
                else schemas.CountIn.model_validate(body))
            row = operations.get(db, principal=principal, operation_id=operation_id)
            report = operations.record_people(db, principal=principal, operation=row,
                                              body=parsed)
            return RedirectResponse(f"/operations/{operation_id}?recorded={report.id}",
                                    status_code=303)
        except ValidationError as exc:
            for problem in exc.errors():
                field = _field_of(".".join(str(p) for p in problem["loc"]))
                errors.setdefault(field, f"{_lead(field, _)} {problem['msg']}")
        except CorridorError as exc:
            status = form_status(exc)
            db.rollback()
            field = _field_of(dotted(exc.field))
            errors[field] = f"{_lead(field, _)} {exc.detail}"
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return _record_page(request, login, db, operation_id, vehicle=values.get("vehicle", ""),
                        stage=body["stage"] or None, status=status, errors=errors,
                        values=values, failed=failed)

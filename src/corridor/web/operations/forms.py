"""Forms that start an operation and record cargo on an aid delivery's manifest. They call the
same service functions as the operations API (`operations.create`, `operations.record_cargo`),
so the policy is the API's: only people the API lets record (operators of the lead and of the
participants it or the convener added) see the forms; anyone else gets 403 and nothing is written.

Stages are rows of kind + place name; a name that is one of the chosen pause's waypoints takes
that waypoint's coordinates (so the stages sit on the agreed corridor without typing numbers).
Cargo lines are rows too, prefilled with the items already on the manifest so that a delivery
is recorded by typing quantities only; empty rows are ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import joinedload
from starlette.datastructures import FormData

from corridor.deps import SessionDep
from corridor.errors import CorridorError
from corridor.groups.logins import WebLogin
from corridor.groups.principal import Principal
from corridor.notifications import service as notices
from corridor.operations import participants, schemas, views
from corridor.operations import service as operations
from corridor.operations.models import Operation
from corridor.pauses import views as pause_views
from corridor.pauses import visible
from corridor.pauses.models import Pause
from corridor.web.deps import CheckedForm, WebUser
from corridor.web.forms import dotted
from corridor.web.operations import board
from corridor.web.operations.pages import not_a_recorder
from corridor.web.refusals import form_status
from corridor.web.render import error_page, gettext, render

router = APIRouter(include_in_schema=False)

STAGE_ROWS = 6
BLANK_LINES = 3
STAGE_KINDS = ("pickup", "checkpoint", "destination")
CARGO_STAGES = ("dispatched", "delivered", "lost_or_damaged")
LINE_FIELDS = ("category", "item", "unit", "quantity")


def may_create(principal: Principal) -> bool:
    """The API's rule for starting an operation led by one's own organisation."""
    return operations.may_create(principal)


def _refused(request: Request) -> Response:
    _ = gettext(request)
    return error_page(request, 403, _("Not permitted"), _(
        "Intermediaries and humanitarian organisations record operations, from the operator "
        "role up."))


def _pauses(db: SessionDep, principal: Principal) -> list[dict[str, Any]]:
    """The pauses an operation may rely on: those the person may read, newest window first."""
    rows = list(db.scalars(visible.pauses(principal.actor).options(joinedload(Pause.author))
                           .order_by(Pause.window_start.desc(), Pause.id.desc())))
    out = []
    for pause, view in zip(rows, pause_views.pauses_out(db, rows, principal), strict=True):
        corridor = view.content.get("corridor") or {}
        out.append({"id": pause.id, "title": view.content["title"], "status": view.status,
                    "waypoints": corridor.get("waypoints", [])})
    return out


def _movements(db: SessionDep, principal: Principal) -> list[dict[str, Any]]:
    if not notices.may_read(principal):
        return []
    return [{"id": m.id, "organisation": m.organisation.slug, "departure": m.departure,
             "pause": m.pause_id} for m in notices.list_movements(db, principal=principal).rows]


def _form_values(form: FormData) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _new_page(request: Request, login: WebLogin, db: SessionDep, *, status: int = 200,
              errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
              chosen: list[str] | None = None) -> Response:
    principal = login.principal
    return render(request, "operations/new.html", login=login, status=status,
                  pauses=_pauses(db, principal), movements=_movements(db, principal),
                  labels=board.labels(gettext(request)), errors=errors or {},
                  values=values or {"kind": "evacuation"}, chosen=chosen or [],
                  rows=range(STAGE_ROWS), stage_kinds=STAGE_KINDS)


@router.get("/operations/new")
def new_form(request: Request, login: WebUser, db: SessionDep, pause: int | None = None
             ) -> Response:
    if not may_create(login.principal):
        return _refused(request)
    values = {"kind": "evacuation", "pause": str(pause) if pause else ""}
    return _new_page(request, login, db, values=values)


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def _operation_body(db: SessionDep, principal: Principal, value: dict[str, str],
                    movements: list[str], _: board.Gettext
                    ) -> tuple[dict[str, Any], dict[str, str], list[int]]:
    """The API body the form stands for, what could not be read, and each stage's row."""
    errors: dict[str, str] = {}
    pause = _whole(value.get("pause", ""))
    if pause is None:
        errors["pause"] = _("Choose the pause the operation relies on.")
    places: dict[str, dict[str, Any]] = {}
    for p in _pauses(db, principal):
        if p["id"] == pause:
            places = {w["name"].casefold(): w for w in p["waypoints"]}
    stages, rows = [], []
    for i in range(STAGE_ROWS):
        name = value.get(f"stage-{i}-name", "").strip()
        if not name:
            continue
        stage: dict[str, Any] = {"kind": value.get(f"stage-{i}-kind", ""), "name": name}
        known = places.get(name.casefold())
        if known:
            stage.update(lon=known["lon"], lat=known["lat"])
        stages.append(stage)
        rows.append(i)
    body = {"kind": value.get("kind", ""), "title": value.get("title", "").strip(),
            "pause": pause or 0, "movements": [int(m) for m in movements if m.isdigit()],
            "stages": stages, "free_text": value.get("free_text", "")}
    return body, errors, rows


def _operation_field(loc: list[str], rows: list[int]) -> str:
    """The form field a service or schema error names (`stages.1.name` → `stage-<row>-name`)."""
    if loc and loc[0] == "stages" and len(loc) >= 3 and loc[1].isdigit():
        row = rows[int(loc[1])] if int(loc[1]) < len(rows) else 0
        return f"stage-{row}-{'kind' if loc[2] == 'kind' else 'name'}"
    name = loc[0] if loc else "form"
    return name if name in ("kind", "title", "pause", "movements", "stages", "free_text") \
        else "form"


def _operation_lead(field: str, _: board.Gettext) -> str:
    leads = {
        "kind": _("Choose an evacuation or an aid delivery."),
        "title": _("Give the operation a title of 3 to 200 characters."),
        "pause": _("Choose a pause you may see in this group."),
        "movements": _("Choose only movements you may see, each once."),
        "stages": _("An evacuation needs at least one pickup point and one destination."),
        "free_text": _("The note is too long (at most 500 characters)."),
    }
    if field.startswith("stage-"):
        return _("Check this stage: each place once, with its kind.")
    return leads.get(field, _("Nothing was saved."))


@router.post("/operations")
def create_submit(request: Request, login: WebUser, db: SessionDep,
                  form: CheckedForm) -> Response:
    """Start an operation led by the person's organisation, or refuse it whole."""
    if not may_create(login.principal):
        return _refused(request)
    _ = gettext(request)
    principal = login.principal
    value, chosen = _form_values(form), [str(m) for m in form.getlist("movements")]
    body, errors, rows = _operation_body(db, principal, value, chosen, _)
    status = 422
    if not errors:
        try:
            created = operations.create(db, principal=principal,
                                        body=schemas.OperationIn.model_validate(body))
            return RedirectResponse(f"/operations/{created.id}", status_code=303)
        except ValidationError as exc:
            for problem in exc.errors():
                field = _operation_field([str(p) for p in problem["loc"]], rows)
                errors.setdefault(field, f"{_operation_lead(field, _)} {problem['msg']}")
        except CorridorError as exc:
            status = form_status(exc)
            db.rollback()
            field = _operation_field(dotted(exc.field).split("."), rows)
            errors[field] = f"{_operation_lead(field, _)} {exc.detail}"
    return _new_page(request, login, db, status=status, errors=errors, values=value,
                     chosen=chosen)


# --- cargo --------------------------------------------------------------------------------


def _aid_delivery(db: SessionDep, principal: Principal, operation_id: int) -> Operation:
    return operations.get(db, principal=principal, operation_id=operation_id)


def _cargo_page(request: Request, login: WebLogin, db: SessionDep, row: Operation, *,
                status: int = 200, errors: dict[str, str] | None = None,
                values: dict[str, str] | None = None) -> Response:
    principal = login.principal
    op = views.operation_out(db, row, principal)
    manifest = views.manifest_out(db, row)
    known = [{"category": i.category, "item": i.item, "unit": i.unit, "quantity": ""}
             for i in manifest.items]
    count = int((values or {}).get("lines", 0) or 0) or len(known) + BLANK_LINES
    if values is None:
        values = {"stage": "delivered" if known else "dispatched"}
        for n, line in enumerate(known):
            values.update({f"line-{n}-{k}": str(v) for k, v in line.items()})
            values[f"line-{n}-known"] = "1"
    return render(request, "operations/cargo.html", login=login, status=status, op=op,
                  cargo=manifest, labels=board.labels(gettext(request)), errors=errors or {},
                  values=values, lines=range(min(count, 200)), cargo_stages=CARGO_STAGES)


@router.get("/operations/{operation_id}/cargo")
def cargo_form(request: Request, login: WebUser, db: SessionDep, operation_id: int) -> Response:
    row = _aid_delivery(db, login.principal, operation_id)
    if row.kind != "aid_delivery":
        return RedirectResponse(f"/operations/{operation_id}", status_code=303)
    if not participants.may_record(db, login.principal, row):
        return not_a_recorder(request)
    return _cargo_page(request, login, db, row)


def _cargo_body(value: dict[str, str], zone: str, _: board.Gettext
                ) -> tuple[dict[str, Any], dict[str, str], list[int]]:
    errors: dict[str, str] = {}
    lines, rows = [], []
    for n in range(min(int(value.get("lines", "0") or 0) if value.get("lines", "").isdigit()
                       else 0, 200)):
        line = {k: value.get(f"line-{n}-{k}", "").strip() for k in LINE_FIELDS}
        if not line["quantity"]:
            if value.get(f"line-{n}-known") or not (line["item"] or line["unit"]):
                continue  # an untouched row, or an item on the manifest not in this report
            errors[f"line-{n}-quantity"] = _("Give the quantity, or clear the row.")
            continue
        quantity = _whole(line["quantity"])
        if quantity is None:
            errors[f"line-{n}-quantity"] = _("Enter a whole number, 0 or more.")
            continue
        lines.append({**line, "quantity": quantity})
        rows.append(n)
    body: dict[str, Any] = {"stage": value.get("stage", ""), "lines": lines,
                            "place": value.get("place", "").strip(),
                            "free_text": value.get("free_text", ""),
                            "complete": value.get("complete") == "on"}
    if value.get("reason"):
        body["reason"] = value["reason"]
    if value.get("at", "").strip():
        try:
            local = datetime.fromisoformat(value["at"].strip())
            body["at"] = local if local.tzinfo else local.replace(tzinfo=ZoneInfo(zone))
        except ValueError:
            errors["at"] = _("Give a date and time like 2022-05-01 14:30.")
    if not lines and not errors:
        errors["lines"] = _("Give the quantity of at least one item.")
    return body, errors, rows


def _cargo_field(loc: list[str], rows: list[int]) -> str:
    if loc and loc[0] == "lines" and len(loc) >= 3 and loc[1].isdigit():
        row = rows[int(loc[1])] if int(loc[1]) < len(rows) else 0
        name = loc[2] if loc[2] in LINE_FIELDS else "quantity"
        return f"line-{row}-{name}"
    name = loc[0] if loc else "form"
    return name if name in ("stage", "lines", "reason", "complete", "place", "at",
                            "free_text") else "form"


def _cargo_lead(field: str, _: board.Gettext) -> str:
    leads = {
        "stage": _("Choose what happened to the cargo."),
        "reason": _("Give a reason when cargo is lost or damaged, and only then."),
        "complete": _("Only a delivery can complete the manifest."),
        "at": _("Give when it happened; it cannot be in the future."),
        "place": _("The place name is too long."),
        "free_text": _("The note is too long (at most 500 characters)."),
        "lines": _("Give the quantity of at least one item."),
    }
    if field.endswith("-quantity"):
        return _("This quantity was not accepted.")
    if field.endswith("-category"):
        return _("Choose a category.")
    if field.startswith("line-"):
        return _("Name the item and its unit (for example kg, litres, kits).")
    return leads.get(field, _("Nothing was saved."))


@router.post("/operations/{operation_id}/cargo")
def cargo_submit(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
                 operation_id: int) -> Response:
    """One dispatch, delivery or loss on the manifest: recorded whole, or refused whole."""
    _ = gettext(request)
    principal = login.principal
    row = _aid_delivery(db, principal, operation_id)
    if not participants.may_record(db, principal, row):
        return not_a_recorder(request)
    value = _form_values(form)
    body, errors, rows = _cargo_body(value, login.viewer.timezone, _)
    status = 422
    if not errors:
        try:
            operations.record_cargo(db, principal=principal, operation=row,
                                    body=schemas.CargoIn.model_validate(body))
            return RedirectResponse(f"/operations/{operation_id}?recorded=1", status_code=303)
        except ValidationError as exc:
            for problem in exc.errors():
                field = _cargo_field([str(p) for p in problem["loc"]], rows)
                errors.setdefault(field, f"{_cargo_lead(field, _)} {problem['msg']}")
        except CorridorError as exc:
            status = form_status(exc)
            db.rollback()
            field = _cargo_field(dotted(exc.field).split("."), rows)
            errors[field] = f"{_cargo_lead(field, _)} {exc.detail}"
    row = _aid_delivery(db, principal, operation_id)
    return _cargo_page(request, login, db, row, status=status, errors=errors, values=value)

"""Forms on an operation's board that add and remove participants: the organisations that record
counts, departures and cargo next to the lead. They call the same service functions as the API
(`participants.add`, `participants.remove`), so only the lead's operators and the convener see
them; anyone else gets 403 and nothing is written."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from corridor.deps import SessionDep
from corridor.errors import CorridorError
from corridor.operations import participants, schemas
from corridor.operations import service as operations
from corridor.web.deps import CheckedForm, WebUser
from corridor.web.operations.pages import board_page
from corridor.web.refusals import form_status
from corridor.web.render import error_page, gettext

router = APIRouter(include_in_schema=False)


def _refused(request: Request) -> Response:
    _ = gettext(request)
    return error_page(request, 403, _("Not permitted"), _(
        "Participants are added and removed by the lead organisation and the convener."))


@router.post("/operations/{operation_id}/participants")
def add_submit(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
               operation_id: int) -> Response:
    """Add one participant, or show the board again with why it was not added."""
    _ = gettext(request)
    principal = login.principal
    row = operations.get(db, principal=principal, operation_id=operation_id)
    if not participants.may_manage(principal, row):
        return _refused(request)
    chosen = form.get("organisation")
    try:
        body = schemas.ParticipantIn.model_validate(
            {"organisation": chosen.strip() if isinstance(chosen, str) else ""})
        participants.add(db, principal=principal, operation=row,
                         organisation=body.organisation)
    except ValidationError:
        return board_page(request, login, db, operation_id, status=422,
                          participant_error=_("Choose a member organisation to add."))
    except CorridorError as exc:
        status = form_status(exc)
        db.rollback()
        return board_page(request, login, db, operation_id, status=status,
                          participant_error=exc.detail)
    return RedirectResponse(f"/operations/{operation_id}?changed=added#participants",
                            status_code=303)


@router.post("/operations/{operation_id}/participants/{organisation}/remove")
def remove_submit(request: Request, login: WebUser, db: SessionDep, form: CheckedForm,
                  operation_id: int, organisation: str) -> Response:
    """Remove one participant; its reports so far stay on the board."""
    principal = login.principal
    row = operations.get(db, principal=principal, operation_id=operation_id)
    if not participants.may_manage(principal, row):
        return _refused(request)
    participants.remove(db, principal=principal, operation=row,
                        organisation=organisation)
    return RedirectResponse(f"/operations/{operation_id}?changed=removed#participants",
                            status_code=303)

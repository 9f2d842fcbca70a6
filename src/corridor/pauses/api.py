"""HTTP routes of pauses: explicit action endpoints for every change of state."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from corridor import paging
from corridor.deps import SessionDep, SettingsDep
from corridor.errors import NotFound
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.inputs import MAX_ID, PathId, QueryInstant, StrictRoute, parse_bbox, under
from corridor.pauses import lists, schemas, views
from corridor.pauses import service as pauses
from corridor.pauses.agreement import render
from corridor.pauses.content import diff
from corridor.pauses.ical import to_ical
from corridor.pauses.models import Pause, PauseVersion
from corridor.uow import recorded

router = APIRouter(prefix="/groups/{group}/pauses", tags=["pauses"], route_class=StrictRoute)


@router.post("", response_model=schemas.PauseOut, status_code=201)
def create_pause(body: schemas.PauseCreate, group: CurrentGroup, principal: CurrentPrincipal,
                 db: SessionDep, settings: SettingsDep) -> schemas.PauseOut:
    """Propose a pause (or keep it as a private draft with `propose: false`)."""
    with under("/content", schemas.PauseContentIn):
        pause = pauses.create(db, principal=principal, content=body.content,
                              propose=body.propose, max_vertices=settings.max_vertices)
    return recorded(db, views.pause_out(db, pause, principal))


@router.get("", response_model=list[schemas.PauseOut], responses=paging.PAGED_RESPONSES,
            description="Pauses of the group visible to you, by window start, filtered by "
            f"shown status, purpose, time and bbox in the database. {paging.PAGING_DOC}")
def list_pauses(
    request: Request,
    response: Response,
    group: CurrentGroup,
    principal: CurrentPrincipal,
    db: SessionDep,
    status: Annotated[str | None, Query(max_length=20, description=(
        "Shown status (active, completed…) or stored state"))] = None,
    purpose: Annotated[str | None, Query(max_length=20)] = None,
    start_after: QueryInstant = None,
    end_before: QueryInstant = None,
    bbox: Annotated[str | None, Query(max_length=200,
                                      description="min_lon,min_lat,max_lon,max_lat")] = None,
    limit: paging.Limit = paging.DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
) -> list[schemas.PauseOut]:
    filters = lists.Filters(status=status or "", purpose=purpose or "",
                            start_after=start_after, end_before=end_before,
                            bbox=None if bbox is None else parse_bbox(bbox))
    page = lists.list_pauses(db, principal=principal, filters=filters, newest_first=False,
                             limit=limit, cursor=cursor)
    paging.announce(request, response, page.next_cursor)
    return views.pauses_out(db, page.rows, principal)


@router.get("/calendar.ics")
def group_calendar(group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep) -> Response:
    """Every agreed pause window of the group you may see, as iCalendar (RFC 5545)."""
    shown = lists.for_calendar(db, principal=principal)
    return Response(to_ical(views.pauses_out(db, shown, principal)),
                    media_type="text/calendar; charset=utf-8")


@router.get("/{pause_id}", response_model=schemas.PauseOut)
def get_pause(pause_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
              db: SessionDep) -> schemas.PauseOut:
    return views.pause_out(db, pauses.get(db, principal=principal, pause_id=pause_id), principal)


@router.post("/{pause_id}/propose", response_model=schemas.PauseOut)
def propose_pause(pause_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
                  db: SessionDep) -> schemas.PauseOut:
    """Put your organisation's draft before the group."""
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    pause = pauses.propose(db, principal=principal, pause=pause)
    return recorded(db, views.pause_out(db, pause, principal))


@router.get("/{pause_id}/versions", response_model=list[schemas.VersionOut])
def list_versions(pause_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
                  db: SessionDep) -> list[schemas.VersionOut]:
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    return [_version_out(v) for v in views.versions(db, pause)]


@router.post("/{pause_id}/versions", response_model=schemas.PauseOut, status_code=201)
def amend_pause(pause_id: PathId, body: schemas.AmendIn, group: CurrentGroup,
                principal: CurrentPrincipal, db: SessionDep,
                settings: SettingsDep) -> schemas.PauseOut:
    """Amend: a new version that voids every consent given so far."""
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    with under("/content", schemas.PauseContentIn):
        pause = pauses.amend(db, principal=principal, pause=pause, content=body.content,
                             base_version=body.base_version, max_vertices=settings.max_vertices)
    return recorded(db, views.pause_out(db, pause, principal))


def _version(db: SessionDep, pause: Pause, number: int, field: str) -> PauseVersion:
    version = db.get(PauseVersion, (pause.id, number))
    if version is None:
        raise NotFound(f"pause {pause.id} has no version {number}", field=field)
    return version


def _version_out(v: PauseVersion) -> schemas.VersionOut:
    return schemas.VersionOut(number=v.number, version_hash=v.version_hash,
                              content=json.loads(v.content), created_at=v.created_at,
                              created_by=v.created_by.username)


@router.get("/{pause_id}/versions/{number}", response_model=schemas.VersionOut)
def get_version(pause_id: PathId, number: Annotated[int, Path(ge=1, le=MAX_ID)],
                group: CurrentGroup, principal: CurrentPrincipal,
                db: SessionDep) -> schemas.VersionOut:
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    return _version_out(_version(db, pause, number, "number"))


@router.get("/{pause_id}/diff")
def diff_versions(pause_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
                  db: SessionDep,
                  from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
                  to_version: Annotated[int, Query(alias="to", ge=1, le=MAX_ID)],
                  ) -> dict[str, Any]:
    """What changed between two versions, field by field."""
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    a, b = _version(db, pause, from_version, "from"), _version(db, pause, to_version, "to")
    return {"from": from_version, "to": to_version,
            "changes": diff(json.loads(a.content), json.loads(b.content))}


def _decide(decision: str) -> Any:
    def route(pause_id: PathId, body: schemas.SignedStatementIn, group: CurrentGroup,
              principal: CurrentPrincipal, db: SessionDep) -> schemas.PauseOut:
        pause = pauses.get(db, principal=principal, pause_id=pause_id)
        pause = pauses.decide(db, principal=principal, pause=pause, body=body, decision=decision)
        return recorded(db, views.pause_out(db, pause, principal))

    route.__doc__ = f"Post a party's signed '{decision}' statement for the current version."
    return route


router.post("/{pause_id}/consents", response_model=schemas.PauseOut, status_code=201,
            name="consent")(_decide("agree"))
router.post("/{pause_id}/declines", response_model=schemas.PauseOut, status_code=201,
            name="decline")(_decide("decline"))
router.post("/{pause_id}/withdrawals", response_model=schemas.PauseOut, status_code=201,
            name="withdraw")(_decide("withdraw"))


@router.get("/{pause_id}/agreement", response_class=HTMLResponse)
def agreement(pause_id: PathId, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep,
              version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> HTMLResponse:
    """The printable agreement of a version, with its signatures and their log proofs."""
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    return HTMLResponse(render(db, pause, principal, version or pause.current_version))


@router.get("/{pause_id}/calendar.ics")
def calendar(pause_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
             db: SessionDep) -> Response:
    """The pause's window as iCalendar (RFC 5545), if agreed."""
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    return Response(to_ical([views.pause_out(db, pause, principal)]),
                    media_type="text/calendar; charset=utf-8")

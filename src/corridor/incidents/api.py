"""HTTP routes of incidents (thin: parse, call one service function, return a schema)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from corridor import paging
from corridor.deps import SessionDep, SettingsDep
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.incidents import evidence as files
from corridor.incidents import export, schemas, views, visible
from corridor.incidents import service as incidents
from corridor.inputs import MaybeInstant, PathId, StrictRoute
from corridor.uow import recorded

router = APIRouter(prefix="/groups/{group}/incidents", tags=["incidents"], route_class=StrictRoute)


async def raw_body(request: Request) -> bytes:
    """The request body as sent (the server's body limit has already been applied)."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]
# Set on each evidence download; the application's own headers do not replace them.
INERT = {"X-Content-Type-Options": "nosniff",
         "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'"}


@router.post("", response_model=schemas.IncidentOut, status_code=201)
def report_incident(body: schemas.IncidentIn, group: CurrentGroup, principal: CurrentPrincipal,
                    db: SessionDep) -> schemas.IncidentOut:
    """Report an incident as your organisation's claim; it is linked to what it touches."""
    incident = incidents.report(db, principal=principal, body=body)
    return recorded(db, views.incident_out(db, incident, principal))


def filters(
    type: Annotated[schemas.IncidentType | None, Query(description="Only of this type")] = None,
    status: Annotated[Literal["open", "answered", "closed", "not_linked"] | None, Query(
        description="Only those whose follow-up is in this state, or not_linked")] = None,
    occurred_after: Annotated[MaybeInstant, Query(
        description="Only those that occurred at or after this time")] = None,
    occurred_before: Annotated[MaybeInstant, Query(
        description="Only those that occurred at or before this time")] = None,
    reported_by: Annotated[str | None, Query(
        max_length=64, description="Only those reported by this organisation (slug)")] = None,
) -> visible.Filters:
    """The list's filters, applied in the database."""
    return visible.Filters(type=type, status=status, occurred_after=occurred_after,
                           occurred_before=occurred_before, organisation=reported_by)


FiltersDep = Annotated[visible.Filters, Depends(filters)]


@router.get("", response_model=list[schemas.IncidentOut], responses=paging.PAGED_RESPONSES,
            description="Reports of the group, most recent occurrence first, with the links "
            f"you may see, filtered in the database. {paging.PAGING_DOC}")
def list_incidents(request: Request, response: Response, group: CurrentGroup,
                   principal: CurrentPrincipal, db: SessionDep, narrowed: FiltersDep,
                   limit: paging.Limit = paging.DEFAULT_LIMIT,
                   cursor: paging.Cursor = None) -> list[schemas.IncidentOut]:
    page = incidents.list_all(db, principal=principal, filters=narrowed, limit=limit,
                              cursor=cursor)
    paging.announce(request, response, page.next_cursor)
    return views.incidents_out(db, page.rows, principal)


@router.get(".geojson", response_class=JSONResponse, responses=paging.PAGED_RESPONSES,
            description=f"The same list as an RFC 7946 FeatureCollection. {paging.PAGING_DOC}")
def incidents_geojson(request: Request, group: CurrentGroup, principal: CurrentPrincipal,
                      db: SessionDep, narrowed: FiltersDep,
                      limit: paging.Limit = paging.DEFAULT_LIMIT,
                      cursor: paging.Cursor = None) -> JSONResponse:
    page = incidents.list_all(db, principal=principal, filters=narrowed, limit=limit,
                              cursor=cursor)
    return JSONResponse(export.geojson(views.incidents_out(db, page.rows, principal)),
                        media_type=export.GEOJSON_MEDIA_TYPE,
                        headers=paging.headers(request, page.next_cursor))


@router.get(".csv", responses=paging.PAGED_RESPONSES,
            description=f"The same list as CSV with HXL hashtags. {paging.PAGING_DOC}")
def incidents_hxl(request: Request, group: CurrentGroup, principal: CurrentPrincipal,
                  db: SessionDep, narrowed: FiltersDep,
                  limit: paging.Limit = paging.DEFAULT_LIMIT,
                  cursor: paging.Cursor = None) -> Response:
    page = incidents.list_all(db, principal=principal, filters=narrowed, limit=limit,
                              cursor=cursor)
    return Response(export.hxl(views.incidents_out(db, page.rows, principal)),
                    media_type=export.CSV_MEDIA_TYPE,
                    headers=paging.headers(request, page.next_cursor))


@router.get("/{incident_id}", response_model=schemas.IncidentOut)
def get_incident(incident_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
                 db: SessionDep) -> schemas.IncidentOut:
    incident = incidents.get(db, principal=principal, incident_id=incident_id)
    return views.incident_out(db, incident, principal)


@router.post("/{incident_id}/evidence", response_model=schemas.IncidentOut, status_code=201)
def add_evidence(incident_id: PathId, data: RawBody, group: CurrentGroup,
                 principal: CurrentPrincipal, db: SessionDep, settings: SettingsDep,
                 content_type: Annotated[str | None, Header(max_length=200)] = None,
                 ) -> schemas.IncidentOut:
    """Attach a file (the raw request body) to your organisation's report; kept by SHA-256.
    Its type is read from its content: images, PDF, plain text, audio and video are accepted
    (415 otherwise); HTML, SVG and scripts never are, whatever the Content-Type says."""
    incident = incidents.get(db, principal=principal, incident_id=incident_id)
    incidents.add_evidence(db, principal=principal, incident=incident, data=data,
                           media_type=content_type, data_dir=settings.data_dir,
                           max_bytes=settings.max_evidence_bytes)
    return recorded(db, views.incident_out(db, incident, principal))


@router.get("/{incident_id}/evidence/{sha256}")
def get_evidence(incident_id: PathId, sha256: str, group: CurrentGroup,
                 principal: CurrentPrincipal, db: SessionDep,
                 settings: SettingsDep) -> FileResponse:
    """The file with this digest, as it was sent, as a download that a browser never renders
    in the page: a file that is a page with a script must not run as this server."""
    item, path = incidents.evidence_file(db, principal=principal, incident_id=incident_id,
                                         sha256=sha256, data_dir=settings.data_dir)
    return FileResponse(path, media_type=files.served_type(item.media_type),
                        filename=files.download_name(sha256, item.media_type),
                        content_disposition_type="attachment", headers=INERT)


@router.post("/{incident_id}/answers", response_model=schemas.IncidentOut, status_code=201)
def answer_incident(incident_id: PathId, body: schemas.AnswerIn, group: CurrentGroup,
                    principal: CurrentPrincipal, db: SessionDep) -> schemas.IncidentOut:
    """Your party's answer to the follow-up, recorded as given (a log entry)."""
    incident = incidents.get(db, principal=principal, incident_id=incident_id)
    incidents.answer(db, principal=principal, incident=incident, text=body.text)
    return recorded(db, views.incident_out(db, incident, principal))


@router.post("/{incident_id}/close", response_model=schemas.IncidentOut)
def close_followup(incident_id: PathId, body: schemas.CloseIn, group: CurrentGroup,
                   principal: CurrentPrincipal, db: SessionDep) -> schemas.IncidentOut:
    """The convener closes the follow-up, with the reason."""
    incident = incidents.get(db, principal=principal, incident_id=incident_id)
    incidents.close(db, principal=principal, incident=incident, reason=body.reason)
    return recorded(db, views.incident_out(db, incident, principal))

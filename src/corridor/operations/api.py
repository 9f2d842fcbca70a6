"""HTTP routes of operations (thin: parse, call one service function, return a schema)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import Response

from corridor import paging
from corridor.deps import SessionDep
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.inputs import PathId, QueryId, StrictRoute
from corridor.operations import hxl, participants, schemas, views
from corridor.operations import service as operations
from corridor.uow import recorded

router = APIRouter(prefix="/groups/{group}/operations", tags=["operations"],
                   route_class=StrictRoute)
KindQuery = Annotated[schemas.Kind | None, Query(description="evacuation or aid_delivery")]
OrganisationPath = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$",
                                       description="The participant's slug")]


@router.post("", response_model=schemas.OperationOut, status_code=201)
def create_operation(body: schemas.OperationIn, group: CurrentGroup, principal: CurrentPrincipal,
                     db: SessionDep) -> schemas.OperationOut:
    """Start an evacuation or aid delivery, led by your organisation, on a pause."""
    operation = operations.create(db, principal=principal, body=body)
    return recorded(db, views.operation_out(db, operation, principal))


@router.get("", response_model=list[schemas.OperationOut], responses=paging.PAGED_RESPONSES,
            description="The group's operations, oldest first, with their reconciliation in "
            f"brief. {paging.PAGING_DOC}")
def list_operations(request: Request, response: Response, group: CurrentGroup,
                    principal: CurrentPrincipal, db: SessionDep,
                    pause: QueryId = None,
                    kind: KindQuery = None, limit: paging.Limit = paging.DEFAULT_LIMIT,
                    cursor: paging.Cursor = None) -> list[schemas.OperationOut]:
    page = operations.list_operations(db, principal=principal, pause_id=pause, kind=kind,
                                      limit=limit, cursor=cursor)
    paging.announce(request, response, page.next_cursor)
    return views.operations_out(db, page.rows, principal)


@router.get(".csv", name="operations_counts_hxl", responses=paging.PAGED_RESPONSES,
            description="Every count and departure of every evacuation, as CSV with HXL "
            f"hashtags. {paging.PAGING_DOC} (by operation)")
def counts_hxl_all(request: Request, group: CurrentGroup, principal: CurrentPrincipal,
                   db: SessionDep, pause: QueryId = None,
                   limit: paging.Limit = paging.DEFAULT_LIMIT,
                   cursor: paging.Cursor = None) -> Response:
    page = operations.list_operations(db, principal=principal, pause_id=pause,
                                      kind="evacuation", limit=limit, cursor=cursor)
    items = list(zip(views.operations_out(db, page.rows, principal),
                     views.reconciliations_out(db, page.rows), strict=True))
    return Response(hxl.counts(items), media_type=hxl.MEDIA_TYPE,
                    headers=paging.headers(request, page.next_cursor))


@router.get("/{operation_id}", response_model=schemas.OperationOut)
def get_operation(operation_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
                  db: SessionDep) -> schemas.OperationOut:
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    return views.operation_out(db, operation, principal)


@router.post("/{operation_id}/counts", response_model=schemas.ReconciliationOut,
             status_code=201)
def report_people(operation_id: PathId, body: Annotated[schemas.PeopleReportIn, Body()],
                  group: CurrentGroup, principal: CurrentPrincipal,
                  db: SessionDep) -> schemas.ReconciliationOut:
    """Record a count at a stage (`type: count`) or people leaving a vehicle (`type:
    departure`); answers with the reconciliation including it. Refused if anyone would go
    negative."""
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    operations.record_people(db, principal=principal, operation=operation, body=body)
    return recorded(db, views.reconciliation_out(db, operation))


@router.get("/{operation_id}/counts", response_model=schemas.ReconciliationOut)
def reconciliation(operation_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
                   db: SessionDep) -> schemas.ReconciliationOut:
    """Boarded − arrived − departed − still en route = unaccounted, per category and vehicle."""
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    return views.reconciliation_out(db, operation)


@router.get("/{operation_id}/counts.csv")
def counts_hxl(operation_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
               db: SessionDep) -> Response:
    """The operation's counts and departures as CSV with HXL hashtags."""
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    item = (views.operation_out(db, operation, principal), views.reconciliation_out(db, operation))
    return Response(hxl.counts([item]), media_type=hxl.MEDIA_TYPE)


@router.post("/{operation_id}/cargo", response_model=schemas.ManifestOut, status_code=201)
def report_cargo(operation_id: PathId, body: schemas.CargoIn, group: CurrentGroup,
                 principal: CurrentPrincipal, db: SessionDep) -> schemas.ManifestOut:
    """Record cargo dispatched, delivered, or lost or damaged (with the reason)."""
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    operations.record_cargo(db, principal=principal, operation=operation, body=body)
    return recorded(db, views.manifest_out(db, operation))


@router.get("/{operation_id}/cargo", response_model=schemas.ManifestOut)
def cargo(operation_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
          db: SessionDep) -> schemas.ManifestOut:
    """Dispatched − delivered − lost or damaged − in transit = unaccounted, item by item."""
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    return views.manifest_out(db, operation)


@router.get("/{operation_id}/cargo.csv")
def cargo_hxl(operation_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
              db: SessionDep) -> Response:
    """The manifest's reports as CSV with HXL hashtags."""
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    item = (views.operation_out(db, operation, principal), views.manifest_out(db, operation))
    return Response(hxl.cargo([item]), media_type=hxl.MEDIA_TYPE)


@router.get("/{operation_id}/participants", response_model=schemas.ParticipantsOut)
def list_participants(operation_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
                      db: SessionDep) -> schemas.ParticipantsOut:
    """The lead and the organisations that record counts, departures and cargo next to it."""
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    return views.participants_out(db, operation)


@router.post("/{operation_id}/participants", response_model=schemas.ParticipantsOut,
             status_code=201)
def add_participant(operation_id: PathId, body: schemas.ParticipantIn, group: CurrentGroup,
                    principal: CurrentPrincipal, db: SessionDep) -> schemas.ParticipantsOut:
    """Let an intermediary or humanitarian member record this operation too (the lead's
    operators or the convener's)."""
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    participants.add(db, principal=principal, operation=operation,
                     organisation=body.organisation)
    return recorded(db, views.participants_out(db, operation))


@router.delete("/{operation_id}/participants/{organisation}",
               response_model=schemas.ParticipantsOut)
def remove_participant(operation_id: PathId, organisation: OrganisationPath, group: CurrentGroup,
                       principal: CurrentPrincipal, db: SessionDep) -> schemas.ParticipantsOut:
    """Stop an organisation recording this operation; its reports so far stay on the record."""
    operation = operations.get(db, principal=principal, operation_id=operation_id)
    participants.remove(db, principal=principal, operation=operation,
                        organisation=organisation)
    return recorded(db, views.participants_out(db, operation))

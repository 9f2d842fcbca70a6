"""HTTP routes of sites, movements and acknowledgements (thin: parse, call one service function,
return a schema). The deconfliction check's route is `corridor.deconfliction.api`'s."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from corridor import paging
from corridor.deps import SessionDep, SettingsDep
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.inputs import MAX_ID, PathId, StrictRoute, parse_bbox
from corridor.notifications import amend, geojson, hxl, schemas, views
from corridor.notifications import service as notifications
from corridor.uow import recorded

router = APIRouter(prefix="/groups/{group}", tags=["notifications"], route_class=StrictRoute)
BBox = Annotated[str | None, Query(max_length=200, description="min_lon,min_lat,max_lon,max_lat")]


def _bbox(bbox: str | None) -> tuple[float, float, float, float] | None:
    return None if bbox is None else parse_bbox(bbox)


@router.post("/sites", response_model=schemas.SiteOut, status_code=201)
def notify_site(body: schemas.SiteIn, group: CurrentGroup, principal: CurrentPrincipal,
                db: SessionDep) -> schemas.SiteOut:
    """Notify the parties of a site of your organisation (hospital, shelter, warehouse...)."""
    site = notifications.notify_site(db, principal=principal, body=body)
    return recorded(db, views.site_out(db, site, principal))


@router.get("/sites", response_model=list[schemas.SiteOut], responses=paging.PAGED_RESPONSES,
            description="Sites you may see (need to know: not other humanitarian "
            f"organisations'), by id. {paging.PAGING_DOC}")
def list_sites(request: Request, response: Response, group: CurrentGroup,
               principal: CurrentPrincipal, db: SessionDep, bbox: BBox = None,
               limit: paging.Limit = paging.DEFAULT_LIMIT,
               cursor: paging.Cursor = None) -> list[schemas.SiteOut]:
    page = notifications.list_sites(db, principal=principal, bbox=_bbox(bbox), limit=limit,
                                    cursor=cursor)
    paging.announce(request, response, page.next_cursor)
    return views.sites_out(db, page.rows, principal)


@router.get("/sites.geojson", response_class=JSONResponse, responses=paging.PAGED_RESPONSES,
            description=f"The same list as an RFC 7946 FeatureCollection. {paging.PAGING_DOC}")
def sites_geojson(request: Request, group: CurrentGroup, principal: CurrentPrincipal,
                  db: SessionDep, bbox: BBox = None, limit: paging.Limit = paging.DEFAULT_LIMIT,
                  cursor: paging.Cursor = None) -> JSONResponse:
    page = notifications.list_sites(db, principal=principal, bbox=_bbox(bbox), limit=limit,
                                    cursor=cursor)
    return JSONResponse(geojson.sites(views.sites_out(db, page.rows, principal)),
                        media_type=geojson.MEDIA_TYPE,
                        headers=paging.headers(request, page.next_cursor))


@router.get("/sites.csv", responses=paging.PAGED_RESPONSES,
            description=f"The same list as CSV with HXL hashtags. {paging.PAGING_DOC}")
def sites_hxl(request: Request, group: CurrentGroup, principal: CurrentPrincipal,
              db: SessionDep, bbox: BBox = None, limit: paging.Limit = paging.DEFAULT_LIMIT,
              cursor: paging.Cursor = None) -> Response:
    page = notifications.list_sites(db, principal=principal, bbox=_bbox(bbox), limit=limit,
                                    cursor=cursor)
    return Response(hxl.sites(views.sites_out(db, page.rows, principal)),
                    media_type=hxl.MEDIA_TYPE, headers=paging.headers(request, page.next_cursor))


@router.get("/sites/{site_id}", response_model=schemas.SiteOut)
def get_site(site_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
             db: SessionDep) -> schemas.SiteOut:
    site = notifications.get_site(db, principal=principal, site_id=site_id)
    return views.site_out(db, site, principal)


@router.post("/sites/{site_id}/confirmations", response_model=schemas.SiteOut, status_code=201)
def confirm_site(site_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
                 db: SessionDep) -> schemas.SiteOut:
    """Re-confirm your organisation's site, so it is not shown as stale."""
    site = notifications.get_site(db, principal=principal, site_id=site_id)
    site = notifications.confirm_site(db, principal=principal, site=site)
    return recorded(db, views.site_out(db, site, principal))


@router.post("/sites/{site_id}/acknowledgements", response_model=schemas.SiteOut,
             status_code=201)
def acknowledge_site(site_id: PathId, body: schemas.AcknowledgementIn, group: CurrentGroup,
                     principal: CurrentPrincipal, db: SessionDep) -> schemas.SiteOut:
    """Your party's receipt of a site (receipt, not a guarantee)."""
    site = notifications.get_site(db, principal=principal, site_id=site_id)
    notifications.acknowledge(db, principal=principal, subject=site, party=body.party)
    return recorded(db, views.site_out(db, site, principal))


@router.post("/sites/{site_id}/amend", response_model=schemas.SiteOut)
def amend_site(site_id: PathId, body: schemas.SiteAmendIn, group: CurrentGroup,
               principal: CurrentPrincipal, db: SessionDep) -> schemas.SiteOut:
    """A new version of your organisation's site, naming the version amended (stale: 409);
    every party's receipt is pending again."""
    site = notifications.get_site(db, principal=principal, site_id=site_id)
    site = amend.amend_site(db, principal=principal, site=site, body=body)
    return recorded(db, views.site_out(db, site, principal))


@router.post("/sites/{site_id}/withdraw", response_model=schemas.SiteOut)
def withdraw_site(site_id: PathId, body: schemas.WithdrawIn, group: CurrentGroup,
                  principal: CurrentPrincipal, db: SessionDep) -> schemas.SiteOut:
    """Withdraw your organisation's site: no longer listed, checked or acknowledged."""
    site = notifications.get_site(db, principal=principal, site_id=site_id)
    amend.withdraw(db, principal=principal, subject=site, version=body.version,
                   reason=body.reason)
    return recorded(db, views.site_out(db, site, principal))


@router.post("/movements", response_model=schemas.MovementOut, status_code=201)
def notify_movement(body: schemas.MovementIn, group: CurrentGroup, principal: CurrentPrincipal,
                    db: SessionDep, settings: SettingsDep) -> schemas.MovementOut:
    """Notify the parties of a convoy or mission; a late notice is kept and marked late."""
    movement = notifications.notify_movement(db, principal=principal, body=body,
                                             max_vertices=settings.max_vertices)
    return recorded(db, views.movement_out(db, movement, principal))


@router.get("/movements", response_model=list[schemas.MovementOut],
            responses=paging.PAGED_RESPONSES,
            description=f"Movements you may see, by planned departure. {paging.PAGING_DOC}")
def list_movements(request: Request, response: Response, group: CurrentGroup,
                   principal: CurrentPrincipal, db: SessionDep,
                   pause: Annotated[int | None, Query(ge=1, le=MAX_ID, description=(
                       "Only those relying on this pause"))] = None,
                   limit: paging.Limit = paging.DEFAULT_LIMIT,
                   cursor: paging.Cursor = None) -> list[schemas.MovementOut]:
    page = notifications.list_movements(db, principal=principal, pause_id=pause, limit=limit,
                                        cursor=cursor)
    paging.announce(request, response, page.next_cursor)
    return views.movements_out(db, page.rows, principal)


@router.get("/movements.geojson", response_class=JSONResponse,
            responses=paging.PAGED_RESPONSES,
            description=f"The same list as an RFC 7946 FeatureCollection. {paging.PAGING_DOC}")
def movements_geojson(request: Request, group: CurrentGroup, principal: CurrentPrincipal,
                      db: SessionDep, limit: paging.Limit = paging.DEFAULT_LIMIT,
                      cursor: paging.Cursor = None) -> JSONResponse:
    page = notifications.list_movements(db, principal=principal, limit=limit, cursor=cursor)
    return JSONResponse(geojson.movements(views.movements_out(db, page.rows, principal)),
                        media_type=geojson.MEDIA_TYPE,
                        headers=paging.headers(request, page.next_cursor))


@router.get("/movements.csv", responses=paging.PAGED_RESPONSES,
            description=f"The same list as CSV with HXL hashtags. {paging.PAGING_DOC}")
def movements_hxl(request: Request, group: CurrentGroup, principal: CurrentPrincipal,
                  db: SessionDep, limit: paging.Limit = paging.DEFAULT_LIMIT,
                  cursor: paging.Cursor = None) -> Response:
    page = notifications.list_movements(db, principal=principal, limit=limit, cursor=cursor)
    return Response(hxl.movements(views.movements_out(db, page.rows, principal)),
                    media_type=hxl.MEDIA_TYPE, headers=paging.headers(request, page.next_cursor))


@router.get("/movements/{movement_id}", response_model=schemas.MovementOut)
def get_movement(movement_id: PathId, group: CurrentGroup, principal: CurrentPrincipal,
                 db: SessionDep) -> schemas.MovementOut:
    movement = notifications.get_movement(db, principal=principal, movement_id=movement_id)
    return views.movement_out(db, movement, principal)


@router.get("/movements/{movement_id}/acknowledgements",
            response_model=list[schemas.AcknowledgementOut])
def list_movement_acknowledgements(movement_id: PathId, group: CurrentGroup,
                                   principal: CurrentPrincipal,
                                   db: SessionDep) -> list[schemas.AcknowledgementOut]:
    """Each party's receipt: pending, acknowledged or overdue."""
    movement = notifications.get_movement(db, principal=principal, movement_id=movement_id)
    return views.movement_out(db, movement, principal).acknowledgements


@router.post("/movements/{movement_id}/acknowledgements", response_model=schemas.MovementOut,
             status_code=201)
def acknowledge_movement(movement_id: PathId, body: schemas.AcknowledgementIn, group: CurrentGroup,
                         principal: CurrentPrincipal, db: SessionDep) -> schemas.MovementOut:
    """Your party's receipt of a movement (receipt, not a guarantee)."""
    movement = notifications.get_movement(db, principal=principal, movement_id=movement_id)
    notifications.acknowledge(db, principal=principal, subject=movement, party=body.party)
    return recorded(db, views.movement_out(db, movement, principal))


@router.post("/movements/{movement_id}/amend", response_model=schemas.MovementOut)
def amend_movement(movement_id: PathId, body: schemas.MovementAmendIn, group: CurrentGroup,
                   principal: CurrentPrincipal, db: SessionDep,
                   settings: SettingsDep) -> schemas.MovementOut:
    """A new version of your organisation's movement, naming the version amended (stale: 409);
    every party's receipt is pending again."""
    movement = notifications.get_movement(db, principal=principal, movement_id=movement_id)
    movement = amend.amend_movement(db, principal=principal, movement=movement, body=body,
                                    max_vertices=settings.max_vertices)
    return recorded(db, views.movement_out(db, movement, principal))


@router.post("/movements/{movement_id}/withdraw", response_model=schemas.MovementOut)
def withdraw_movement(movement_id: PathId, body: schemas.WithdrawIn, group: CurrentGroup,
                      principal: CurrentPrincipal, db: SessionDep) -> schemas.MovementOut:
    """Withdraw your organisation's movement: no longer listed, checked or acknowledged."""
    movement = notifications.get_movement(db, principal=principal, movement_id=movement_id)
    amend.withdraw(db, principal=principal, subject=movement, version=body.version,
                   reason=body.reason)
    return recorded(db, views.movement_out(db, movement, principal))

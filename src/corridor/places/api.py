"""HTTP routes of the places a group adds to the gazetteer, and of name search over them and the
registry (thin: parse, call one service function, return a schema)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from corridor.deps import SessionDep
from corridor.geo.gazetteer import Place
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.inputs import StrictRoute
from corridor.log import refs
from corridor.places import service as places
from corridor.places.models import GroupPlace
from corridor.places.schemas import PlaceIn, PlaceOut
from corridor.uow import recorded

router = APIRouter(prefix="/groups/{group}", tags=["places"], route_class=StrictRoute)


def _owns(db: Session, rows: list[GroupPlace]) -> list[PlaceOut]:
    """The group's places, with their log numbers read in one batch."""
    indexes = refs.indexes(db, [r.log_pending_id for r in rows])
    return [PlaceOut(name=row.name, lon=row.lon, lat=row.lat, country=row.country,
                     source="group", id=row.id, kind=row.kind, note=row.note,
                     log_index=indexes.get(row.log_pending_id)) for row in rows]


def _own(db: Session, row: GroupPlace) -> PlaceOut:
    return _owns(db, [row])[0]


def _registry(place: Place) -> PlaceOut:
    return PlaceOut(name=place.name, lon=place.lon, lat=place.lat, country=place.country,
                    source="geonames", population=place.population)


@router.post("/places", response_model=PlaceOut, status_code=201)
def add_place(body: PlaceIn, group: CurrentGroup, principal: CurrentPrincipal,
              db: SessionDep) -> PlaceOut:
    """Add a place the registry lacks (a village, a plant, a checkpoint) to your group's
    gazetteer; routes and sites given by name find it from then on."""
    return recorded(db, _own(db, places.add(db, principal=principal, body=body)))


@router.get("/places", response_model=list[PlaceOut])
def list_places(
    group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description=(
        "Names starting like this (or spelt close to it), the group's and the registry's"))
    ] = None,
    limit: Annotated[int, Query(ge=1, le=places.MAX_RESULTS)] = 20,
) -> list[PlaceOut]:
    """The group's own places; with `q`, also the registry's matching places (group's first)."""
    own, registry = places.search(db, principal=principal, query=q, limit=limit)
    return _owns(db, list(own)) + [_registry(p) for p in registry][:max(0, limit - len(own))]

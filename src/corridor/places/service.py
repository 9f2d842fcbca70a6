"""Places a contact group adds to the gazetteer itself: villages, plants and checkpoints that the
registry (GeoNames towns) does not list or places in the wrong spot. Each addition commits with
its log entry, and every name lookup of the group (routes by `via`, sites by `place`) sees them
before the registry's, so a group's agreed spelling and point win."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.errors import Conflict, InvalidInput
from corridor.geo.gazetteer import Gazetteer, Place, normalise
from corridor.groups.principal import Principal
from corridor.places.models import GroupPlace
from corridor.places.schemas import PlaceIn
from corridor.policy import Action, Target, require
from corridor.uow import change

MAX_RESULTS = 50


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The registry's places, loaded once per process on first use (about 2 s)."""
    return Gazetteer()


def _place(row: GroupPlace) -> Place:
    return Place(row.name, row.lon, row.lat, row.country, "group")


def of_group(db: Session, *, group_id: int) -> list[GroupPlace]:
    """The places a group added, oldest first."""
    return list(db.scalars(select(GroupPlace).where(GroupPlace.group_id == group_id)
                           .order_by(GroupPlace.id)))


def gazetteer(db: Session, *, group_id: int) -> Gazetteer:
    """The registry's places and the group's own (which come first in every lookup)."""
    rows = of_group(db, group_id=group_id)
    if not rows:
        return default_gazetteer()
    # The registry is loaded once per process and shared: only the group's few are added here.
    return Gazetteer(_place(r) for r in rows)


def add(db: Session, *, principal: Principal, body: PlaceIn) -> GroupPlace:
    """Add a place to the group's gazetteer; a name the group already has is refused."""
    require(principal.actor, Action.PLACE_ADD, Target(group_id=principal.group.id))
    name = body.name.strip()
    key = normalise(name)
    if not key:
        raise InvalidInput("a place needs a name with at least one letter or digit",
                           field="/name")
    with change(db, group=principal.group, actor=principal.log_actor(), subject="place") as ch:
        existing = db.scalar(select(GroupPlace).where(GroupPlace.group_id == principal.group.id,
                                                      GroupPlace.key == key))
        if existing is not None:
            raise Conflict(f"this group already has a place called {existing.name!r} "
                           f"({existing.lon}, {existing.lat}); choose another name",
                           field="/name", extra={"place": existing.id})
        country = body.country.upper() if body.country else None
        place = GroupPlace(group_id=principal.group.id, name=name, key=key,
                           lon=round(body.lon, 7) + 0.0, lat=round(body.lat, 7) + 0.0,
                           country=country, kind=(body.kind or "").strip() or None,
                           note=body.note.strip(), created_by_id=principal.person.id,
                           created_at=clock.now(), log_pending_id=0)
        db.add(place)
        db.flush()
        place.log_pending_id = ch.log("place.added", {
            "place": place.id, "name": name, "lon": place.lon, "lat": place.lat,
            "country": country, "kind": place.kind, "note": place.note}).id
    return place


def search(db: Session, *, principal: Principal, query: str | None,
           limit: int = MAX_RESULTS) -> tuple[list[GroupPlace], list[Place]]:
    """The group's places and the registry's whose names start like `query` (or are spelt
    close to it); without a query, all the group's places and none of the registry's."""
    require(principal.actor, Action.PLACE_READ, Target(group_id=principal.group.id))
    own = of_group(db, group_id=principal.group.id)
    if query is None or not normalise(query):
        return own[:limit], []
    places = gazetteer(db, group_id=principal.group.id)
    found = places.search(query, limit=limit)
    by_key = {(r.name, r.lon, r.lat): r for r in own}
    mine = [by_key[(p.name, p.lon, p.lat)] for p in found
            if p.source == "group" and (p.name, p.lon, p.lat) in by_key]
    return mine, [p for p in found if p.source != "group"]

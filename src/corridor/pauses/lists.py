"""Reading many pauses: the API's list and calendar and the web's list, filtered in the database
before a page is cut. Every query starts from `visible.pauses`, so what a member may see is the
one rule of `pause.read`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, joinedload

from corridor import clock, paging
from corridor.groups.principal import Principal
from corridor.pauses import search, visible
from corridor.pauses.lifecycle import State
from corridor.pauses.models import Pause


@dataclass(frozen=True)
class Filters:
    status: str = ""  # shown status (active, completed…) or stored state
    time: str = ""  # upcoming, current or past (the web's filter)
    purpose: str = ""
    text: str = ""  # the web's search, over titles, places and conditions
    start_after: datetime | None = None
    end_before: datetime | None = None
    bbox: tuple[float, float, float, float] | None = None


def list_pauses(db: Session, *, principal: Principal, filters: Filters, newest_first: bool,
                limit: int, cursor: str | None) -> paging.Page[Pause]:
    """A page of the pauses the caller may see, by window start (the API's oldest first, the
    web's newest first)."""
    now = clock.now()
    query = visible.pauses(principal.actor).options(joinedload(Pause.author))
    if filters.status:
        query = query.where(visible.status_is(filters.status, now))
    if filters.time:
        query = query.where(visible.time_is(filters.time, now))
    if filters.purpose:
        query = query.where(Pause.purposes.contains(filters.purpose))
    if filters.text.strip():
        query = query.where(search.text_in(filters.text))
    if filters.start_after:
        query = query.where(Pause.window_end >= filters.start_after)
    if filters.end_before:
        query = query.where(Pause.window_start <= filters.end_before)
    if filters.bbox:
        x1, y1, x2, y2 = filters.bbox
        query = query.where(Pause.max_lon >= x1, Pause.min_lon <= x2, Pause.max_lat >= y1,
                            Pause.min_lat <= y2)
    if newest_first:
        return paging.fetch(db, query, order_by=[Pause.window_start.desc(), Pause.id.desc()],
                            limit=limit, cursor=cursor)
    return paging.fetch(db, query, order_by=[Pause.window_start, Pause.id], limit=limit,
                        cursor=cursor)


def for_calendar(db: Session, *, principal: Principal) -> list[Pause]:
    """Every agreed (or suspended) pause the caller may see, by window start."""
    return list(db.scalars(visible.pauses(principal.actor).where(
        Pause.state.in_([State.AGREED.value, State.SUSPENDED.value]))
        .order_by(Pause.window_start, Pause.id)).all())

"""Building what the API returns about sites and movements (read-only; no writes here).

Lists load acknowledgements, parties and log numbers in one query each, not one per row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from corridor import clock
from corridor.durations import span
from corridor.groups.models import Organisation
from corridor.groups.principal import Principal
from corridor.log import refs
from corridor.notifications import rules
from corridor.notifications.models import Acknowledgement, Movement, Site
from corridor.notifications.schemas import (
    AcknowledgementOut,
    MovementOut,
    Phase,
    SiteOut,
    VehiclesOut,
)


class _Context:
    """What every row of a list needs: the parties, the receipts and the log numbers."""

    def __init__(self, db: Session, viewer: Principal, subjects: Sequence[Site | Movement]
                 ) -> None:
        self.viewer, self.now = viewer, clock.now()
        self.parties = list(db.scalars(select(Organisation).where(
            Organisation.group_id == viewer.group.id, Organisation.kind == "party")
            .order_by(Organisation.slug)))
        ids = [s.id for s in subjects]
        is_site = bool(subjects) and isinstance(subjects[0], Site)
        column = Acknowledgement.site_id if is_site else Acknowledgement.movement_id
        acks = list(db.scalars(select(Acknowledgement).options(
            joinedload(Acknowledgement.person), joinedload(Acknowledgement.organisation))
                               .where(column.in_(ids)))) if ids else []
        # Receipts apply to a version: those of the current one give the status, the rest
        # stay as history.
        current = {s.id: s.version for s in subjects}
        self.acks: dict[tuple[int | None, int], Acknowledgement] = {}
        self.earlier: dict[int | None, list[Acknowledgement]] = {}
        for a in sorted(acks, key=lambda a: (a.version, a.id)):
            subject_id = a.site_id if is_site else a.movement_id
            if a.version == current.get(subject_id or 0):
                self.acks[(subject_id, a.organisation_id)] = a
            else:
                self.earlier.setdefault(subject_id, []).append(a)
        self.seqs = refs.indexes(db, [s.log_pending_id for s in subjects]
                                 + [a.log_pending_id for a in acks])

    def receipts(self, subject: Site | Movement) -> list[AcknowledgementOut]:
        """Every party's receipt for the notifier and the convener; a party sees its own."""
        viewer = self.viewer.organisation
        sees_all = viewer.id == subject.organisation_id or viewer.kind == "convener"
        out = []
        for party in self.parties:
            if not sees_all and party.id != viewer.id:
                continue
            ack = self.acks.get((subject.id, party.id))
            due = rules.ack_due(notified_at=subject.notified_at, party_joined_at=party.created_at,
                                hours=self.viewer.group.ack_deadline_hours)
            status = rules.ack_status(due=due, acknowledged_at=ack.created_at if ack else None,
                                      now=self.now)
            out.append(AcknowledgementOut(
                party=party.slug, version=subject.version, status=status.value, due=due,
                acknowledged_at=ack.created_at if ack else None,
                by=ack.person.username if ack else None,
                content_hash=ack.content_hash if ack else None,
                log_index=self.seqs.get(ack.log_pending_id) if ack else None))
        return out

    def history(self, subject: Site | Movement) -> list[AcknowledgementOut]:
        """Receipts of versions since amended, seen as the current ones are."""
        viewer = self.viewer.organisation
        sees_all = viewer.id == subject.organisation_id or viewer.kind == "convener"
        return [AcknowledgementOut(
            party=a.organisation.slug, version=a.version, status="acknowledged",
            due=a.created_at, acknowledged_at=a.created_at, by=a.person.username,
            content_hash=a.content_hash, log_index=self.seqs.get(a.log_pending_id))
            for a in self.earlier.get(subject.id, []) if sees_all or a.organisation_id == viewer.id]


def _state(subject: Site | Movement) -> dict[str, Any]:
    return {"version": subject.version, "withdrawn_at": subject.withdrawn_at,
            "status": "active" if subject.withdrawn_at is None else "withdrawn"}


def _site(ctx: _Context, site: Site) -> SiteOut:
    since = rules.stale_since(confirmed_at=site.confirmed_at,
                              stale_days=ctx.viewer.group.site_stale_days)
    return SiteOut(
        id=site.id, organisation=site.organisation.slug, name=site.name, type=site.site_type,
        lon=site.lon, lat=site.lat, people_present=site.people_present,
        notified_at=site.notified_at, confirmed_at=site.confirmed_at, stale=ctx.now >= since,
        stale_since=since, content=json.loads(site.content), content_hash=site.content_hash,
        log_index=ctx.seqs.get(site.log_pending_id), acknowledgements=ctx.receipts(site),
        earlier_acknowledgements=ctx.history(site), **_state(site))


def _phase(now: datetime, movement: Movement) -> Phase:
    if now < movement.departure:
        return "planned"
    return "under_way" if now < movement.arrival else "arrived"


def _movement(ctx: _Context, movement: Movement) -> MovementOut:
    content: dict[str, Any] = json.loads(movement.content)
    late = rules.late_by(notified_at=movement.notified_at, departure=movement.departure,
                         required_hours=movement.required_lead_hours)
    return MovementOut(
        id=movement.id, organisation=movement.organisation.slug, route=content["route"],
        waypoints=content["waypoints"], length_km=round(movement.length_km, 2),
        departure=movement.departure, arrival=movement.arrival,
        phase=_phase(ctx.now, movement),
        vehicles=VehiclesOut(**content["vehicles"]), staff=content["staff"],
        passengers=content["passengers"], cargo=content["cargo"], pause=movement.pause_id,
        emergency=movement.emergency, notified_at=movement.notified_at,
        required_lead_hours=movement.required_lead_hours, late=late is not None,
        late_by_minutes=None if late is None else int(late.total_seconds() // 60),
        late_by=None if late is None else span(late),
        content=content, content_hash=movement.content_hash,
        log_index=ctx.seqs.get(movement.log_pending_id),
        acknowledgements=ctx.receipts(movement),
        earlier_acknowledgements=ctx.history(movement), **_state(movement))


def sites_out(db: Session, sites: Sequence[Site], viewer: Principal) -> list[SiteOut]:
    ctx = _Context(db, viewer, sites)
    return [_site(ctx, s) for s in sites]


def movements_out(db: Session, movements: Sequence[Movement], viewer: Principal
                  ) -> list[MovementOut]:
    ctx = _Context(db, viewer, movements)
    return [_movement(ctx, m) for m in movements]


def site_out(db: Session, site: Site, viewer: Principal) -> SiteOut:
    return sites_out(db, [site], viewer)[0]


def movement_out(db: Session, movement: Movement, viewer: Principal) -> MovementOut:
    return movements_out(db, [movement], viewer)[0]

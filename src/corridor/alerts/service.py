"""The caller's alerts, read-only: consents its party owes, acknowledgements pending or overdue,
follow-ups to answer or to track, and what operations report unaccounted or in dispute."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.alerts.schemas import AlertOut, AlertsOut, SubjectOut
from corridor.groups.models import Organisation
from corridor.groups.principal import Principal
from corridor.incidents.models import FollowUp
from corridor.incidents.service import answered_by
from corridor.notifications import rules
from corridor.notifications.models import Acknowledgement, Movement, Site
from corridor.pauses import views as pause_views
from corridor.pauses.lifecycle import State
from corridor.pauses.models import Pause
from corridor.policy import Action, Target, require

OperationsSource = Callable[[Session, Principal], list[AlertOut]]


def consents_awaited(db: Session, principal: Principal) -> list[AlertOut]:
    """Proposed pauses that still wait for the caller's party to sign the current version."""
    org = principal.organisation
    if org.kind != "party":
        return []
    out = []
    for pause in db.scalars(select(Pause).where(Pause.group_id == principal.group.id,
                                                Pause.state == State.PROPOSED.value)
                            .order_by(Pause.window_start)):
        view = pause_views.pause_out(db, pause, principal)
        if view.status == State.PROPOSED and org.slug in view.awaiting:
            out.append(AlertOut(
                kind="consent_awaited", subject=SubjectOut(type="pause", id=pause.id),
                due=pause.window_start,
                message=f"Pause {pause.id} ('{view.content['title']}') awaits {org.slug}'s "
                        f"signature on version {view.current_version}; it lapses if not agreed "
                        "by the start of its window.",
                data={"version": view.current_version, "version_hash": view.version_hash}))
    return out


def acknowledgements(db: Session, principal: Principal) -> list[AlertOut]:
    """A party's own receipts not yet given; for the notifier and the convener, overdue ones."""
    org, group, now = principal.organisation, principal.group, clock.now()
    parties = list(db.scalars(select(Organisation).where(
        Organisation.group_id == group.id, Organisation.kind == "party")
        .order_by(Organisation.slug)))
    if org.kind == "party":
        parties = [p for p in parties if p.id == org.id]
    receipts = db.scalars(select(Acknowledgement).where(Acknowledgement.group_id == group.id))
    given = {(a.site_id, a.movement_id, a.organisation_id) for a in receipts}
    out = []
    subjects: list[Site | Movement] = [
        *db.scalars(select(Site).where(Site.group_id == group.id).order_by(Site.id)),
        *db.scalars(select(Movement).where(Movement.group_id == group.id).order_by(Movement.id))]
    for subject in subjects:
        kind = "site" if isinstance(subject, Site) else "movement"
        mine = subject.organisation_id == org.id
        if org.kind not in ("party", "convener") and not mine:
            continue  # a notifier hears about its own notices only
        for party in parties:
            key = (subject.id, None, party.id) if kind == "site" else (None, subject.id, party.id)
            if key in given:
                continue
            due = rules.ack_due(notified_at=subject.notified_at, party_joined_at=party.created_at,
                                hours=group.ack_deadline_hours)
            status = rules.ack_status(due=due, acknowledged_at=None, now=now)
            if org.kind != "party" and status is not rules.AckStatus.OVERDUE:
                continue
            out.append(AlertOut(
                kind="acknowledgement_overdue" if status is rules.AckStatus.OVERDUE
                else "acknowledgement_pending",
                subject=SubjectOut(type="site" if kind == "site" else "movement", id=subject.id),
                due=due,
                message=f"{party.slug} has not acknowledged {kind} {subject.id}; "
                        f"{'due' if status is rules.AckStatus.PENDING else 'overdue since'} "
                        f"{due.strftime('%d %b %Y %H:%M UTC')}.",
                data={"party": party.slug}))
    return out


def followups(db: Session, principal: Principal) -> list[AlertOut]:
    """Open follow-ups: for a party concerned that has not answered, and for the convener."""
    org = principal.organisation
    if org.kind not in ("party", "convener"):
        return []
    out = []
    for followup in db.scalars(select(FollowUp).where(FollowUp.group_id == principal.group.id,
                                                      FollowUp.state == "open")
                               .order_by(FollowUp.opened_at)):
        concerned = json.loads(followup.parties)
        awaiting = [p for p in concerned if p not in answered_by(db, followup)]
        subject = SubjectOut(type="incident", id=followup.incident_id)
        if org.kind == "convener":
            out.append(AlertOut(kind="followup_open", subject=subject,
                                message=f"Follow-up of incident {followup.incident_id} is open; "
                                        f"awaiting answers from {', '.join(awaiting)}.",
                                data={"awaiting": awaiting, "opened_at":
                                      followup.opened_at.isoformat()}))
        elif org.slug in awaiting:
            out.append(AlertOut(kind="followup_to_answer", subject=subject,
                                message=f"Incident {followup.incident_id} is linked to what "
                                        f"{org.slug} is concerned by; your answer is awaited.",
                                data={"opened_at": followup.opened_at.isoformat()}))
    return out


def _operations_source() -> OperationsSource | None:
    """Extension point: unaccounted people and count discrepancies from `corridor.operations`,
    through its `alerts.for_caller(db, principal)` when that module exists."""
    try:
        module = importlib.import_module("corridor.operations.alerts")
    except ImportError:
        return None
    source: OperationsSource = module.for_caller
    return source


def for_caller(db: Session, *, principal: Principal) -> AlertsOut:
    """Everything that waits for the caller's organisation, now."""
    require(principal.actor, Action.GROUP_READ, Target(group_id=principal.group.id))
    alerts = [*consents_awaited(db, principal), *acknowledgements(db, principal),
              *followups(db, principal)]
    operations = _operations_source()
    if operations is not None:
        alerts.extend(operations(db, principal))
    return AlertsOut(
        organisation=principal.organisation.slug, generated_at=clock.now(), alerts=alerts,
        sources={"pauses": "included", "notifications": "included", "incidents": "included",
                 "operations": "included" if operations else "not available on this server"})

"""The caller's alerts, read-only: consents its party owes, acknowledgements pending or overdue,
follow-ups to answer or to track, and what operations report unaccounted or in dispute.

Each source asks the database for what may concern the caller (proposals still open, notices
without the receipt of the current version, open follow-ups naming the party), through the
topics' own visibility queries, and reads what it shows beside them in one batch: the alerts
cost the same statements for 1 pending item as for 1,000.

Sources from topics above this one (operations) are handed in by `register_source`, which
`corridor.wiring` calls when the application or the CLI starts, never found by importing a
module by name: a broken import then stops the start instead of quietly dropping the "people
unaccounted" alert, and asking for alerts with no source registered raises.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session, aliased, joinedload

from corridor import clock
from corridor.alerts.schemas import AlertOut, AlertsOut, SubjectOut
from corridor.groups.models import Organisation
from corridor.groups.principal import Principal
from corridor.incidents.models import Answer, FollowUp
from corridor.notifications import rules
from corridor.notifications import visible as visible_notices
from corridor.notifications.models import Acknowledgement, Movement, Site
from corridor.pauses import views as pause_views
from corridor.pauses import visible as visible_pauses
from corridor.pauses.lifecycle import State
from corridor.pauses.models import Pause
from corridor.policy import Action, Target, require

AlertSource = Callable[[Session, Principal], list[AlertOut]]
_SOURCES: dict[str, AlertSource] = {}
# Alerts in one answer: a party facing a bulk notification of hundreds of sites gets the
# oldest first and is told there are more, instead of an answer that grows with every site.
LIMIT, MAX_LIMIT = 200, 1000


def consents_awaited(db: Session, principal: Principal) -> list[AlertOut]:
    """Proposed pauses that still wait for the caller's party to sign the current version."""
    org, now = principal.organisation, clock.now()
    if org.kind != "party":
        return []
    open_ = list(db.scalars(
        visible_pauses.pauses(principal.actor).options(joinedload(Pause.author))
        .where(Pause.state == State.PROPOSED.value, Pause.window_start > now)
        .order_by(Pause.window_start, Pause.id)))
    out = []
    for pause, view in zip(open_, pause_views.pauses_out(db, open_, principal), strict=True):
        if org.slug in view.awaiting:
            out.append(AlertOut(
                kind="consent_awaited", subject=SubjectOut(type="pause", id=pause.id),
                due=pause.window_start,
                message=f"Pause {pause.id} ('{view.content['title']}') awaits {org.slug}'s "
                        f"signature on version {view.current_version}; it lapses if not agreed "
                        "by the start of its window.",
                data={"version": view.current_version, "version_hash": view.version_hash}))
    return out


def _unreceipted(principal: Principal, model: type[Site] | type[Movement], now: datetime
                 ) -> Select[Any, Organisation]:
    """Each active notice the caller hears about with each party that has not acknowledged its
    current version (for a notifier and the convener: only those overdue)."""
    org, hours = principal.organisation, principal.group.ack_deadline_hours
    party = aliased(Organisation)
    column = Acknowledgement.site_id if model is Site else Acknowledgement.movement_id
    query = (
        select(model, party)
        .join(party, and_(party.group_id == model.group_id, party.kind == "party"))
        .where(visible_notices.rule(principal.actor, model), model.withdrawn_at.is_(None),
               ~exists().where(column == model.id, Acknowledgement.organisation_id == party.id,
                               Acknowledgement.version == model.version))
        .order_by(model.id, party.slug))
    if org.kind == "party":
        return query.where(party.id == org.id)
    if org.kind != "convener":
        query = query.where(model.organisation_id == org.id)  # a notifier hears of its own only
    # Overdue: due (the later of notice and joining, plus the deadline) has passed.
    since = now - timedelta(hours=hours)
    return query.where(model.notified_at < since, party.created_at < since)


def acknowledgements(db: Session, principal: Principal, limit: int = LIMIT) -> list[AlertOut]:
    """A party's own receipts not yet given; for the notifier and the convener, overdue ones
    (at most `limit` + 1 of sites and as many of movements, oldest first)."""
    group, now = principal.group, clock.now()
    out = []
    for model, kind in ((Site, "site"), (Movement, "movement")):
        for subject, party in db.execute(_unreceipted(principal, model, now).limit(limit + 1)):
            due = rules.ack_due(notified_at=subject.notified_at, party_joined_at=party.created_at,
                                hours=group.ack_deadline_hours)
            status = rules.ack_status(due=due, acknowledged_at=None, now=now)
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


def followups(db: Session, principal: Principal, limit: int = LIMIT) -> list[AlertOut]:
    """Open follow-ups: for a party concerned that has not answered, and for the convener
    (at most `limit` + 1, oldest first)."""
    org = principal.organisation
    if org.kind not in ("party", "convener"):
        return []
    query = (select(FollowUp).where(FollowUp.group_id == principal.group.id,
                                    FollowUp.state == "open")
             .order_by(FollowUp.opened_at, FollowUp.id).limit(limit + 1))
    if org.kind == "party":
        found = db.scalars(query.where(
            FollowUp.parties.contains(json.dumps(org.slug)),
            ~exists().where(Answer.followup_id == FollowUp.id,
                            Answer.organisation_id == org.id)))
        return [AlertOut(kind="followup_to_answer",
                         subject=SubjectOut(type="incident", id=f.incident_id),
                         message=f"Incident {f.incident_id} is linked to what {org.slug} is "
                                 "concerned by; your answer is awaited.",
                         data={"opened_at": f.opened_at.isoformat()})
                for f in found if org.slug in json.loads(f.parties)]
    rows = list(db.scalars(query))
    answered: dict[int, set[str]] = defaultdict(set)
    for followup_id, slug in db.execute(
            select(Answer.followup_id, Organisation.slug)
            .join(Organisation, Organisation.id == Answer.organisation_id)
            .where(Answer.followup_id.in_([f.id for f in rows]))):
        answered[followup_id].add(slug)
    out = []
    for followup in rows:
        awaiting = [p for p in json.loads(followup.parties) if p not in answered[followup.id]]
        out.append(AlertOut(kind="followup_open",
                            subject=SubjectOut(type="incident", id=followup.incident_id),
                            message=f"Follow-up of incident {followup.incident_id} is open; "
                                    f"awaiting answers from {', '.join(awaiting)}.",
                            data={"awaiting": awaiting,
                                  "opened_at": followup.opened_at.isoformat()}))
    return out


class NoAlertSources(RuntimeError):
    """A bug: alerts were asked for in a process that registered no topic's source."""


def register_source(name: str, source: AlertSource) -> None:
    """Add a topic's alerts under `name` (the same source again is a no-op; another one under
    a name already taken is refused)."""
    known = _SOURCES.setdefault(name, source)
    if known is not source:
        raise ValueError(f"alert source {name!r} is already registered ({known!r})")


def sources() -> dict[str, AlertSource]:
    """The registered sources by name; raises if there are none."""
    if not _SOURCES:
        raise NoAlertSources("no alert source is registered (operations' unaccounted people "
                             "would be missing); call corridor.wiring.register() at start-up "
                             "(create_app and the CLI do)")
    return dict(_SOURCES)


def for_caller(db: Session, *, principal: Principal, limit: int | None = None) -> AlertsOut:
    """What waits for the caller's organisation, now: at most `limit` alerts, the pauses to sign
    first, then the oldest receipts and follow-ups (`complete` says whether that was all)."""
    require(principal.actor, Action.GROUP_READ, Target(group_id=principal.group.id))
    registered = sources()
    limit = limit or LIMIT
    alerts = [*consents_awaited(db, principal), *acknowledgements(db, principal, limit),
              *followups(db, principal, limit)]
    for source in registered.values():
        alerts.extend(source(db, principal))
    complete = len(alerts) <= limit
    return AlertsOut(
        organisation=principal.organisation.slug, generated_at=clock.now(),
        alerts=alerts[:limit], complete=complete, limit=limit,
        sources={"pauses": "included", "notifications": "included", "incidents": "included",
                 **dict.fromkeys(registered, "included")})

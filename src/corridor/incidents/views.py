"""Building what the API returns about incidents (read-only; no writes here).

Links to notified sites and movements are need to know: a reader sees only those whose notice it
may see (policy.py), so a report never reveals another humanitarian organisation's site."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.groups.principal import Principal
from corridor.incidents import schemas
from corridor.incidents.links import LinkKind
from corridor.incidents.models import Answer, Evidence, FollowUp, Incident, IncidentLink
from corridor.incidents.service import followup_of
from corridor.log import service as log
from corridor.notifications import service as notifications
from corridor.notifications.models import Movement, Site
from corridor.policy import Action, allowed

NOT_LINKED = "not_linked"


def _may_see(db: Session, viewer: Principal, link: IncidentLink) -> bool:
    if link.kind == LinkKind.POSSIBLE_BREACH:
        return True  # only agreed pauses are linked, and every member reads those
    subject: Site | Movement | None = (
        db.get(Site, link.subject_id) if link.kind == LinkKind.SITE_AFFECTED
        else db.get(Movement, link.subject_id))
    return subject is not None and allowed(viewer.actor, Action.NOTIFICATION_READ,
                                           notifications.target(subject))


def _links(db: Session, viewer: Principal, incident: Incident) -> list[schemas.LinkOut]:
    rows = db.scalars(select(IncidentLink).where(IncidentLink.incident_id == incident.id)
                      .order_by(IncidentLink.id))
    return [schemas.LinkOut(kind=k.kind, subject=k.subject_id, distance_m=k.distance_m,
                            reason=k.reason, parties=json.loads(k.parties),
                            data=json.loads(k.data))
            for k in rows if _may_see(db, viewer, k)]


def _evidence(db: Session, incident: Incident) -> list[schemas.EvidenceOut]:
    rows = db.scalars(select(Evidence).where(Evidence.incident_id == incident.id)
                      .order_by(Evidence.id))
    return [schemas.EvidenceOut(sha256=e.sha256, size=e.size, media_type=e.media_type,
                                added_at=e.added_at, log_index=log.seq_of(db, e.log_pending_id))
            for e in rows]


def followup_out(db: Session, followup: FollowUp) -> schemas.FollowUpOut:
    answers = list(db.scalars(select(Answer).where(Answer.followup_id == followup.id)
                              .order_by(Answer.id)))
    parties = json.loads(followup.parties)
    answered = {a.organisation.slug for a in answers}
    return schemas.FollowUpOut(
        status=followup.state, parties=parties,
        awaiting=[p for p in parties if p not in answered], opened_at=followup.opened_at,
        closed_reason=followup.close_reason,
        answers=[schemas.AnswerOut(party=a.organisation.slug, by=a.person.username, text=a.text,
                                   at=a.created_at, log_index=log.seq_of(db, a.log_pending_id))
                 for a in answers])


def incident_out(db: Session, incident: Incident, viewer: Principal) -> schemas.IncidentOut:
    content = json.loads(incident.content)
    followup = followup_of(db, incident)
    casualties = content["casualties"]
    return schemas.IncidentOut(
        id=incident.id, reported_by=incident.organisation.slug, type=incident.incident_type,
        occurred_at=incident.occurred_at, lon=incident.lon, lat=incident.lat,
        uncertainty_m=incident.uncertainty_m, place=content["place"], casualties=casualties,
        killed=incident.killed, injured=incident.injured, narrative=content["narrative"],
        reported_at=incident.reported_at, content_hash=incident.content_hash,
        log_index=log.seq_of(db, incident.log_pending_id),
        status=followup.state if followup else NOT_LINKED,
        links=_links(db, viewer, incident), evidence=_evidence(db, incident),
        followup=followup_out(db, followup) if followup else None)


def incidents_out(db: Session, incidents: Sequence[Incident], viewer: Principal
                  ) -> list[schemas.IncidentOut]:
    return [incident_out(db, i, viewer) for i in incidents]

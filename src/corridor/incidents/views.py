"""Building what the API returns about incidents (read-only; no writes here).

Links to notified sites and movements are need to know: a reader sees only those whose notice it
may see (`notifications.visible`), so a report never reveals another humanitarian organisation's
site. A list is built in a fixed number of statements whatever its length: follow-ups, answers,
links, the notices they name, evidence and log numbers are each read once for the whole page.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from corridor.groups.principal import Principal
from corridor.incidents import schemas
from corridor.incidents.links import LinkKind
from corridor.incidents.models import Answer, Evidence, FollowUp, Incident, IncidentLink
from corridor.incidents.visible import NOT_LINKED
from corridor.log import refs
from corridor.notifications import visible as visible_notices
from corridor.notifications.models import Movement, Site


@dataclass
class _Loaded:
    """What the reports of one page need besides their own rows, read once for all of them."""

    followups: dict[int, FollowUp]  # by incident
    answers: dict[int, list[Answer]]  # by follow-up
    links: dict[int, list[IncidentLink]]
    evidence: dict[int, list[Evidence]]
    seen: set[tuple[str, int]]  # the linked notices the reader may see
    indexes: dict[int, int | None]


def _load(db: Session, incidents: Sequence[Incident], viewer: Principal) -> _Loaded:
    ids = [i.id for i in incidents]
    followups = {f.incident_id: f for f in db.scalars(
        select(FollowUp).where(FollowUp.incident_id.in_(ids)))}
    answers: dict[int, list[Answer]] = defaultdict(list)
    for a in db.scalars(select(Answer).options(joinedload(Answer.organisation),
                                               joinedload(Answer.person))
                        .where(Answer.followup_id.in_([f.id for f in followups.values()]))
                        .order_by(Answer.id)):
        answers[a.followup_id].append(a)
    links: dict[int, list[IncidentLink]] = defaultdict(list)
    for k in db.scalars(select(IncidentLink).where(IncidentLink.incident_id.in_(ids))
                        .order_by(IncidentLink.id)):
        links[k.incident_id].append(k)
    named = [k for ks in links.values() for k in ks]
    sites = [k.subject_id for k in named if k.kind == LinkKind.SITE_AFFECTED]
    movements = [k.subject_id for k in named if k.kind == LinkKind.MOVEMENT_AFFECTED]
    seen = {(LinkKind.SITE_AFFECTED.value, i) for i in db.scalars(
        visible_notices.site_ids(viewer.actor).where(Site.id.in_(sites)))}
    seen |= {(LinkKind.MOVEMENT_AFFECTED.value, i) for i in db.scalars(
        visible_notices.movement_ids(viewer.actor).where(Movement.id.in_(movements)))}
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for e in db.scalars(select(Evidence).where(Evidence.incident_id.in_(ids))
                        .order_by(Evidence.id)):
        evidence[e.incident_id].append(e)
    indexes = refs.indexes(db, [
        *(i.log_pending_id for i in incidents),
        *(e.log_pending_id for es in evidence.values() for e in es),
        *(a.log_pending_id for answered in answers.values() for a in answered)])
    return _Loaded(followups, answers, links, evidence, seen, indexes)


def _may_see(loaded: _Loaded, link: IncidentLink) -> bool:
    if link.kind == LinkKind.POSSIBLE_BREACH:
        return True  # only agreed pauses are linked, and every member reads those
    return (link.kind, link.subject_id) in loaded.seen


def _followup(loaded: _Loaded, followup: FollowUp) -> schemas.FollowUpOut:
    answers = loaded.answers[followup.id]
    parties = json.loads(followup.parties)
    answered = {a.organisation.slug for a in answers}
    return schemas.FollowUpOut(
        status=followup.state, parties=parties,
        awaiting=[p for p in parties if p not in answered], opened_at=followup.opened_at,
        closed_reason=followup.close_reason,
        answers=[schemas.AnswerOut(party=a.organisation.slug, by=a.person.username, text=a.text,
                                   at=a.created_at, log_index=loaded.indexes.get(a.log_pending_id))
                 for a in answers])


def _incident(loaded: _Loaded, incident: Incident) -> schemas.IncidentOut:
    content = json.loads(incident.content)
    followup = loaded.followups.get(incident.id)
    return schemas.IncidentOut(
        id=incident.id, reported_by=incident.organisation.slug, type=incident.incident_type,
        occurred_at=incident.occurred_at, lon=incident.lon, lat=incident.lat,
        uncertainty_m=incident.uncertainty_m, place=content["place"],
        casualties=content["casualties"], killed=incident.killed, injured=incident.injured,
        narrative=content["narrative"], reported_at=incident.reported_at,
        content_hash=incident.content_hash,
        log_index=loaded.indexes.get(incident.log_pending_id),
        status=followup.state if followup else NOT_LINKED,
        links=[schemas.LinkOut(kind=k.kind, subject=k.subject_id, distance_m=k.distance_m,
                               reason=k.reason, parties=json.loads(k.parties),
                               data=json.loads(k.data))
               for k in loaded.links[incident.id] if _may_see(loaded, k)],
        evidence=[schemas.EvidenceOut(sha256=e.sha256, size=e.size, media_type=e.media_type,
                                      added_at=e.added_at,
                                      log_index=loaded.indexes.get(e.log_pending_id))
                  for e in loaded.evidence[incident.id]],
        followup=_followup(loaded, followup) if followup else None)


def incidents_out(db: Session, incidents: Sequence[Incident], viewer: Principal
                  ) -> list[schemas.IncidentOut]:
    """What the API shows of each report, in the order given."""
    if not incidents:
        return []
    loaded = _load(db, incidents, viewer)
    return [_incident(loaded, i) for i in incidents]


def incident_out(db: Session, incident: Incident, viewer: Principal) -> schemas.IncidentOut:
    return incidents_out(db, [incident], viewer)[0]


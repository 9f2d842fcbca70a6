"""Use cases of incidents; the only code that writes them. A report, its links and its follow-up
commit together with one log entry; so does each piece of evidence, answer and closure."""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from corridor import clock, paging
from corridor.errors import Conflict, Forbidden, InvalidInput, NotFound
from corridor.geo.validate import parse_point
from corridor.groups.principal import Principal
from corridor.incidents import evidence as files
from corridor.incidents import facts
from corridor.incidents import visible as visible_incidents
from corridor.incidents.lifecycle import Move, State, answer_move, next_state
from corridor.incidents.links import Link, LinkKind, parties_concerned
from corridor.incidents.models import Answer, Evidence, FollowUp, Incident, IncidentLink
from corridor.incidents.schemas import IncidentIn
from corridor.log import service as log
from corridor.log.canonical import canonicalize
from corridor.paging import Page
from corridor.policy import Action, Target, allowed, require
from corridor.uow import Change, change

# Clocks of reporting devices drift; a report this little ahead of ours is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)


def get(db: Session, *, principal: Principal, incident_id: int) -> Incident:
    incident = db.get(Incident, incident_id)
    if incident is None or incident.group_id != principal.group.id:
        raise NotFound(f"no incident {incident_id} in this group", field="incident")
    require(principal.actor, Action.INCIDENT_READ, Target(group_id=incident.group_id))
    return incident


def list_all(db: Session, *, principal: Principal,
             filters: visible_incidents.Filters | None = None, limit: int | None = None,
             cursor: str | None = None) -> Page[Incident]:
    """The group's reports, most recent occurrence first, narrowed by `filters`; a page of
    `limit` from `cursor`, or all of them."""
    require(principal.actor, Action.INCIDENT_READ, Target(group_id=principal.group.id))
    query = visible_incidents.filtered(
        visible_incidents.incidents(principal.actor).options(joinedload(Incident.organisation)),
        filters or visible_incidents.Filters())
    return paging.fetch(db, query, order_by=[Incident.occurred_at.desc(), Incident.id.desc()],
                        limit=limit, cursor=cursor)


# What a page asks before it offers a button or a form; the use cases below check again.
def may_read(principal: Principal) -> bool:
    return allowed(principal.actor, Action.INCIDENT_READ, Target(group_id=principal.group.id))


def may_report(principal: Principal) -> bool:
    return allowed(principal.actor, Action.INCIDENT_REPORT, _own(principal))


def may_answer(principal: Principal) -> bool:
    """Whether the caller's organisation answers follow-ups (a party), if it is asked to."""
    return allowed(principal.actor, Action.INCIDENT_ANSWER, _own(principal))


def _own(principal: Principal) -> Target:
    """The caller's own organisation in its group: what it reports and answers as."""
    return Target(group_id=principal.group.id, organisation_id=principal.organisation.id)


def may_close(principal: Principal) -> bool:
    return allowed(principal.actor, Action.FOLLOWUP_CLOSE, Target(group_id=principal.group.id))


def evidence_file(db: Session, *, principal: Principal, incident_id: int, sha256: str,
                  data_dir: Path) -> tuple[Evidence, Path]:
    """An evidence file of an incident the caller may see, and where it is kept."""
    incident = get(db, principal=principal, incident_id=incident_id)
    item = db.scalar(select(Evidence).where(Evidence.incident_id == incident.id,
                                           Evidence.sha256 == sha256))
    path = files.path_of(data_dir, sha256)
    if item is None or not path.exists():
        raise NotFound(f"incident {incident.id} has no evidence {sha256}", field="sha256")
    return item, path


def followup_of(db: Session, incident: Incident) -> FollowUp | None:
    return db.scalar(select(FollowUp).where(FollowUp.incident_id == incident.id))


def content_of(body: IncidentIn, *, organisation: str) -> dict[str, Any]:
    """The claim as hashed into the log: what was said, by whom, in one canonical shape."""
    point = parse_point(body.lon, body.lat, field="/lon")
    return {
        "type": body.type, "organisation": organisation,
        "occurred_at": log.format_time(body.occurred_at),
        "location": {"type": "Point", "coordinates": [round(point.x, 7), round(point.y, 7)]},
        "uncertainty_m": body.uncertainty_m, "place": body.place,
        "casualties": body.casualties.model_dump(), "narrative": body.narrative,
    }


def _digest(value: Any) -> str:
    return hashlib.sha256(canonicalize(value)).hexdigest()


def _public_links(found: list[Link]) -> dict[str, Any]:
    """What the log says of the links: pauses by id; notified sites and movements only by count
    and a digest, since other humanitarian organisations may not learn of them (need to know)."""
    every = [{"kind": k.kind.value, "subject": k.subject, "distance_m": k.distance_m}
             for k in found]
    return {"possible_breach": [k.subject for k in found
                                if k.kind is LinkKind.POSSIBLE_BREACH],
            "notified_affected": sum(k.kind is not LinkKind.POSSIBLE_BREACH for k in found),
            "links_hash": _digest(every)}


def report(db: Session, *, principal: Principal, body: IncidentIn) -> Incident:
    """Record a report as its organisation's claim, link it, and open a follow-up if linked."""
    prepared = _prepare_report(db, principal, body)
    with _change(db, principal) as ch:
        incident = _record_report(ch, principal, prepared)
    return incident


def report_with_evidence(db: Session, *, principal: Principal, body: IncidentIn,
                         files_sent: list[tuple[bytes, str | None]], data_dir: Path,
                         max_bytes: int) -> Incident:
    """A report and its evidence files in one transaction (the web's report form): every file
    is checked before anything is written, and the report, its links, follow-up and evidence
    commit together, so a refused file leaves no report behind."""
    require(principal.actor, Action.INCIDENT_REPORT, _own(principal))
    checked = [(data, *files.checked(data, media_type, max_bytes=max_bytes))
               for data, media_type in files_sent]
    digests = [digest for _, digest, _ in checked]
    if len(set(digests)) != len(digests):
        raise Conflict("the same file was attached twice", field="evidence")
    prepared = _prepare_report(db, principal, body)
    with _change(db, principal) as ch:
        incident = _record_report(ch, principal, prepared)
        for data, digest, kind in checked:
            _attach(ch, principal, incident, data, digest, kind, data_dir)
    return incident


@dataclass(frozen=True)
class _Prepared:
    body: IncidentIn
    content: dict[str, Any]
    found: list[Link]
    now: datetime


def _prepare_report(db: Session, principal: Principal, body: IncidentIn) -> _Prepared:
    """Check a report and find what it touches, before the write transaction: the geometry is
    the slow part, and on SQLite every other writer would wait for it."""
    require(principal.actor, Action.INCIDENT_REPORT, _own(principal))
    now = clock.now()
    if body.occurred_at > now + CLOCK_SKEW:
        raise InvalidInput(f"occurred_at {body.occurred_at.isoformat()} is in the future (now "
                           f"{now.isoformat()}); report what has happened", field="/occurred_at")
    content = content_of(body, organisation=principal.organisation.slug)
    lon, lat = content["location"]["coordinates"]
    found = facts.links_of(db, group_id=principal.group.id, point=parse_point(
        lon, lat, field="/lon"), uncertainty_m=body.uncertainty_m,
        occurred_at=body.occurred_at)
    return _Prepared(body, content, found, now)


def _record_report(ch: Change, principal: Principal, prepared: _Prepared) -> Incident:
    db, body, content, found, now = (ch.db, prepared.body, prepared.content, prepared.found,
                                     prepared.now)
    lon, lat = content["location"]["coordinates"]
    incident = Incident(
        group_id=principal.group.id, organisation_id=principal.organisation.id,
        created_by_id=principal.person.id, incident_type=body.type,
        occurred_at=body.occurred_at, lon=lon, lat=lat, uncertainty_m=body.uncertainty_m,
        killed=body.casualties.killed.total(), injured=body.casualties.injured.total(),
        content=canonicalize(content).decode(), content_hash=_digest(content), reported_at=now,
        log_pending_id=0)
    db.add(incident)
    db.flush()
    for link in found:
        db.add(IncidentLink(incident_id=incident.id, kind=link.kind.value, subject_id=link.subject,
                            distance_m=link.distance_m, reason=link.reason,
                            data=json.dumps(link.data), parties=json.dumps(list(link.parties))))
    concerned = parties_concerned(found)
    if found:
        db.add(FollowUp(incident_id=incident.id, group_id=incident.group_id,
                        state=State.OPEN.value, parties=json.dumps(concerned), opened_at=now,
                        updated_at=now))
    pending = ch.log("incident.reported", {
        "incident": incident.id, "content_hash": incident.content_hash, "content": content,
        "links": _public_links(found), "followup": {"parties": concerned} if found else None})
    incident.log_pending_id = pending.id
    return incident


def add_evidence(db: Session, *, principal: Principal, incident: Incident, data: bytes,
                 media_type: str | None, data_dir: Path, max_bytes: int) -> Evidence:
    """Keep a file of the reporting organisation's by its digest; the log holds the digest."""
    require(principal.actor, Action.INCIDENT_REPORT,
            Target(group_id=incident.group_id, organisation_id=incident.organisation_id))
    if incident.organisation_id != principal.organisation.id:
        raise Forbidden("only the reporting organisation adds evidence to its report",
                        field="incident", extra={"permission": str(Action.INCIDENT_REPORT)})
    digest, kind = files.checked(data, media_type, max_bytes=max_bytes)
    with _change(db, principal) as ch:
        if db.scalar(select(Evidence).where(Evidence.incident_id == incident.id,
                                            Evidence.sha256 == digest)) is not None:
            raise Conflict(f"this file ({digest}) is already evidence of incident {incident.id}",
                           field="evidence")
        item = _attach(ch, principal, incident, data, digest, kind, data_dir)
    return item


def _attach(ch: Change, principal: Principal, incident: Incident, data: bytes, digest: str,
            kind: str, data_dir: Path) -> Evidence:
    files.store(data_dir, digest, data)  # before the commit: the log never names a missing file
    pending = ch.log("incident.evidence_added", {
        "incident": incident.id, "sha256": digest, "size": len(data), "media_type": kind})
    item = Evidence(incident_id=incident.id, sha256=digest, size=len(data), media_type=kind,
                    added_by_id=principal.person.id, added_at=clock.now(),
                    log_pending_id=pending.id)
    ch.db.add(item)
    return item


def _open_followup(db: Session, incident: Incident) -> FollowUp:
    followup = followup_of(db, incident)
    if followup is None:
        raise Conflict(f"incident {incident.id} is linked to no pause, site or movement, so it "
                       "has no follow-up", field="incident")
    return followup


def answered_by(db: Session, followup: FollowUp) -> set[str]:
    rows = db.scalars(select(Answer).where(Answer.followup_id == followup.id))
    return {a.organisation.slug for a in rows}


def answer(db: Session, *, principal: Principal, incident: Incident, text: str) -> Answer:
    """A party concerned puts its answer on record (a log entry), whatever the follow-up's state."""
    require(principal.actor, Action.INCIDENT_ANSWER,
            Target(group_id=incident.group_id, organisation_id=principal.organisation.id))
    with _change(db, principal) as ch:
        followup = _open_followup(db, incident)
        party = principal.organisation.slug
        concerned = set(json.loads(followup.parties))
        if party not in concerned:
            raise Forbidden(f"{party} is not a party concerned by this follow-up (those are: "
                            f"{', '.join(sorted(concerned))})", field="party",
                            extra={"permission": str(Action.INCIDENT_ANSWER)})
        state = State(followup.state)
        after = next_state(state, answer_move(state, concerned=concerned,
                                              answered=answered_by(db, followup) | {party}))
        followup.state, followup.updated_at = after.value, clock.now()
        pending = ch.log("incident.answered", {
            "incident": incident.id, "party": party, "text": text, "followup": after.value})
        item = Answer(followup_id=followup.id, organisation_id=principal.organisation.id,
                      person_id=principal.person.id, text=text, created_at=clock.now(),
                      log_pending_id=pending.id)
        db.add(item)
    return item


def close(db: Session, *, principal: Principal, incident: Incident, reason: str) -> FollowUp:
    """The convener closes an open follow-up, saying why; answers stay, and may still come."""
    require(principal.actor, Action.FOLLOWUP_CLOSE, Target(group_id=incident.group_id))
    with _change(db, principal) as ch:
        followup = _open_followup(db, incident)
        followup.state = next_state(State(followup.state), Move.CLOSE).value
        followup.updated_at, followup.closed_by_id = clock.now(), principal.person.id
        followup.close_reason = reason
        ch.log("incident.followup_closed", {
            "incident": incident.id, "reason": reason,
            "awaiting": sorted(set(json.loads(followup.parties)) - answered_by(db, followup))})
    return followup


def _change(db: Session, principal: Principal) -> AbstractContextManager[Change]:
    return change(db, group=principal.group, actor=principal.log_actor(), subject="incident")

"""Building what the API returns about pauses (read-only; no writes here).

A list is built in a fixed number of statements whatever its length: the current versions,
decisions, transitions, the group's organisations and the log numbers are each read once for
every pause of the page (`pauses_out`); one pause is a list of one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from corridor import clock
from corridor.groups.models import Organisation
from corridor.groups.principal import Principal
from corridor.log import refs
from corridor.pauses import schemas
from corridor.pauses.lifecycle import State, shown, stored_after_clock
from corridor.pauses.models import Pause, PauseDecision, PauseTransition, PauseVersion
from corridor.pauses.window import Window, in_zones


def zones_for(db: Session, pause: Pause, content: dict[str, Any], viewer: Principal | None
              ) -> dict[str, list[str]]:
    orgs = db.scalars(select(Organisation).where(
        Organisation.group_id == pause.group_id,
        Organisation.slug.in_(content["required_signatories"]))).all()
    return _zones(orgs, content, viewer)


def _zones(orgs: Sequence[Organisation], content: dict[str, Any], viewer: Principal | None
           ) -> dict[str, list[str]]:
    signatories = set(content["required_signatories"])
    zones: dict[str, list[str]] = {}
    for org in orgs:
        if org.slug in signatories:
            zones.setdefault(org.timezone, []).append(org.slug)
    if viewer is not None:
        zone = viewer.person.timezone or viewer.organisation.timezone
        zones.setdefault(zone, []).append("you")
    return zones


@dataclass
class _Loaded:
    """What the pauses of one page need besides their own rows, read once for all of them."""

    versions: dict[int, PauseVersion]
    decisions: dict[int, list[PauseDecision]]
    history: dict[int, list[PauseTransition]]
    orgs: list[Organisation]
    indexes: dict[int, int | None]


def _load(db: Session, pauses: Sequence[Pause]) -> _Loaded:
    ids = [p.id for p in pauses]
    versions = {v.pause_id: v for v in db.scalars(
        select(PauseVersion).join(Pause, (Pause.id == PauseVersion.pause_id)
                                  & (Pause.current_version == PauseVersion.number))
        .where(Pause.id.in_(ids)))}
    decisions: dict[int, list[PauseDecision]] = defaultdict(list)
    for d in db.scalars(select(PauseDecision).options(
            joinedload(PauseDecision.person), joinedload(PauseDecision.key))
            .where(PauseDecision.pause_id.in_(ids)).order_by(PauseDecision.id)):
        decisions[d.pause_id].append(d)
    history: dict[int, list[PauseTransition]] = defaultdict(list)
    for h in db.scalars(select(PauseTransition).where(PauseTransition.pause_id.in_(ids))
                        .order_by(PauseTransition.id)):
        history[h.pause_id].append(h)
    # Every member of the group, once: authors, signatories' zones and deciders are among them
    # (loaded here, the pauses' and decisions' organisations need no query of their own).
    group_ids = {p.group_id for p in pauses}
    orgs = list(db.scalars(select(Organisation).where(Organisation.group_id.in_(group_ids))
                           .order_by(Organisation.id)))
    indexes = refs.indexes(db, [d.log_pending_id for ds in decisions.values() for d in ds])
    return _Loaded(versions, decisions, history, orgs, indexes)


def _pause(loaded: _Loaded, pause: Pause, viewer: Principal | None, now: datetime
           ) -> schemas.PauseOut:
    version = loaded.versions[pause.id]
    content = json.loads(version.content)
    window = Window(pause.window_start, pause.window_end)
    out_decisions = []
    latest: dict[str, str] = {}
    for d in loaded.decisions[pause.id]:
        out_decisions.append(schemas.DecisionOut(
            organisation=d.organisation.slug, decision=d.decision, version=d.version,
            person=d.person.username, key_fingerprint=d.key.fingerprint, signed_at=d.created_at,
            log_index=loaded.indexes.get(d.log_pending_id),
            void=d.version != pause.current_version))
        if d.version == pause.current_version:
            latest[d.organisation.slug] = d.decision
    agreed = {p for p, dec in latest.items() if dec == "agree"}
    stored = stored_after_clock(State(pause.state), start=pause.window_start, now=now)
    return schemas.PauseOut(
        id=pause.id,
        group=viewer.group.slug if viewer else "",
        author=pause.author.slug,
        status=shown(State(pause.state), start=pause.window_start, end=pause.window_end, now=now),
        stored_state=stored.value,
        current_version=pause.current_version,
        version_hash=version.version_hash,
        content=content,
        windows=[schemas.ZoneWindow(zone=w["zone"], start=w["start"], end=w["end"],
                                    abbreviation=w.get("abbreviation"), for_=w["for"])
                 for w in in_zones(window, _zones(loaded.orgs, content, viewer))],
        consents=out_decisions,
        awaiting=sorted(set(content["required_signatories"]) - agreed),
        history=[{"from": h.from_state, "to": h.to_state, "move": h.move, "version": h.version,
                  "by": h.by_organisation, "at": h.at.isoformat()}
                 for h in loaded.history[pause.id]],
    )


def pauses_out(db: Session, pauses: Sequence[Pause], viewer: Principal | None
               ) -> list[schemas.PauseOut]:
    """What the API shows of each pause, in the order given."""
    if not pauses:
        return []
    loaded, now = _load(db, pauses), clock.now()
    return [_pause(loaded, p, viewer, now) for p in pauses]


def pause_out(db: Session, pause: Pause, viewer: Principal | None) -> schemas.PauseOut:
    return pauses_out(db, [pause], viewer)[0]


def current(db: Session, pause_ids: Collection[int] | Select[int]
            ) -> dict[int, tuple[Pause, dict[str, Any]]]:
    """Each pause with the content of its current version, in one statement (no check of who
    may see them: callers pass ids, or a query of ids, from `visible` or a row that links
    them)."""
    rows = db.execute(select(Pause, PauseVersion.content).join(
        PauseVersion, (PauseVersion.pause_id == Pause.id)
        & (PauseVersion.number == Pause.current_version)).where(Pause.id.in_(pause_ids)))
    return {pause.id: (pause, json.loads(content)) for pause, content in rows}


def versions(db: Session, pause: Pause) -> list[PauseVersion]:
    return list(db.scalars(select(PauseVersion).where(PauseVersion.pause_id == pause.id)
                           .order_by(PauseVersion.number)))


def datetime_of(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))

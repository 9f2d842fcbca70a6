"""Building what the API returns about a pause (read-only; no writes here)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.groups.models import Organisation
from corridor.groups.principal import Principal
from corridor.log import service as log
from corridor.pauses import schemas
from corridor.pauses.lifecycle import State, shown, stored_after_clock
from corridor.pauses.models import Pause, PauseTransition, PauseVersion
from corridor.pauses.service import current_version, decisions
from corridor.pauses.window import Window, in_zones


def zones_for(db: Session, pause: Pause, content: dict[str, Any], viewer: Principal | None
              ) -> dict[str, list[str]]:
    orgs = db.scalars(select(Organisation).where(
        Organisation.group_id == pause.group_id,
        Organisation.slug.in_(content["required_signatories"]))).all()
    zones: dict[str, list[str]] = {}
    for org in orgs:
        zones.setdefault(org.timezone, []).append(org.slug)
    if viewer is not None:
        zone = viewer.person.timezone or viewer.organisation.timezone
        zones.setdefault(zone, []).append("you")
    return zones


def pause_out(db: Session, pause: Pause, viewer: Principal | None) -> schemas.PauseOut:
    version = current_version(db, pause)
    content = json.loads(version.content)
    now = clock.now()
    window = Window(pause.window_start, pause.window_end)
    out_decisions = []
    latest: dict[str, str] = {}
    for d in decisions(db, pause):
        out_decisions.append(schemas.DecisionOut(
            organisation=d.organisation.slug, decision=d.decision, version=d.version,
            person=d.person.username, key_fingerprint=d.key.fingerprint, signed_at=d.created_at,
            log_index=log.seq_of(db, d.log_pending_id),
            void=d.version != pause.current_version))
        if d.version == pause.current_version:
            latest[d.organisation.slug] = d.decision
    agreed = {p for p, dec in latest.items() if dec == "agree"}
    history = db.scalars(select(PauseTransition).where(PauseTransition.pause_id == pause.id)
                         .order_by(PauseTransition.id)).all()
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
                 for w in in_zones(window, zones_for(db, pause, content, viewer))],
        consents=out_decisions,
        awaiting=sorted(set(content["required_signatories"]) - agreed),
        history=[{"from": h.from_state, "to": h.to_state, "move": h.move, "version": h.version,
                  "by": h.by_organisation, "at": h.at.isoformat()} for h in history],
    )


def versions(db: Session, pause: Pause) -> list[PauseVersion]:
    return list(db.scalars(select(PauseVersion).where(PauseVersion.pause_id == pause.id)
                           .order_by(PauseVersion.number)))


def datetime_of(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))

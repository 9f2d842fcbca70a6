"""Use cases of pauses; the only code that writes them. Each change and its log entry commit
together; a racing change to the same pause fails as a conflict instead of both winning."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.errors import Conflict, InvalidInput, InvalidSignature, NotFound
from corridor.groups.models import Organisation, SigningKey
from corridor.groups.principal import Principal
from corridor.log import service as log
from corridor.log import signing
from corridor.log.canonical import canonicalize
from corridor.pauses import consent
from corridor.pauses.content import normalise, version_hash
from corridor.pauses.lifecycle import Move, State, next_state, stored_after_clock, withdrawal_move
from corridor.pauses.models import Pause, PauseDecision, PauseTransition, PauseVersion
from corridor.pauses.schemas import PauseContentIn, SignedStatementIn
from corridor.policy import Action, Target, allowed, require
from corridor.uow import Change, change


def target(pause: Pause) -> Target:
    return Target(group_id=pause.group_id, organisation_id=pause.organisation_id,
                  is_draft=pause.state == State.DRAFT)


def _parties(db: Session, group_id: int) -> dict[str, str]:
    rows = db.execute(
        select(Organisation.slug, Organisation.timezone).where(
            Organisation.group_id == group_id, Organisation.kind == "party")
    ).all()
    return {r.slug: r.timezone for r in rows}


def _bbox(content: dict[str, Any]) -> tuple[float, float, float, float]:
    from shapely.geometry import shape
    from shapely.ops import unary_union

    parts = [shape(content["area"])] if content["area"] else []
    if content["corridor"]:
        parts.append(shape(content["corridor"]["route"]))
    minx, miny, maxx, maxy = unary_union(parts).bounds
    return float(minx), float(miny), float(maxx), float(maxy)


def _set_version_fields(pause: Pause, content: dict[str, Any]) -> None:
    from datetime import datetime

    pause.window_start = datetime.fromisoformat(content["window"]["start"])
    pause.window_end = datetime.fromisoformat(content["window"]["end"])
    pause.purposes = ",".join(content["purposes"])
    pause.min_lon, pause.min_lat, pause.max_lon, pause.max_lat = _bbox(content)


def _transition(db: Session, pause: Pause, move: Move, by: Principal | None) -> State:
    before = State(pause.state)
    after = next_state(before, move)
    pause.state = after.value
    pause.updated_at = clock.now()
    if before is not after or move in (Move.PROPOSE, Move.AGREE):
        db.add(PauseTransition(
            pause_id=pause.id, from_state=before.value, to_state=after.value, move=move.value,
            version=pause.current_version, by_organisation=by.organisation.slug if by else None,
            at=clock.now()))
    return after


def _apply_clock(ch: Change, pause: Pause) -> None:
    """Persist a lapse the clock already decided, with its log entry, before any other move."""
    if stored_after_clock(State(pause.state), start=pause.window_start,
                          now=clock.now()) is State.LAPSED and pause.state != State.LAPSED:
        _transition(ch.db, pause, Move.LAPSE, None)
        ch.log("pause.lapsed", {"pause": pause.id, "version": pause.current_version},
               actor=log.LogActor(None, "clock"))


def get(db: Session, *, principal: Principal, pause_id: int) -> Pause:
    """A pause the caller may see (another organisation's draft does not exist for them)."""
    pause = db.get(Pause, pause_id)
    if pause is None or pause.group_id != principal.group.id:
        raise NotFound(f"no pause {pause_id} in this group", field="pause")
    require(principal.actor, Action.PAUSE_READ, target(pause))
    return pause


# What a page asks before it offers a button or a form; the use cases below check again.
def may_propose(principal: Principal) -> bool:
    return allowed(principal.actor, Action.PAUSE_PROPOSE, Target(group_id=principal.group.id))


def may_amend(principal: Principal, pause: Pause) -> bool:
    return allowed(principal.actor, Action.PAUSE_AMEND, target(pause))


def may_consent(principal: Principal, pause: Pause) -> bool:
    """The caller's organisation may sign for itself (whether it must: the pause's content)."""
    return allowed(principal.actor, Action.PAUSE_CONSENT, _own_decision(principal, pause))


def check_propose(principal: Principal) -> None:
    require(principal.actor, Action.PAUSE_PROPOSE, Target(group_id=principal.group.id))


def check_amend(principal: Principal, pause: Pause) -> None:
    require(principal.actor, Action.PAUSE_AMEND, target(pause))


def check_consent(principal: Principal, pause: Pause) -> None:
    require(principal.actor, Action.PAUSE_CONSENT, _own_decision(principal, pause))


def _own_decision(principal: Principal, pause: Pause) -> Target:
    return Target(group_id=pause.group_id, organisation_id=principal.organisation.id)


def create(
    db: Session, *, principal: Principal, content: PauseContentIn, propose: bool,
    max_vertices: int,
) -> Pause:
    """A new pause: a private draft, or proposed to the group at once."""
    check_propose(principal)
    group = principal.group
    normal, _ = normalise(content, parties=_parties(db, group.id), max_hours=group.max_pause_hours,
                          max_vertices=max_vertices, now=clock.now() if propose else None)
    with _change(db, principal) as ch:
        now = clock.now()
        pause = Pause(group_id=group.id, organisation_id=principal.organisation.id,
                      state=State.DRAFT.value, current_version=1, created_at=now, updated_at=now)
        _set_version_fields(pause, normal)
        db.add(pause)
        db.flush()
        vhash = _add_version(db, pause, normal, principal)
        db.add(PauseTransition(
            pause_id=pause.id, from_state=None, to_state=State.DRAFT.value, move="create",
            version=1, by_organisation=principal.organisation.slug, at=now))
        if propose:
            _transition(db, pause, Move.PROPOSE, principal)
            entry = {"pause": pause.id, "version": 1, "version_hash": vhash, "content": normal}
            kind = "pause.proposed"
        else:
            # Drafts are private to their author: the log records only that one exists, by its hash.
            entry = {"pause": pause.id, "version": 1, "version_hash": vhash}
            kind = "pause.drafted"
        ch.log(kind, entry)
    return pause


def _add_version(db: Session, pause: Pause, normal: dict[str, Any], principal: Principal) -> str:
    vhash = version_hash(normal)
    db.add(PauseVersion(pause_id=pause.id, number=pause.current_version,
                        content=canonicalize(normal).decode(), version_hash=vhash,
                        created_by_id=principal.person.id, created_at=clock.now()))
    return vhash


def propose(db: Session, *, principal: Principal, pause: Pause) -> Pause:
    """Put a draft before the group."""
    check_amend(principal, pause)
    if pause.organisation_id != principal.organisation.id:
        raise NotFound(f"no pause {pause.id} in this group", field="pause")
    with _change(db, principal) as ch:
        version = current_version(db, pause)
        if pause.window_start <= clock.now():
            raise InvalidInput("the window has already started; amend it before proposing",
                               field="/window/start")
        _transition(db, pause, Move.PROPOSE, principal)
        ch.log("pause.proposed", {
            "pause": pause.id, "version": version.number, "version_hash": version.version_hash,
            "content": json.loads(version.content)})
    return pause


def amend(
    db: Session, *, principal: Principal, pause: Pause, content: PauseContentIn,
    base_version: int, max_vertices: int,
) -> Pause:
    """A new version; every consent to an older version is void from now on."""
    check_amend(principal, pause)
    with _change(db, principal) as ch:
        _amend(ch, principal, pause, content, base_version, max_vertices)
    return pause


def _amend(ch: Change, principal: Principal, pause: Pause, content: PauseContentIn,
           base_version: int, max_vertices: int) -> None:
    db = ch.db
    _apply_clock(ch, pause)
    next_state(State(pause.state), Move.AMEND)  # refuse early, naming the allowed moves
    if base_version != pause.current_version:
        raise Conflict(f"you amended version {base_version}, but the current version is "
                       f"{pause.current_version}; read it and amend again", field="/base_version")
    group = principal.group
    is_draft = pause.state == State.DRAFT
    normal, _ = normalise(content, parties=_parties(db, group.id), max_hours=group.max_pause_hours,
                          max_vertices=max_vertices, now=None if is_draft else clock.now())
    if version_hash(normal) == current_version(db, pause).version_hash:
        raise InvalidInput("the amendment changes nothing", field="/content")
    voided = sorted(_agreed_parties(db, pause))
    pause.current_version += 1
    _set_version_fields(pause, normal)
    vhash = _add_version(db, pause, normal, principal)
    _transition(db, pause, Move.AMEND, principal)
    payload: dict[str, Any] = {"pause": pause.id, "version": pause.current_version,
                               "version_hash": vhash}
    if not is_draft:
        payload.update(content=normal, voided_consents=voided)
    ch.log("pause.drafted" if is_draft else "pause.amended", payload)


def current_version(db: Session, pause: Pause) -> PauseVersion:
    version = db.get(PauseVersion, (pause.id, pause.current_version))
    assert version is not None
    return version


def decisions(db: Session, pause: Pause) -> list[PauseDecision]:
    return list(db.scalars(select(PauseDecision).where(PauseDecision.pause_id == pause.id)
                           .order_by(PauseDecision.id)))


def _agreed_parties(db: Session, pause: Pause) -> set[str]:
    """Parties whose latest decision on the current version is to agree."""
    latest: dict[str, str] = {}
    for d in decisions(db, pause):
        if d.version == pause.current_version:
            latest[d.organisation.slug] = d.decision
    return {party for party, decision in latest.items() if decision == "agree"}


def decide(
    db: Session, *, principal: Principal, pause: Pause, body: SignedStatementIn, decision: str
) -> Pause:
    """Record a party's signed agree, decline or withdraw, after every check of consent.py."""
    check_consent(principal, pause)
    with _change(db, principal) as ch:
        _decide(ch, principal, pause, body, decision)
    return pause


def _decide(ch: Change, principal: Principal, pause: Pause, body: SignedStatementIn,
            decision: str) -> None:
    db, party = ch.db, principal.organisation.slug
    _apply_clock(ch, pause)
    version = current_version(db, pause)
    content = json.loads(version.content)
    if party not in content["required_signatories"]:
        raise InvalidSignature(f"{party} is not a required signatory of this pause",
                               field="/statement/party")
    key = db.scalar(select(SigningKey).join(Organisation).where(
        SigningKey.fingerprint == body.key, Organisation.group_id == pause.group_id))
    if key is None:
        raise InvalidSignature(f"no key {body.key} is registered in this group", field="/key")
    consent.check(
        body.statement, body.signature,
        consent.KeyFacts(key.organisation.slug, signing.decode_public_key(key.public_key),
                         key.purpose, key.revoked_at is not None),
        consent.Expected(principal.group.slug, pause.id, version.number, version.version_hash,
                         party, decision))
    state, now = State(pause.state), clock.now()
    agreed_before = _agreed_parties(db, pause)
    if decision == "agree":
        move = Move.CONSENT
        if party in agreed_before:
            raise Conflict(f"{party} already agreed to version {version.number}",
                           field="/statement", extra={"check": "replay"})
    elif decision == "decline":
        move = Move.DECLINE
    else:
        move = withdrawal_move(state, start=pause.window_start, end=pause.window_end, now=now)
        if party not in agreed_before:
            raise Conflict(f"{party} has no consent to version {version.number} to withdraw",
                           field="/statement")
    next_state(state, move)  # refuse before writing anything
    _record_decision(ch, principal, pause, body, decision, move, key, version.number,
                     agreed_before | {party} >= set(content["required_signatories"]))


def _record_decision(
    ch: Change, principal: Principal, pause: Pause, body: SignedStatementIn, decision: str,
    move: Move, key: SigningKey, version_number: int, all_agreed: bool,
) -> None:
    db, party, now = ch.db, principal.organisation.slug, clock.now()
    pending = ch.log(
        f"pause.{_past[decision]}", {"pause": pause.id, "version": version_number, "party": party},
        actor=principal.log_actor(key.fingerprint),
        signature={"key": key.fingerprint, "statement": body.statement, "value": body.signature})
    db.add(PauseDecision(
        pause_id=pause.id, version=version_number, organisation_id=principal.organisation.id,
        decision=decision, statement=canonicalize(body.statement).decode(),
        signature=body.signature, signing_key_id=key.id, person_id=principal.person.id,
        created_at=now, log_pending_id=pending.id))
    _transition(db, pause, move, principal)
    if decision == "agree" and all_agreed:
        _transition(db, pause, Move.AGREE, principal)
        ch.log("pause.agreed", {"pause": pause.id, "version": version_number,
                                "version_hash": body.statement["version_hash"]})


_past = {"agree": "consented", "decline": "declined", "withdraw": "withdrawn"}


def _change(db: Session, principal: Principal) -> AbstractContextManager[Change]:
    """A change to a pause; a racing amendment or signature makes it a conflict naming the pause."""
    return change(db, group=principal.group, actor=principal.log_actor(), subject="pause")

"""Accepting a member witness's cosignature of a checkpoint this server issued.

Not a log entry: a cosignature is a signature *on* the log, verifiable on its own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.db import begin_for_write
from corridor.errors import Conflict, InvalidSignature, NotFound
from corridor.groups.models import Group, Organisation, SigningKey
from corridor.groups.principal import Principal
from corridor.log import note, signing
from corridor.log.models import Checkpoint, Cosignature
from corridor.policy import Action, Target, require


def witness_name(organisation: Organisation) -> str:
    """The name a member's witness key signs under: the member's slug within the group."""
    return f"{organisation.group.slug}/{organisation.slug}"


def add_cosignature(
    db: Session, *, group: Group, organisation: Organisation, size: int, line: str
) -> Cosignature:
    """Accept a member witness's cosignature of a checkpoint this server issued."""
    cp = db.get(Checkpoint, (group.id, size))
    if cp is None:
        raise NotFound(f"this server issued no checkpoint of size {size}", field="size")
    keys = db.scalars(
        select(SigningKey).where(
            SigningKey.organisation_id == organisation.id,
            SigningKey.purpose == "witness",
            SigningKey.revoked_at.is_(None),
        )
    ).all()
    if not keys:
        raise InvalidSignature(
            f"{organisation.slug} has no registered witness key; register one with "
            "`corridor keys register --purpose witness`", field="/cosignature")
    name = witness_name(organisation)
    body = note.parse_note_text(cp.note)
    for key in keys:
        verifier = note.CosignatureVerifier(name, signing.decode_public_key(key.public_key))
        timestamp = verifier.verify_line(body, line)
        if timestamp is not None:
            break
    else:
        raise InvalidSignature(
            f"the cosignature does not verify with any witness key of {organisation.slug} "
            f"under the name '{name}' for the checkpoint of size {size}", field="/cosignature")
    begin_for_write(db)
    dup = db.scalar(
        select(Cosignature.id).where(
            Cosignature.group_id == group.id, Cosignature.size == size,
            Cosignature.signing_key_id == key.id)
    )
    if dup is not None:
        raise Conflict("this witness key already cosigned that checkpoint",
                       field="/cosignature")
    cosig = Cosignature(
        group_id=group.id, size=size, signing_key_id=key.id, line=line.strip(),
        timestamp=timestamp, created_at=clock.now(),
    )
    db.add(cosig)
    db.commit()
    return cosig


def cosign_as_member(db: Session, *, principal: Principal, size: int, line: str) -> Cosignature:
    """A member's witness cosigns a checkpoint it verified (its organisation's witness keys)."""
    require(principal.actor, Action.LOG_COSIGN, Target(group_id=principal.group.id))
    return add_cosignature(db, group=principal.group, organisation=principal.organisation,
                           size=size, line=line)

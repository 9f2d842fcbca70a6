"""Issuing signed checkpoints (C2SP tlog-checkpoint) and accepting witness cosignatures."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.db import begin_for_write
from corridor.errors import Conflict, InvalidSignature, NotFound
from corridor.groups.models import Group, Organisation, SigningKey
from corridor.log import keyfile, note, signing
from corridor.log.models import Checkpoint, Cosignature, LogHead

DEFAULT_INTERVAL = timedelta(seconds=1)


def origin_of(group: Group) -> str:
    """The checkpoint origin line: the name in the group's verifier key."""
    return group.log_verifier_key.split("+", 1)[0]


def latest(db: Session, *, group_id: int) -> Checkpoint | None:
    return db.scalars(
        select(Checkpoint)
        .where(Checkpoint.group_id == group_id)
        .order_by(Checkpoint.size.desc())
        .limit(1)
    ).first()


def issue_if_due(db: Session, *, head: LogHead, force: bool = False) -> Checkpoint | None:
    """Sign a checkpoint of the head if it grew and the last one is old enough (or `force`).

    Runs under the head's row lock, so two writers never sign two checkpoints of one size.
    """
    last = latest(db, group_id=head.group_id)
    if last is not None and last.size >= head.size:
        return last
    interval = db.info.get("checkpoint_interval", DEFAULT_INTERVAL)
    if not force and last is not None and clock.now() - last.created_at < interval:
        return None
    key_dir: Path | None = db.info.get("log_key_dir")
    if key_dir is None:
        return None  # a session without keys (a tool) sequences but does not sign
    group = db.get(Group, head.group_id)
    assert group is not None
    origin = origin_of(group)
    signer = keyfile.load_signer(key_dir, slug=group.slug, origin=origin)
    body = note.Checkpoint(origin=origin, size=head.size, root_hash=head.root).body()
    cp = Checkpoint(
        group_id=head.group_id,
        size=head.size,
        root=head.root,
        note=note.sign_note(body, [signer]),
        created_at=clock.now(),
    )
    db.add(cp)
    db.flush()
    return cp


def current(db: Session, *, group: Group) -> Checkpoint:
    """The newest checkpoint (a read: the integrator signs new ones, at most once a second)."""
    cp = latest(db, group_id=group.id)
    if cp is None:
        raise NotFound("this log has no checkpoint yet")
    return cp


def with_cosignatures(db: Session, cp: Checkpoint) -> str:
    """The checkpoint note with every accepted cosignature line appended."""
    lines = db.scalars(
        select(Cosignature.line)
        .where(Cosignature.group_id == cp.group_id, Cosignature.size == cp.size)
        .order_by(Cosignature.id)
    ).all()
    return cp.note + "".join(line + "\n" for line in lines)


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
    # Not a log entry: a cosignature is a signature *on* the log, verifiable on its own.
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

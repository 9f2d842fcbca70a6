"""Issuing signed checkpoints (C2SP tlog-checkpoint) and reading them with their cosignatures.

The log knows nothing of contact groups: the name a group's key file is stored under and the
checkpoint origin come from a source registered at start-up (`corridor.wiring`), so that
`groups`, which logs its own changes, can sit above the log without a cycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.errors import NotFound
from corridor.log import keyfile, note
from corridor.log.models import Checkpoint, Cosignature, LogHead

# (session, group id) -> (the name of its key file, its checkpoint origin)
KeyNames = Callable[[Session, int], tuple[str, str]]
_key_names: list[KeyNames] = []

DEFAULT_INTERVAL = timedelta(seconds=1)


def register_key_names(source: KeyNames) -> None:
    """Where the log finds a group's key file and origin (called by `corridor.wiring`)."""
    _key_names[:] = [source]


def origin_of(verifier_key: str) -> str:
    """The checkpoint origin line: the name in a C2SP verifier key."""
    return verifier_key.split("+", 1)[0]


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
    if not _key_names:
        raise RuntimeError("no source of the groups' log key names is registered; call "
                           "corridor.wiring.register() at start-up (create_app and the CLI do)")
    slug, origin = _key_names[0](db, head.group_id)
    signer = keyfile.load_signer(key_dir, slug=slug, origin=origin)
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


def current(db: Session, *, group_id: int) -> Checkpoint:
    """The newest checkpoint (a read: the integrator signs new ones, at most once a second)."""
    cp = latest(db, group_id=group_id)
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

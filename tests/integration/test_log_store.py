"""The store-backed log: proofs from O(log n) stored nodes equal those computed from every
leaf, and concurrent writers get gapless, unique sequence numbers."""

from __future__ import annotations

import random
import threading
from types import SimpleNamespace

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.db import make_sessionmaker
from corridor.log import merkle, proofs
from corridor.log import service as log
from corridor.log.models import LogEntry
from corridor.uow import change
from tests.factories import World


def leaves(db: Session, group_id: int) -> list[bytes]:
    return list(db.scalars(select(LogEntry.leaf_hash).where(LogEntry.group_id == group_id)
                           .order_by(LogEntry.seq)))


def append_many(db: Session, world: World, n: int, batch: int) -> None:
    for i in range(n):
        log.append(db, group_id=world.group.id, group_slug=world.group.slug,
                   actor=log.LogActor("convener", "convener.admin"), type="test.note",
                   payload={"i": i})
        if i % batch == batch - 1:
            db.commit()
            log.sequence(db, group_id=world.group.id)
    db.commit()
    log.sequence(db, group_id=world.group.id)


def test_store_proofs_equal_proofs_from_all_leaves_for_random_sizes(
    db: Session, world: World
) -> None:
    rng = random.Random(6962)
    append_many(db, world, 300, batch=37)
    hashes = leaves(db, world.group.id)
    size_now = len(hashes)
    assert proofs.root_at(db, group_id=world.group.id, size=size_now) == merkle.root(hashes)
    for _ in range(60):
        size = rng.randint(1, size_now)
        index = rng.randrange(size)
        got = proofs.inclusion(db, group_id=world.group.id, index=index, size=size)
        assert got == merkle.inclusion_proof(hashes, index, size)
        merkle.verify_inclusion(hashes[index], index, size, got, merkle.root(hashes[:size]))
        old = rng.randint(1, size)
        cons = proofs.consistency(db, group_id=world.group.id, old=old, new=size)
        assert cons == merkle.consistency_proof(hashes, old, size)
        merkle.verify_consistency(old, size, merkle.root(hashes[:old]),
                                  merkle.root(hashes[:size]), cons)
    db.rollback()


def test_concurrent_writers_get_gapless_unique_sequence_numbers(
    engine: Engine, settings: Settings, db: Session, world: World
) -> None:
    # Plain values: after a rollback, touching world.group would reopen a transaction on `db`
    # (SQLite: holding the write lock) from the writer threads.
    group = SimpleNamespace(id=world.group.id, slug=world.group.slug)
    before = len(leaves(db, group.id))
    db.rollback()
    maker = make_sessionmaker(engine, log_key_dir=settings.log_key_dir, checkpoint_interval=0)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with maker() as s:
                for i in range(25):
                    actor = log.LogActor("convener", f"writer-{n}")
                    with change(s, group=group, actor=actor) as ch:
                        ch.log("test.note", {"writer": n, "i": i})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    rows = db.execute(select(LogEntry.seq, LogEntry.data).where(
        LogEntry.group_id == group.id).order_by(LogEntry.seq)).all()
    assert [r.seq for r in rows] == list(range(before + 150))
    hashes = [merkle.leaf_hash(r.data) for r in rows]
    assert proofs.root_at(db, group_id=group.id, size=len(rows)) == merkle.root(hashes)
    db.rollback()

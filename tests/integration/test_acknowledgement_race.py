"""Two people of one party acknowledging the same movement at once: exactly one receipt and one
log entry, the other refused (threads against the real database)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from corridor.config import Settings
from corridor.db import make_sessionmaker
from corridor.errors import Conflict
from corridor.groups.principal import Principal
from corridor.log.models import LogEntry
from corridor.notifications import service as notifications
from corridor.notifications.models import Acknowledgement, Movement
from corridor.notifications.schemas import MovementIn
from tests.factories import World
from tests.notifications_helpers import movement_body

ROUNDS = 10


def principal(world: World, username: str) -> Principal:
    person = world.people[username]
    return Principal(person=person, organisation=person.organisation, group=world.group)


def race(maker: sessionmaker[Session], movement_id: int, racers: list[Principal]) -> list[str]:
    """Each racer acknowledges the movement at the same moment; what each was told."""
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def acknowledge(who: Principal) -> None:
        with maker() as s:
            movement = s.get(Movement, movement_id)
            assert movement is not None
            s.commit()  # SQLite's write lock is taken at BEGIN: hold none at the barrier
            barrier.wait(timeout=30)
            try:
                notifications.acknowledge(s, principal=who, subject=movement, party=None)
                outcomes.append("recorded")
            except Conflict:
                outcomes.append("refused")

    threads = [threading.Thread(target=acknowledge, args=(p,)) for p in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.slow
def test_racing_acknowledgements_by_one_party_record_exactly_one(
    engine: Engine, settings: Settings, db: Session, world: World
) -> None:
    maker = make_sessionmaker(engine, log_key_dir=settings.log_key_dir, checkpoint_interval=0)
    notifier = principal(world, "aid-one.operator")
    racers = [principal(world, u) for u in ("party-a.operator", "party-a.admin")]
    db.commit()  # loading those began a transaction; on SQLite it would hold the write lock
    for _ in range(ROUNDS):
        with maker() as s:
            movement_id = notifications.notify_movement(
                s, principal=notifier, body=MovementIn.model_validate(movement_body()),
                max_vertices=1000).id
        outcomes = race(maker, movement_id, racers)
        assert sorted(outcomes) == ["recorded", "refused"]
        # A separate session: ending one of `db` would expire the principals' rows, and their
        # reloading would then hold SQLite's write lock against the next round.
        with maker() as s:
            receipts = s.scalar(select(func.count()).select_from(Acknowledgement)
                                .where(Acknowledgement.movement_id == movement_id))
            entries = s.scalars(select(LogEntry.data).where(
                LogEntry.type == "movement.acknowledged")).all()
        assert receipts == 1
        assert sum(f'"movement":{movement_id},' in e.decode() for e in entries) == 1

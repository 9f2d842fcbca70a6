"""Two people of one party acknowledging the same movement at once: exactly one receipt and one
log entry, the other refused (threads against the real database)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

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


@pytest.mark.slow
def test_racing_acknowledgements_by_one_party_record_exactly_one(
    engine: Engine, settings: Settings, db: Session, world: World
) -> None:
    maker = make_sessionmaker(engine, log_key_dir=settings.log_key_dir, checkpoint_interval=0)
    notifier = principal(world, "aid-one.operator")
    racers = [principal(world, u) for u in ("party-a.operator", "party-a.admin")]
    for _ in range(ROUNDS):
        with maker() as s:
            movement_id = notifications.notify_movement(
                s, principal=notifier, body=MovementIn.model_validate(movement_body()),
                max_vertices=1000).id
        barrier = threading.Barrier(len(racers))
        outcomes: list[str] = []

        def acknowledge(who: Principal) -> None:
            with maker() as s:
                movement = s.get(Movement, movement_id)
                assert movement is not None
                barrier.wait()
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
        assert sorted(outcomes) == ["recorded", "refused"]
        receipts = db.scalar(select(func.count()).select_from(Acknowledgement)
                             .where(Acknowledgement.movement_id == movement_id))
        entries = db.scalars(select(LogEntry.data).where(
            LogEntry.type == "movement.acknowledged")).all()
        db.rollback()
        assert receipts == 1
        assert sum(f'"movement":{movement_id},' in e.decode() for e in entries) == 1

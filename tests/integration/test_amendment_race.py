"""Two amendments of the same version of a movement at once: exactly one becomes version 2 with
one log entry, the other is told to read it again (threads against the real database)."""

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
from corridor.notifications import amend
from corridor.notifications import service as notifications
from corridor.notifications.models import Movement, NoticeVersion
from corridor.notifications.schemas import MovementAmendIn, MovementIn
from tests.factories import World
from tests.integration.test_acknowledgement_race import principal
from tests.notifications_helpers import movement_body

ROUNDS = 5


def race(maker: sessionmaker[Session], movement_id: int, racers: list[Principal]) -> list[str]:
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def amend_it(who: Principal, staff: int) -> None:
        with maker() as s:
            movement = s.get(Movement, movement_id)
            assert movement is not None
            s.commit()  # SQLite's write lock is taken at BEGIN: hold none at the barrier
            barrier.wait(timeout=30)
            body = MovementAmendIn.model_validate({**movement_body(staff=staff), "version": 1})
            try:
                amend.amend_movement(s, principal=who, movement=movement, body=body,
                                     max_vertices=1000)
                outcomes.append("amended")
            except Conflict:
                outcomes.append("refused")

    threads = [threading.Thread(target=amend_it, args=(p, 30 + i))
               for i, p in enumerate(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.slow
def test_racing_amendments_of_one_version_make_exactly_one_new_version(
    engine: Engine, settings: Settings, db: Session, world: World
) -> None:
    maker = make_sessionmaker(engine, log_key_dir=settings.log_key_dir, checkpoint_interval=0)
    racers = [principal(world, u) for u in ("aid-one.operator", "aid-one.admin")]
    db.commit()
    for _ in range(ROUNDS):
        with maker() as s:
            movement_id = notifications.notify_movement(
                s, principal=racers[0], body=MovementIn.model_validate(movement_body()),
                max_vertices=1000).id
        assert sorted(race(maker, movement_id, racers)) == ["amended", "refused"]
        with maker() as s:
            movement = s.get(Movement, movement_id)
            assert movement is not None and movement.version == 2
            kept = s.scalar(select(func.count()).select_from(NoticeVersion)
                            .where(NoticeVersion.movement_id == movement_id))
            entries = s.scalars(select(LogEntry.data).where(
                LogEntry.type == "movement.amended")).all()
        assert kept == 1
        assert sum(f'"movement":{movement_id},' in e.decode() for e in entries) == 1

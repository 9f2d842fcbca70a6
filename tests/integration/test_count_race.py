"""Two people of the lead organisation recording departures from the same bus at once, each
fitting alone but not together: one is recorded, the other refused with the numbers (threads
against the real database)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from corridor.config import Settings
from corridor.db import make_sessionmaker
from corridor.errors import InvalidInput
from corridor.groups.principal import Principal
from corridor.operations import facts
from corridor.operations import service as operations
from corridor.operations.models import Operation
from corridor.operations.schemas import CountIn, DepartureIn, OperationIn
from corridor.pauses import service as pauses
from corridor.pauses.schemas import PauseContentIn
from tests.factories import World
from tests.operations_helpers import stages
from tests.pauses_helpers import content

ROUNDS = 5


def principal(world: World, username: str) -> Principal:
    person = world.people[username]
    return Principal(person=person, organisation=person.organisation, group=world.group)


def race(maker: sessionmaker[Session], operation_id: int, stage: int,
         racers: list[Principal]) -> list[str]:
    """Each racer records 6 adults leaving the bus at the same moment; what each was told."""
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []
    body = DepartureIn.model_validate({"type": "departure", "stage": stage, "vehicle": "bus",
                                       "reason": "other", "people": {"adults": 6}})

    def leave(who: Principal) -> None:
        with maker() as s:
            operation = s.get(Operation, operation_id)
            assert operation is not None
            s.commit()  # SQLite's write lock is taken at BEGIN: hold none at the barrier
            barrier.wait(timeout=30)
            try:
                operations.record_people(s, principal=who, operation=operation, body=body)
                outcomes.append("recorded")
            except InvalidInput as exc:
                s.rollback()
                assert exc.field == "/people/adults"
                outcomes.append("refused")

    threads = [threading.Thread(target=leave, args=(p,)) for p in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.slow
def test_racing_departures_cannot_together_take_more_people_than_are_aboard(
    engine: Engine, settings: Settings, db: Session, world: World
) -> None:
    maker = make_sessionmaker(engine, log_key_dir=settings.log_key_dir, checkpoint_interval=0)
    lead = principal(world, "icrc.operator")
    racers = [principal(world, u) for u in ("icrc.operator", "icrc.admin")]
    db.commit()  # loading those began a transaction; on SQLite it would hold the write lock
    with maker() as s:
        pause = pauses.create(s, principal=principal(world, "convener.negotiator"),
                              content=PauseContentIn.model_validate(content()), propose=True,
                              max_vertices=1000)
    for _ in range(ROUNDS):
        with maker() as s:
            op = operations.create(s, principal=lead, body=OperationIn.model_validate(
                {"kind": "evacuation", "title": "Race", "pause": pause.id, "stages": stages()}))
            ids = {st.name: st.id for st in facts.stages(s, op)}
            operations.record_people(s, principal=lead, operation=op, body=CountIn.model_validate(
                {"type": "count", "stage": ids["Alpha"], "vehicle": "bus",
                 "people": {"adults": 10}}))
        assert sorted(race(maker, op.id, ids["Bravo"], racers)) == ["recorded", "refused"]
        with maker() as s:  # not `db`: see test_acknowledgement_race.py
            stored = s.get(Operation, op.id)
            assert stored is not None
            result = facts.reconciliation(s, stored)
        assert result.total.departed.total == 6 and result.total.en_route.total == 4

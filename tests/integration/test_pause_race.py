"""An amendment racing a consent must never yield an agreed pause whose consents are for
different versions (threads against the real database, many rounds)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.db import make_sessionmaker
from corridor.errors import CorridorError
from corridor.groups import service as groups
from corridor.groups.principal import Principal
from corridor.log import signing
from corridor.pauses import consent
from corridor.pauses import service as pauses
from corridor.pauses.models import Pause, PauseDecision
from corridor.pauses.schemas import PauseContentIn, SignedStatementIn
from tests.factories import World
from tests.pauses_helpers import content

ROUNDS = 25


def principal(world: World, username: str) -> Principal:
    person = world.people[username]
    return Principal(person=person, organisation=person.organisation, group=world.group)


def sign(db: Session, key: Any, pause: Pause, party: str) -> SignedStatementIn:
    version = pauses.current_version(db, pause)
    stmt = consent.statement(group="test-group", pause=pause.id, version=version.number,
                             version_hash=version.version_hash, party=party, decision="agree")
    return SignedStatementIn(statement=stmt, signature=signing.sign_statement(key, stmt),
                             key=signing.fingerprint(signing.public_key_bytes(key)))


@pytest.mark.slow
def test_an_amendment_racing_a_consent_never_yields_a_mixed_agreement(
    engine: Engine, settings: Settings, db: Session, world: World
) -> None:
    keys = {}
    for party in ("party-a", "party-b"):
        keys[party] = signing.generate_private_key()
        groups.register_key(db, organisation=world.orgs[party],
                            actor=principal(world, f"{party}.admin").log_actor(),
                            public_key=signing.encode_public_key(
                                signing.public_key_bytes(keys[party])))
    maker = make_sessionmaker(engine, log_key_dir=settings.log_key_dir, checkpoint_interval=0)
    convener, a, b = (principal(world, u) for u in
                      ("convener.negotiator", "party-a.negotiator", "party-b.negotiator"))
    outcomes: dict[str, int] = {"agreed": 0, "amended": 0}
    sqlite = engine.dialect.name == "sqlite"
    for round_ in range(ROUNDS):
        with maker() as s:
            pause = pauses.create(s, principal=convener, propose=True, max_vertices=1000,
                                  content=PauseContentIn.model_validate(content()))
            pauses.decide(s, principal=a, pause=pause, body=sign(s, keys["party-a"], pause,
                                                                     "party-a"), decision="agree")
            pause_id = pause.id
            body_b = sign(s, keys["party-b"], pause, "party-b")
        barrier = threading.Barrier(2, timeout=30)
        errors: list[BaseException] = []
        new_content = PauseContentIn.model_validate(content(conditions=f"round {round_}"))

        def amend(s: Session, p: Pause, c: PauseContentIn = new_content) -> None:
            pauses.amend(s, principal=convener, pause=p, base_version=1, max_vertices=1000,
                         content=c)

        def agree(s: Session, p: Pause, body: SignedStatementIn = body_b) -> None:
            pauses.decide(s, principal=b, pause=p, body=body, decision="agree")

        def run(action: Any, pause_id: int = pause_id, barrier: threading.Barrier = barrier,
                errors: list[BaseException] = errors) -> None:
            if sqlite:  # SQLite takes its write lock at BEGIN: meet before anyone holds it
                barrier.wait()
            with maker() as s:
                p = s.get(Pause, pause_id)
                assert p is not None
                if not sqlite:  # PostgreSQL: both read the same row version, then race
                    barrier.wait()
                try:
                    action(s, p)
                except CorridorError:
                    pass  # the loser is refused (409), as designed
                except BaseException as exc:
                    errors.append(exc)

        threads = [threading.Thread(target=run, args=(amend,)),
                   threading.Thread(target=run, args=(agree,))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        with maker() as s:
            p = s.get(Pause, pause_id)
            assert p is not None
            decided = s.query(PauseDecision).filter_by(pause_id=pause_id, decision="agree").all()
            if p.state == "agreed":
                outcomes["agreed"] += 1
                assert p.current_version == 1
                assert {d.version for d in decided} == {1}
                assert len(decided) == 2
            else:
                assert p.state == "proposed"
                outcomes["amended"] += 1
                assert p.current_version == 2
                assert all(d.version == 1 for d in decided)
    print(f"race outcomes on {engine.dialect.name}: {outcomes}")
    assert sum(outcomes.values()) == ROUNDS

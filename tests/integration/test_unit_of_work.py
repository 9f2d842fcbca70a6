"""The unit of work: every change commits with its log entry, or not at all; races read as one
409; a change is answered at commit and its entry integrated moments later."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corridor import clock
from corridor.app import create_app
from corridor.config import Settings
from corridor.db import UnloggedChange
from corridor.errors import Conflict
from corridor.groups.principal import OPERATOR
from corridor.log.models import LogEntry, LogPending
from corridor.places.models import GroupPlace
from corridor.uow import change, is_race, race_conflict
from tests.factories import World
from tests.notifications_helpers import site_body


def _log_size(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(LogEntry)) or 0) + int(
        db.scalar(select(func.count()).select_from(LogPending)) or 0)


def _place(world: World, name: str) -> GroupPlace:
    return GroupPlace(group_id=world.group.id, name=name, key=name.lower(), lon=35.1, lat=47.8,
                      note="", created_by_id=world.people["aid-one.operator"].id,
                      created_at=clock.now(), log_pending_id=0)


def test_a_logged_table_cannot_be_committed_without_its_log_entry(db: Session,
                                                                   world: World) -> None:
    before = _log_size(db)
    db.add(_place(world, "Unlogged"))
    with pytest.raises(UnloggedChange, match="group_places"):
        db.commit()
    db.rollback()
    assert db.scalar(select(GroupPlace.id).where(GroupPlace.name == "Unlogged")) is None
    assert _log_size(db) == before


def test_a_change_commits_with_its_entry_and_a_failed_one_leaves_nothing(
        db: Session, world: World) -> None:
    before = _log_size(db)
    with change(db, group=world.group, actor=OPERATOR) as ch:
        place = _place(world, "Logged")
        db.add(place)
        db.flush()
        place.log_pending_id = ch.log("place.added", {"place": place.id}).id
    assert _log_size(db) == before + 1
    with (pytest.raises(RuntimeError, match="half-way"),
          change(db, group=world.group, actor=OPERATOR) as ch):
        db.add(_place(world, "Half"))
        ch.log("place.added", {"place": None})
        raise RuntimeError("failed half-way")
    assert db.scalar(select(GroupPlace.id).where(GroupPlace.name == "Half")) is None
    assert _log_size(db) == before + 1


def test_a_unique_violation_becomes_the_one_conflict_and_writes_nothing(
        db: Session, world: World) -> None:
    with change(db, group=world.group, actor=OPERATOR) as ch:
        db.add(_place(world, "Twice"))
        ch.log("place.added", {"name": "Twice"})
    before = _log_size(db)
    with (pytest.raises(Conflict) as refused,
          change(db, group=world.group, actor=OPERATOR, subject="place") as ch):
        db.add(_place(world, "Twice"))  # same key: the database refuses it
        ch.log("place.added", {"name": "Twice"})
    assert refused.value.detail == ("the place changed while this request was being made "
                                    "(another change came first); read it again and retry")
    assert refused.value.field == "place"
    assert isinstance(refused.value.__cause__, IntegrityError)
    assert _log_size(db) == before


def test_every_race_reads_the_same_way_whatever_the_topic() -> None:
    a = race_conflict("site", IntegrityError("x", {}, Exception("unique")))
    b = race_conflict("operation", IntegrityError("x", {}, Exception("unique")))
    assert a.detail.replace("site", "operation") == b.detail
    assert not is_race(ValueError("not a database error"))


def _client(settings: Settings, engine: Engine, **changes: Any) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=changes), engine))


def test_a_change_is_answered_at_commit_and_its_index_follows(
        settings: Settings, engine: Engine, world: World) -> None:
    with _client(settings, engine, wait_for_index_seconds=0.0) as client:
        sent = client.post(f"/api/v1/groups/{world.group.slug}/sites", json=site_body(),
                           headers=world.auth("aid-one.operator"))
        assert sent.status_code == 201, sent.text
        log = sent.json()["log"]
        assert len(log["leaf_hash"]) == 44  # base64 of 32 bytes
        url = f"/api/v1/groups/{world.group.slug}/log/entries/by-hash/{log['leaf_hash']}"
        deadline = time.monotonic() + 5
        while True:
            found = client.get(url, headers=world.auth("aid-one.operator"))
            assert found.status_code == 200, found.text
            if found.json()["index"] is not None or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        index = found.json()["index"]
        assert index is not None and found.json()["integrated"] is True
        entries = client.get(f"/api/v1/groups/{world.group.slug}/log/entries",
                             params={"start": index, "end": index + 1},
                             headers=world.auth("aid-one.operator")).json()
        assert entries["entries"][0]["leaf_hash"] == log["leaf_hash"]
        site = client.get(f"/api/v1/groups/{world.group.slug}/sites/{sent.json()['id']}",
                          headers=world.auth("aid-one.operator")).json()
        assert site["log_index"] == index


def test_an_unknown_leaf_hash_is_404_and_a_malformed_one_422(
        client: TestClient, world: World) -> None:
    base = f"/api/v1/groups/{world.group.slug}/log/entries/by-hash/"
    who = world.auth("aid-one.operator")
    assert client.get(base + "A" * 43 + "=", headers=who).status_code == 404
    bad = client.get(base + "not-a-hash", headers=who)
    assert bad.status_code == 422 and bad.json()["field"] == "leaf_hash"


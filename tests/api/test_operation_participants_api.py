"""Who records an operation: its lead and the participants that the lead or the convener adds.
Anyone else is refused with 403 saying who may record; adding and removing participants are
logged changes; bad input changes nothing and writes no log entry."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor.client import Client
from corridor.config import Settings
from corridor.log.audit import AuditState, audit
from corridor.log.audit_compare import compare
from corridor.log.models import LogEntry, LogPending
from corridor.log.sources import ServerSource
from corridor.operations.models import CargoReport, OperationParticipant, PeopleReport
from tests.api.test_groups_api import log_size
from tests.factories import World, make_world
from tests.operations_helpers import OPS, add_participant, count, create, ok

FLOUR = {"category": "food", "item": "wheat flour", "unit": "kg"}


def delivery(client: TestClient, world: World) -> dict[str, Any]:
    return create(client, world, who="aid-one.operator", kind="aid_delivery", stages=[],
                  title="Synthetic delivery")


def rows(db: Session, model: type[Any]) -> int:
    try:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        db.rollback()


def logged(db: Session, leaf_hash: str) -> dict[str, Any]:
    """The log entry a response points at."""
    wanted = base64.b64decode(leaf_hash)
    try:
        data = db.scalar(select(LogEntry.data).where(LogEntry.leaf_hash == wanted))
        if data is None:
            envelope = db.scalar(select(LogPending.envelope)
                                 .where(LogPending.leaf_hash == wanted))
            assert envelope is not None, "the response points at no log entry"
            return dict(json.loads(envelope))
        return dict(json.loads(data))
    finally:
        db.rollback()


def remove(client: TestClient, world: World, op: dict[str, Any], organisation: str,
           who: str = "icrc.operator") -> Any:
    return client.delete(f"{OPS}/{op['id']}/participants/{organisation}",
                         headers=world.auth(who))


def test_an_organisation_that_is_not_a_participant_may_not_count_into_anothers_evacuation(
    client: TestClient, world: World, db: Session
) -> None:
    op = create(client, world)
    before, reports = log_size(db), rows(db, PeopleReport)
    r = count(client, world, op, "Alpha", "bus 1", who="aid-one.operator", n={"adults": 5})
    assert r.status_code == 403, r.text
    problem = r.json()
    assert problem["permission"] == "operation.count" and problem["lead"] == "icrc"
    assert "recorded by its lead icrc" in problem["detail"]
    assert "Ask icrc or the convener" in problem["detail"]
    assert log_size(db) == before and rows(db, PeopleReport) == reports


def test_an_organisation_that_is_not_a_participant_may_not_report_cargo_on_anothers_delivery(
    client: TestClient, world: World, db: Session
) -> None:
    op = delivery(client, world)
    before, reports = log_size(db), rows(db, CargoReport)
    r = client.post(f"{OPS}/{op['id']}/cargo", headers=world.auth("aid-two.operator"),
                    json={"stage": "delivered", "lines": [{**FLOUR, "quantity": 10}]})
    assert r.status_code == 403, r.text
    assert r.json()["lead"] == "aid-one" and "aid-two is neither" in r.json()["detail"]
    assert log_size(db) == before and rows(db, CargoReport) == reports


def test_two_participants_differing_counts_are_kept_side_by_side(
    client: TestClient, world: World
) -> None:
    op = create(client, world)
    ok(add_participant(client, world, op, "aid-one"))
    ok(add_participant(client, world, op, "aid-two", who="convener.operator"))
    ok(count(client, world, op, "Alpha", "bus 1", who="aid-one.operator", n={"adults": 40}))
    rec = ok(count(client, world, op, "Alpha", "bus 1", who="aid-two.operator",
                   n={"adults": 38}))
    [d] = rec["discrepancies"]
    assert (d["used"]["organisation"], d["used"]["people"]["total"]) == ("aid-one", 40)
    assert [(c["organisation"], c["people"]["total"]) for c in d["others"]] == [("aid-two", 38)]
    assert [r["organisation"] for r in rec["reports"]] == ["aid-one", "aid-two"]


def test_the_lead_adds_a_participant_with_a_log_entry_and_everyone_in_the_group_sees_it(
    client: TestClient, world: World, db: Session
) -> None:
    op = create(client, world)
    before = log_size(db)
    r = add_participant(client, world, op, "aid-one")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["lead"] == "icrc"
    assert [(p["organisation"], p["kind"], p["added_by"]) for p in body["participants"]] == [
        ("aid-one", "humanitarian", "icrc.operator")]
    assert log_size(db) == before + 1
    entry = logged(db, body["log"]["leaf_hash"])
    assert entry["type"] == "operation.participant_added"
    assert entry["payload"] == {"operation": op["id"], "organisation": "aid-one"}
    assert entry["actor"]["organisation"] == "icrc"
    listed = client.get(f"{OPS}/{op['id']}/participants", headers=world.auth("donor.viewer"))
    assert listed.status_code == 200
    assert [p["organisation"] for p in listed.json()["participants"]] == ["aid-one"]
    assert listed.json()["log"] is None
    shown = client.get(f"{OPS}/{op['id']}", headers=world.auth("party-a.viewer")).json()
    assert shown["participants"] == ["aid-one"]


def test_a_removed_participant_may_no_longer_record_and_its_reports_stay(
    client: TestClient, world: World, db: Session
) -> None:
    op = create(client, world)
    ok(add_participant(client, world, op, "aid-one"))
    ok(count(client, world, op, "Alpha", "bus 1", who="aid-one.operator", n={"adults": 12}))
    before = log_size(db)
    r = remove(client, world, op, "aid-one", who="convener.operator")
    assert r.status_code == 200, r.text
    assert r.json()["participants"] == [] and log_size(db) == before + 1
    entry = logged(db, r.json()["log"]["leaf_hash"])
    assert entry["type"] == "operation.participant_removed"
    assert entry["payload"] == {"operation": op["id"], "organisation": "aid-one"}
    refused = count(client, world, op, "Alpha", "bus 1", who="aid-one.operator",
                    n={"adults": 13})
    assert refused.status_code == 403
    rec = client.get(f"{OPS}/{op['id']}/counts", headers=world.auth("icrc.viewer")).json()
    assert [(r["organisation"], r["people"]["total"]) for r in rec["reports"]] == [
        ("aid-one", 12)]


@pytest.mark.parametrize("who", ["aid-one.operator", "aid-two.admin", "party-a.admin",
                                 "donor.admin", "icrc.viewer", "convener.viewer"])
def test_only_the_leads_and_the_conveners_operators_add_or_remove_participants(
    client: TestClient, world: World, db: Session, who: str
) -> None:
    op = create(client, world)
    ok(add_participant(client, world, op, "aid-one"))
    before, participants = log_size(db), rows(db, OperationParticipant)
    added = add_participant(client, world, op, "aid-two", who=who)
    assert added.status_code == 403, added.text
    assert added.json()["permission"] == "operation.participants"
    removed = remove(client, world, op, "aid-one", who=who)
    assert removed.status_code == 403, removed.text
    assert log_size(db) == before and rows(db, OperationParticipant) == participants


@pytest.mark.parametrize(("body", "status", "says"), [
    ({"organisation": "nobody"}, 422, "no member organisation 'nobody'"),
    ({"organisation": "icrc"}, 422, "icrc leads operation"),
    ({"organisation": "party-a"}, 422, "party-a is a party"),
    ({"organisation": "donor"}, 422, "donor is a observer"),
    ({"organisation": "aid-one"}, 409, "already a participant"),
    ({"organisation": "Not A Slug"}, 422, None),
    ({"organisation": "aid-two", "role": "admin"}, 422, None),
    ({}, 422, None),
])
def test_a_bad_participant_is_refused_naming_the_field_and_nothing_is_written(
    client: TestClient, world: World, db: Session, body: dict[str, Any], status: int,
    says: str | None
) -> None:
    op = create(client, world)
    ok(add_participant(client, world, op, "aid-one"))
    before, participants = log_size(db), rows(db, OperationParticipant)
    r = client.post(f"{OPS}/{op['id']}/participants", headers=world.auth("icrc.operator"),
                    json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "organisation" in str(r.json().get("field")) or "role" in body
    if says:
        assert says in r.json()["detail"]
    assert log_size(db) == before and rows(db, OperationParticipant) == participants


def test_removing_an_organisation_that_is_not_a_participant_is_404_and_writes_nothing(
    client: TestClient, world: World, db: Session
) -> None:
    op = create(client, world)
    before = log_size(db)
    for slug in ("aid-two", "nobody"):
        r = remove(client, world, op, slug)
        assert r.status_code == 404, r.text
        assert "is not a participant" in r.json()["detail"]
    assert remove(client, world, op, "NOT%00slug").status_code in (404, 422)
    assert log_size(db) == before


def test_another_groups_operation_and_its_participants_do_not_exist_for_the_caller(
    client: TestClient, world: World, db: Session, settings: Settings
) -> None:
    op = create(client, world)
    other = make_world(db, settings, slug="other-group")
    base = f"/api/v1/groups/other-group/operations/{op['id']}/participants"
    headers = other.auth("other-group.icrc.operator")
    assert client.get(base, headers=headers).status_code == 404
    before = log_size(db)
    r = client.post(base, headers=headers, json={"organisation": "aid-one"})
    assert r.status_code == 404 and log_size(db) == before


@pytest.mark.checkpoint_per_change
def test_the_audit_replays_a_log_with_participant_entries_and_agrees_with_the_api(
    client: TestClient, world: World, db: Session
) -> None:
    op = create(client, world)
    ok(add_participant(client, world, op, "aid-one"))
    ok(count(client, world, op, "Alpha", "bus 1", who="aid-one.operator", n={"adults": 3}))
    assert remove(client, world, op, "aid-one").status_code == 200
    reader = Client("", world.tokens["party-a.viewer"], http=client)
    state = AuditState(vkey=world.group.log_verifier_key)
    result = audit(ServerSource(reader, "test-group"), state, group="test-group",
                   stored_entries=[])
    types = [json.loads(d)["type"] for d in result.new_data]
    assert types[-3:] == ["operation.participant_added", "operation.counted",
                          "operation.participant_removed"]
    assert result.redacted == 0 and result.size == log_size(db)
    assert compare(reader, "test-group", result.replay.state) == []

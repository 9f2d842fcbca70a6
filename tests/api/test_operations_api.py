"""Evacuations through the API: counted from boarding to arrival, reconciled per category, and
every refusal of bad input leaving nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.log.models import LogEntry
from tests.api.test_groups_api import log_size
from tests.factories import World
from tests.operations_helpers import (
    OPS,
    add_participant,
    count,
    create,
    depart,
    ok,
    stage_id,
    stages,
    total,
)
from tests.pauses_helpers import propose


def test_an_evacuation_counted_to_its_destination_has_nobody_unaccounted(
    client: TestClient, world: World
) -> None:
    op = create(client, world)
    assert [s["kind"] for s in op["stages"]] == ["pickup", "checkpoint", "destination"]
    ok(count(client, world, op, "Alpha", "bus 1", n={"children": 10, "adults": 30,
                                                     "wounded_or_sick": 2}))
    ok(depart(client, world, op, "Bravo", "bus 1", n={"adults": 4}))
    ok(count(client, world, op, "Bravo", "bus 1", n={"children": 10, "adults": 26,
                                                     "wounded_or_sick": 2}))
    rec = ok(count(client, world, op, "Charlie", "bus 1", n={"children": 10, "adults": 26,
                                                             "wounded_or_sick": 2}))
    assert [total(rec, f) for f in ("boarded", "arrived", "departed", "en_route",
                                    "unaccounted")] == [40, 36, 4, 0, 0]
    assert rec["total"]["arrived"]["wounded_or_sick"] == 2
    assert rec["departed_by_reason"]["chose_to_stay"]["adults"] == 4
    assert rec["alert"] is False and rec["vehicles"][0]["finished_at"] == "Charlie"
    assert all(r["log_index"] is not None for r in rec["reports"])


def test_people_missing_at_a_checkpoint_are_unaccounted_at_once(client: TestClient,
                                                                 world: World) -> None:
    op = create(client, world)
    ok(count(client, world, op, "Alpha", "bus 1", n={"adults": 30}))
    rec = ok(count(client, world, op, "Bravo", "bus 1", n={"adults": 27}))
    assert total(rec, "unaccounted") == 3 and total(rec, "en_route") == 27
    assert rec["alert"] is True
    # Recorded afterwards, their departure at that checkpoint explains them.
    rec = ok(depart(client, world, op, "Bravo", "bus 1", "held_at_checkpoint", n={"adults": 3}))
    assert total(rec, "unaccounted") == 0 and total(rec, "en_route") == 27


def test_a_convoy_that_has_not_arrived_is_en_route_not_unaccounted(client: TestClient,
                                                                   world: World) -> None:
    op = create(client, world)
    ok(count(client, world, op, "Alpha", "convoy 1", n={"adults": 20}))
    rec = ok(count(client, world, op, "Alpha", "convoy 2", n={"older_people": 51}))
    assert total(rec, "en_route") == 71 and total(rec, "unaccounted") == 0
    rec = ok(count(client, world, op, "Charlie", "convoy 1", n={"adults": 18}))
    by_vehicle = {v["vehicle"]: v["figures"] for v in rec["vehicles"]}
    assert by_vehicle["convoy 1"]["unaccounted"]["total"] == 2
    assert by_vehicle["convoy 2"]["en_route"]["total"] == 51


def test_two_organisations_counts_of_one_stage_are_both_kept_and_shown_as_a_discrepancy(
    client: TestClient, world: World
) -> None:
    op = create(client, world)
    ok(add_participant(client, world, op, "aid-one"))
    ok(count(client, world, op, "Alpha", "bus 1", n={"adults": 100}))
    rec = ok(count(client, world, op, "Alpha", "bus 1", who="aid-one.operator",
                   n={"adults": 80}))
    [d] = rec["discrepancies"]
    assert d["used"]["organisation"] == "icrc" and d["used"]["people"]["total"] == 100
    assert [(c["organisation"], c["people"]["total"]) for c in d["others"]] == [("aid-one", 80)]
    assert total(rec, "boarded") == 100 and rec["alert"] is True
    assert len(rec["reports"]) == 2


def test_a_later_count_by_the_same_organisation_supersedes_its_own_earlier_one(
    client: TestClient, world: World
) -> None:
    op = create(client, world)
    ok(count(client, world, op, "Alpha", "bus 1", n={"adults": 10}))
    rec = ok(count(client, world, op, "Alpha", "bus 1", n={"adults": 12}))
    assert total(rec, "boarded") == 12 and rec["discrepancies"] == []
    assert [r["superseded"] for r in rec["reports"]] == [True, False]


def test_an_arrival_larger_than_boarded_is_refused_with_the_numbers(
    client: TestClient, world: World, db: Session
) -> None:
    op = create(client, world)
    ok(count(client, world, op, "Alpha", "bus 1", n={"children": 5, "adults": 20}))
    before = log_size(db)
    r = count(client, world, op, "Charlie", "bus 1", n={"children": 6, "adults": 20})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["type"].endswith("/invalid-input") and problem["field"] == "/people/children"
    assert (problem["counted"], problem["at_most"]) == (6, 5)
    assert "6 children counted off bus 1 at Charlie" in problem["detail"]
    assert log_size(db) == before
    rec = client.get(f"{OPS}/{op['id']}/counts", headers=world.auth("donor.viewer")).json()
    assert len(rec["reports"]) == 1


def test_a_departure_of_more_people_than_aboard_is_refused(client: TestClient, world: World,
                                                           db: Session) -> None:
    op = create(client, world)
    ok(count(client, world, op, "Alpha", "bus 1", n={"adults": 3}))
    before = log_size(db)
    r = depart(client, world, op, "Bravo", "bus 1", n={"adults": 4})
    assert r.status_code == 422 and r.json()["field"] == "/people/adults"
    assert (r.json()["leaving"], r.json()["aboard"]) == (4, 3)
    assert log_size(db) == before


@pytest.mark.parametrize(("value", "why"), [(-1, "greater than or equal"), (2.5, "integer"),
                                            ("3", "integer"), (100_001, "less than")])
def test_negative_or_non_integer_counts_are_refused_naming_the_field(
    client: TestClient, world: World, db: Session, value: Any, why: str
) -> None:
    op = create(client, world)
    before = log_size(db)
    r = count(client, world, op, "Alpha", "bus 1", n={"adults": value})
    assert r.status_code == 422, r.text
    assert r.json()["field"].endswith("people/adults") and why in r.json()["detail"]
    assert log_size(db) == before


def test_a_count_for_a_stage_of_another_operation_is_refused(client: TestClient, world: World,
                                                             db: Session) -> None:
    first, second = create(client, world), create(client, world)
    before = log_size(db)
    r = client.post(f"{OPS}/{first['id']}/counts", headers=world.auth("icrc.operator"),
                    json={"type": "count", "stage": stage_id(second, "Alpha"),
                          "vehicle": "bus 1", "people": {"adults": 1}})
    assert r.status_code == 422 and r.json()["field"] == "/stage"
    assert f"not a stage of operation {first['id']}" in r.json()["detail"]
    assert log_size(db) == before


@pytest.mark.parametrize(("extra", "field"), [
    ({"names": ["someone"]}, "names"),
    ({"free_text": "x" * 501}, "free_text"),
    ({"at": "2020-01-01T10:00:00"}, "at"),
    ({"at": "2999-01-01T10:00:00Z"}, "at"),
    ({"vehicle": "bus\n1"}, "vehicle"),
])
def test_personal_data_fields_overlong_text_and_bad_times_are_refused(
    client: TestClient, world: World, db: Session, extra: dict[str, Any], field: str
) -> None:
    op = create(client, world)
    before = log_size(db)
    extra = dict(extra)  # the parameters are shared between the two databases
    vehicle = extra.pop("vehicle", "bus 1")
    r = count(client, world, op, "Alpha", vehicle, n={"adults": 1}, **extra)
    assert r.status_code == 422, r.text
    assert r.json()["field"].endswith(field)
    assert log_size(db) == before


def test_wounded_or_sick_are_counted_among_the_age_groups(client: TestClient,
                                                          world: World) -> None:
    op = create(client, world)
    r = count(client, world, op, "Alpha", "bus 1", n={"adults": 2, "wounded_or_sick": 3})
    assert r.status_code == 422 and r.json()["field"] == "/people/wounded_or_sick"


def test_each_report_is_one_log_entry_holding_free_text_only_as_its_hash(
    client: TestClient, world: World, db: Session
) -> None:
    op = create(client, world)
    before = log_size(db)
    ok(count(client, world, op, "Alpha", "bus 1", n={"adults": 2}, free_text="late start"))
    assert log_size(db) == before + 1
    entry = db.scalars(select(LogEntry.data).order_by(LogEntry.seq.desc())).first()
    db.rollback()
    assert entry is not None and b'"operation.counted"' in entry
    assert b"late start" not in entry and b"free_text_sha256" in entry


def test_parties_and_observers_read_counts_but_may_not_record_them(
    client: TestClient, world: World, db: Session
) -> None:
    op = create(client, world)
    before = log_size(db)
    for who in ("party-a.operator", "donor.admin", "aid-one.viewer"):
        r = count(client, world, op, "Alpha", "bus 1", who=who, n={"adults": 1})
        assert r.status_code == 403 and r.json()["permission"] == "operation.count"
    assert log_size(db) == before
    for who in ("party-b.viewer", "donor.viewer", "convener.viewer"):
        r = client.get(f"{OPS}/{op['id']}/counts", headers=world.auth(who))
        assert r.status_code == 200


def test_an_operation_on_an_unknown_pause_or_without_a_destination_is_refused(
    client: TestClient, world: World, db: Session
) -> None:
    pause = propose(client, world)
    before = log_size(db)
    body: dict[str, Any] = {"kind": "evacuation", "title": "Nowhere", "pause": 999,
                            "stages": stages()}
    r = client.post(OPS, headers=world.auth("icrc.operator"), json=body)
    assert r.status_code == 422 and r.json()["field"] == "/pause"
    body.update(pause=pause["id"], stages=stages()[:2])
    r = client.post(OPS, headers=world.auth("icrc.operator"), json=body)
    assert r.status_code == 422 and r.json()["field"] == "/stages"
    body.update(stages=stages(), movements=[424242])
    r = client.post(OPS, headers=world.auth("icrc.operator"), json=body)
    assert r.status_code == 422 and r.json()["field"] == "/movements/0"
    assert log_size(db) == before

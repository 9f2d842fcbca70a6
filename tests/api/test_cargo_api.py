"""Aid deliveries through the API: a manifest dispatched, delivered, lost or damaged with its
reason, reconciled item by item; refusals leave nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from tests.api.test_groups_api import log_size
from tests.factories import World
from tests.operations_helpers import OPS, add_participant, create, ok

FLOUR = {"category": "food", "item": "wheat flour", "unit": "kg"}
KITS = {"category": "medicine", "item": "first-aid kits", "unit": "kits"}


def delivery(client: TestClient, world: World) -> dict[str, Any]:
    return create(client, world, who="aid-one.operator", kind="aid_delivery", stages=[],
                  title="Synthetic delivery")


def cargo(client: TestClient, world: World, op: dict[str, Any], stage: str,
          lines: list[dict[str, Any]], who: str = "aid-one.operator", **body: Any) -> Response:
    response: Response = client.post(f"{OPS}/{op['id']}/cargo", headers=world.auth(who),
                                     json={"stage": stage, "lines": lines, **body})
    return response


def test_a_delivery_reconciles_dispatched_delivered_and_lost_item_by_item(
    client: TestClient, world: World, db: Session
) -> None:
    op = delivery(client, world)
    before = log_size(db)
    ok(cargo(client, world, op, "dispatched", [{**FLOUR, "quantity": 1000},
                                               {**KITS, "quantity": 50}], place="Dnipro"))
    ok(cargo(client, world, op, "lost_or_damaged", [{**FLOUR, "quantity": 25}],
             reason="spoiled", free_text="Sacks soaked by rain."))
    m = ok(cargo(client, world, op, "delivered", [{**FLOUR, "quantity": 975},
                                                  {**KITS, "quantity": 48}], complete=True))
    assert log_size(db) == before + 3
    items = {i["item"]: i for i in m["items"]}
    assert (items["wheat flour"]["lost_or_damaged"], items["wheat flour"]["unaccounted"]) == (
        25, 0)
    assert (items["first-aid kits"]["in_transit"], items["first-aid kits"]["unaccounted"]) == (
        0, 2)
    assert m["complete"] is True and m["alert"] is True
    assert [r["reason"] for r in m["reports"]] == [None, "spoiled", None]
    summary = client.get(f"{OPS}/{op['id']}", headers=world.auth("donor.viewer")).json()
    assert summary["summary"]["unaccounted_items"] == 1 and summary["alert"] is True


def test_delivering_more_than_was_dispatched_is_refused_naming_the_line(
    client: TestClient, world: World, db: Session
) -> None:
    op = delivery(client, world)
    ok(cargo(client, world, op, "dispatched", [{**FLOUR, "quantity": 100}]))
    before = log_size(db)
    r = cargo(client, world, op, "delivered", [{**KITS, "quantity": 0},
                                               {**FLOUR, "quantity": 101}])
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "/lines/1/quantity"
    assert (r.json()["dispatched"], r.json()["delivered"]) == (100, 101)
    assert log_size(db) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"stage": "lost_or_damaged"}, "/reason"),
    ({"stage": "dispatched", "reason": "seized"}, "/reason"),
    ({"stage": "dispatched", "complete": True}, "/complete"),
    ({"stage": "dispatched", "lines": [{**FLOUR, "quantity": -1}]}, "/lines/0/quantity"),
    ({"stage": "dispatched", "lines": [{**FLOUR, "quantity": 1.5}]}, "/lines/0/quantity"),
    ({"stage": "dispatched", "lines": [{**FLOUR, "category": "weapons", "quantity": 1}]},
     "/lines/0/category"),
    ({"stage": "dispatched", "lines": []}, "/lines"),
])
def test_bad_cargo_reports_are_refused_naming_the_field(
    client: TestClient, world: World, db: Session, body: dict[str, Any], field: str
) -> None:
    op = delivery(client, world)
    before = log_size(db)
    payload = {"lines": [{**FLOUR, "quantity": 1}], **body}
    r = client.post(f"{OPS}/{op['id']}/cargo", headers=world.auth("aid-one.operator"),
                    json=payload)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert log_size(db) == before


def test_counts_on_a_delivery_and_cargo_on_an_evacuation_are_refused(
    client: TestClient, world: World, db: Session
) -> None:
    aid, evacuation = delivery(client, world), create(client, world)
    before = log_size(db)
    r = client.post(f"{OPS}/{aid['id']}/counts", headers=world.auth("aid-one.operator"),
                    json={"type": "count", "stage": evacuation["stages"][0]["id"],
                          "vehicle": "truck", "people": {"adults": 1}})
    assert r.status_code == 422 and "/cargo" in r.json()["detail"]
    r = cargo(client, world, evacuation, "dispatched", [{**FLOUR, "quantity": 1}],
              who="icrc.operator")
    assert r.status_code == 422 and "/counts" in r.json()["detail"]
    assert log_size(db) == before


def test_a_consignees_differing_delivery_figure_is_kept_as_a_discrepancy(
    client: TestClient, world: World
) -> None:
    op = delivery(client, world)
    ok(add_participant(client, world, op, "icrc", who="aid-one.operator"))
    ok(cargo(client, world, op, "dispatched", [{**FLOUR, "quantity": 100}]))
    ok(cargo(client, world, op, "delivered", [{**FLOUR, "quantity": 100}]))
    m = ok(cargo(client, world, op, "delivered", [{**FLOUR, "quantity": 90}],
                 who="icrc.operator"))
    [d] = m["discrepancies"]
    assert d["used"]["organisation"] == "aid-one" and d["others"][0]["quantity"] == 90
    assert m["items"][0]["delivered"] == 100

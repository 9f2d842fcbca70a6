"""The operations pages: the board with unaccounted people first, the phone count forms, and
what bad input gets (the error next to the field, what was typed kept, nothing recorded)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor.log.models import LogEntry, LogPending
from corridor.operations.models import PeopleReport
from tests import operations_helpers as ops
from tests.web_helpers import logged_in


def _log_size(db: Session) -> int:
    size = int(db.scalar(select(func.count()).select_from(LogPending)) or 0) + int(
        db.scalar(select(func.count()).select_from(LogEntry)) or 0)
    db.rollback()  # on SQLite an open transaction would hold the write lock against the server
    return size


def _reports(db: Session) -> int:
    n = int(db.scalar(select(func.count()).select_from(PeopleReport)) or 0)
    db.rollback()
    return n


def _count_form(token: str, op: dict[str, Any], stage: str, vehicle: str,
                **people: str) -> dict[str, str]:
    form = {"csrf_token": token, "type": "count", "stage": str(ops.stage_id(op, stage)),
            "vehicle": vehicle, "children": "0", "adults": "0", "older_people": "0",
            "wounded_or_sick": "0", "disabilities": "0", "last_stop": "on"}
    form.update(people)
    return form


def _unaccounted_section(html: str) -> str:
    match = re.search(r'<section class="ops-unaccounted".*?</section>', html, re.S)
    assert match, "no unaccounted section on the board"
    return match.group(0)


def test_counts_recorded_in_the_forms_show_one_unaccounted_person_at_the_top_of_the_board(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    token = logged_in(client, db, world.people["icrc.operator"])
    board = client.get(f"/operations/{op['id']}")
    assert board.status_code == 200 and 'data-live-part="operation-board"' in board.text
    assert "Record a count or departure" in board.text
    boarded = client.post(f"/operations/{op['id']}/counts", follow_redirects=False,
                          data=_count_form(token, op, "Alpha", "bus 1", children="4",
                                           adults="6", wounded_or_sick="1"))
    assert boarded.status_code == 303, boarded.text
    form = client.get(f"/operations/{op['id']}/record?vehicle=bus+1")
    charlie = ops.stage_id(op, "Charlie")
    # the arrival form starts from who is expected aboard: 6 adults, 4 children
    assert re.search(rf'id="count-{charlie}-adults"[^>]*value="6"', form.text)
    assert re.search(rf'id="count-{charlie}-children"[^>]*value="4"', form.text)
    assert 'inputmode="numeric"' in form.text
    arrived = client.post(f"/operations/{op['id']}/counts", follow_redirects=True,
                          data=_count_form(token, op, "Charlie", "bus 1", children="4",
                                           adults="5", wounded_or_sick="1"))
    assert arrived.status_code == 200 and "Recorded." in arrived.text
    top = _unaccounted_section(arrived.text)
    assert "1 person unaccounted for" in top and "bus 1" in top
    assert arrived.text.index("ops-unaccounted") < arrived.text.index("Each vehicle")


def test_a_count_with_a_bad_number_is_refused_next_to_the_field_and_nothing_is_recorded(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    ops.ok(ops.add_participant(client, world, op, "aid-one"))
    token = logged_in(client, db, world.people["aid-one.operator"])
    before, reports = _log_size(db), _reports(db)
    alpha = ops.stage_id(op, "Alpha")
    bad = client.post(f"/operations/{op['id']}/counts",
                      data=_count_form(token, op, "Alpha", "truck 9", adults="twelve"))
    assert bad.status_code == 422
    assert re.search(rf'id="count-{alpha}-adults-error"[^>]*>Enter a whole number', bad.text)
    assert re.search(rf'id="count-{alpha}-adults"[^>]*value="twelve"', bad.text)
    assert re.search(rf'id="count-{alpha}-vehicle"[^>]*value="truck 9"', bad.text)
    assert _log_size(db) == before and _reports(db) == reports


def test_counting_more_people_off_than_boarded_is_refused_with_the_numbers(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    ops.ok(ops.count(client, world, op, "Alpha", "bus 2", n={"adults": 3}))
    token = logged_in(client, db, world.people["icrc.operator"])
    before, reports = _log_size(db), _reports(db)
    charlie = ops.stage_id(op, "Charlie")
    bad = client.post(f"/operations/{op['id']}/counts",
                      data=_count_form(token, op, "Charlie", "bus 2", adults="5"))
    assert bad.status_code == 422
    error = re.search(rf'id="count-{charlie}-adults-error"[^>]*>([^<]*)<', bad.text)
    assert error and "This number was not accepted." in error.group(1)
    assert "only 3" in error.group(1)
    assert _log_size(db) == before and _reports(db) == reports


def test_a_departure_is_recorded_with_its_reason(client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    ops.ok(ops.count(client, world, op, "Alpha", "bus 3", n={"adults": 3}))
    token = logged_in(client, db, world.people["icrc.operator"])
    form = _count_form(token, op, "Bravo", "bus 3", adults="1")
    form.update(type="departure", reason="held_at_checkpoint", place="north gate")
    done = client.post(f"/operations/{op['id']}/counts", data=form)
    assert done.status_code == 200 and "Held at a checkpoint" in done.text
    assert "north gate" in done.text


def test_people_who_may_not_count_see_the_board_but_no_form_and_cannot_post(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    token = logged_in(client, db, world.people["party-a.negotiator"])
    board = client.get(f"/operations/{op['id']}")
    assert board.status_code == 200 and "Record a count" not in board.text
    before = _log_size(db)
    refused = client.post(f"/operations/{op['id']}/counts",
                          data=_count_form(token, op, "Alpha", "bus 4", adults="2"))
    assert refused.status_code == 403
    assert _log_size(db) == before


def test_the_list_shows_each_operation_with_its_unaccounted_people(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world, title="Synthetic evacuation East")
    ops.ok(ops.count(client, world, op, "Alpha", "bus 5", n={"adults": 2}))
    ops.ok(ops.count(client, world, op, "Charlie", "bus 5", n={"adults": 1}))
    logged_in(client, db, world.people["convener.viewer"])
    page = client.get("/operations")
    assert page.status_code == 200 and "Synthetic evacuation East" in page.text
    assert "1 person unaccounted for" in page.text
    assert client.get("/operations/99999").status_code == 404


def test_counts_that_disagree_are_shown_side_by_side(client: Any, db: Session,
                                                     world: Any) -> None:
    op = ops.create(client, world)
    ops.ok(ops.add_participant(client, world, op, "aid-one"))
    ops.ok(ops.count(client, world, op, "Alpha", "bus 6", n={"adults": 4}))
    ops.ok(ops.count(client, world, op, "Alpha", "bus 6", who="aid-one.operator",
                     n={"adults": 5}))
    logged_in(client, db, world.people["convener.negotiator"])
    page = client.get(f"/operations/{op['id']}").text
    table = re.search(r'<table class="ops-claims">.*?</table>', page, re.S)
    assert table and "icrc" in table.group(0) and "aid-one" in table.group(0)
    assert "ops-differs" in table.group(0)


def test_the_board_is_in_ukrainian_for_a_ukrainian_reader(client: Any, db: Session,
                                                          world: Any) -> None:
    op = ops.create(client, world)
    person = world.people["party-a.viewer"]
    person.language = "uk"
    db.commit()
    logged_in(client, db, person)
    ops.ok(ops.count(client, world, op, "Alpha", "bus 7", n={"adults": 2}))
    ops.ok(ops.count(client, world, op, "Charlie", "bus 7", n={"adults": 1}))
    page = client.get(f"/operations/{op['id']}")
    assert page.headers["content-language"] == "uk"
    assert "Усі операції" in page.text and "1 особа не врахована" in page.text
    assert "Дорослі" in page.text and "Сіли в транспорт" in page.text


def test_an_aid_delivery_board_shows_the_manifest_with_what_is_unaccounted_for(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world, who="aid-one.operator", kind="aid_delivery",
                    title="Synthetic flour delivery", stages=[])
    line = {"category": "food", "item": "wheat flour", "unit": "kg", "quantity": 1000}
    for stage, quantity, extra in (("dispatched", 1000, {}),
                                   ("delivered", 900, {"complete": True})):
        r = client.post(f"{ops.OPS}/{op['id']}/cargo", headers=world.auth("aid-one.operator"),
                        json={"stage": stage, "lines": [{**line, "quantity": quantity}], **extra})
        assert r.status_code == 201, r.text
    logged_in(client, db, world.people["convener.viewer"])
    page = client.get(f"/operations/{op['id']}").text
    assert "Cargo manifest" in page and "wheat flour" in page
    assert "1 item unaccounted for" in page and "delivery complete" in page
    assert "Record a count" not in page

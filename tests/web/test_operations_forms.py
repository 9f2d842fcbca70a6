"""The forms that start an operation and record cargo: the API's policy (only intermediaries and
humanitarian organisations from the operator role up; anyone else gets 403 and nothing is
written), errors next to the field with what was typed kept, and nothing saved on a refusal."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor.operations.models import CargoReport, Operation
from tests import operations_helpers as ops
from tests.pauses_helpers import propose
from tests.web.test_operations import _log_size
from tests.web_helpers import logged_in


def _rows(db: Session, model: type[Operation] | type[CargoReport]) -> int:
    n = int(db.scalar(select(func.count()).select_from(model)) or 0)
    db.rollback()
    return n


def _operation_form(token: str, pause: int | str, **changes: str) -> dict[str, str]:
    form = {"csrf_token": token, "kind": "evacuation", "title": "Synthetic evacuation West",
            "pause": str(pause), "stage-0-kind": "pickup", "stage-0-name": "Alpha",
            "stage-1-kind": "checkpoint", "stage-1-name": "Bravo",
            "stage-2-kind": "destination", "stage-2-name": "charlie", "free_text": ""}
    form.update(changes)
    return form


def test_an_intermediary_starts_an_evacuation_whose_stages_sit_on_the_pauses_waypoints(
        client: Any, db: Session, world: Any) -> None:
    pause = propose(client, world)
    token = logged_in(client, db, world.people["icrc.operator"])
    listing = client.get("/operations")
    assert 'href="/operations/new"' in listing.text
    form = client.get(f"/operations/new?pause={pause['id']}")
    assert form.status_code == 200 and 'name="stage-0-kind"' in form.text
    assert re.search(rf'<option value="{pause["id"]}" selected>', form.text)
    assert '<label for="title">' in form.text and '<label for="stage-0-name">' in form.text
    before = _log_size(db)
    done = client.post("/operations", data=_operation_form(token, pause["id"]),
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    op_id = int(done.headers["location"].rsplit("/", 1)[1])
    assert _log_size(db) == before + 1
    api = client.get(f"{ops.OPS}/{op_id}", headers=world.auth("convener.viewer")).json()
    assert api["lead"] == "icrc" and api["title"] == "Synthetic evacuation West"
    assert [(s["kind"], s["name"], s["lon"]) for s in api["stages"]] == [
        ("pickup", "Alpha", 37.55), ("checkpoint", "Bravo", 36.80),
        ("destination", "charlie", 35.18)]
    board = client.get(f"/operations/{op_id}")
    assert board.status_code == 200 and "Synthetic evacuation West" in board.text


def test_an_evacuation_without_a_destination_is_refused_next_to_the_stages_and_not_saved(
        client: Any, db: Session, world: Any) -> None:
    pause = propose(client, world)
    token = logged_in(client, db, world.people["aid-one.operator"])
    before, operations = _log_size(db), _rows(db, Operation)
    bad = client.post("/operations", data=_operation_form(
        token, pause["id"], **{"stage-2-kind": "checkpoint",
                               "title": "Synthetic typed title"}))
    assert bad.status_code == 422
    assert re.search(r'id="stages-error"[^>]*>An evacuation needs at least one pickup',
                     bad.text)
    assert re.search(r'id="title"[^>]*value="Synthetic typed title"', bad.text)
    assert re.search(r'id="stage-2-name"[^>]*value="charlie"', bad.text)
    short = client.post("/operations", data=_operation_form(token, pause["id"], title="ab"))
    assert short.status_code == 422
    assert re.search(r'id="title-error"[^>]*>Give the operation a title', short.text)
    nopause = client.post("/operations", data=_operation_form(token, ""))
    assert nopause.status_code == 422 and 'id="pause-error"' in nopause.text
    assert _log_size(db) == before and _rows(db, Operation) == operations


def test_a_party_sees_no_form_and_its_posts_are_refused_without_writing(
        client: Any, db: Session, world: Any) -> None:
    pause = propose(client, world)
    aid = ops.create(client, world, who="aid-one.operator", kind="aid_delivery",
                     title="Synthetic water delivery", stages=[], pause=pause)
    token = logged_in(client, db, world.people["party-a.operator"])
    assert 'href="/operations/new"' not in client.get("/operations").text
    assert "Record cargo" not in client.get(f"/operations/{aid['id']}").text
    assert client.get("/operations/new").status_code == 403
    assert client.get(f"/operations/{aid['id']}/cargo").status_code == 403
    before, operations, cargo = _log_size(db), _rows(db, Operation), _rows(db, CargoReport)
    refused_create = client.post("/operations", data=_operation_form(token, pause["id"]))
    assert refused_create.status_code == 403
    refused = client.post(f"/operations/{aid['id']}/cargo", data={
        "csrf_token": token, "lines": "1", "stage": "dispatched", "line-0-category": "water",
        "line-0-item": "bottled water", "line-0-unit": "litres", "line-0-quantity": "10"})
    assert refused.status_code == 403
    assert (_log_size(db), _rows(db, Operation), _rows(db, CargoReport)) == (
        before, operations, cargo)


def _cargo_form(token: str, stage: str, *lines: tuple[str, str, str, str],
                **extra: str) -> dict[str, str]:
    form = {"csrf_token": token, "stage": stage, "lines": str(len(lines) + 1)}
    for n, (category, item, unit, quantity) in enumerate(lines):
        form.update({f"line-{n}-category": category, f"line-{n}-item": item,
                     f"line-{n}-unit": unit, f"line-{n}-quantity": quantity})
    form.update(extra)
    return form


def test_cargo_is_recorded_on_the_manifest_and_more_than_was_sent_is_refused(
        client: Any, db: Session, world: Any) -> None:
    aid = ops.create(client, world, who="aid-one.operator", kind="aid_delivery",
                     title="Synthetic flour delivery", stages=[])
    token = logged_in(client, db, world.people["aid-one.operator"])
    board = client.get(f"/operations/{aid['id']}")
    assert f'href="/operations/{aid["id"]}/cargo"' in board.text
    assert 'inputmode="numeric"' in client.get(f"/operations/{aid['id']}/cargo").text
    sent = client.post(f"/operations/{aid['id']}/cargo", follow_redirects=False,
                       data=_cargo_form(token, "dispatched", ("food", "wheat flour", "kg", "1000"),
        ("water", "bottled water", "litres", "500")))
    assert sent.status_code == 303, sent.text
    # The delivery form lists what is on the manifest; the person types quantities only.
    form = client.get(f"/operations/{aid['id']}/cargo").text
    assert re.search(r'id="line-0-item"[^>]*value="wheat flour"', form)
    assert re.search(r'id="line-1-unit"[^>]*value="litres"', form)
    assert '<option value="delivered" selected>' in form
    before, cargo = _log_size(db), _rows(db, CargoReport)
    too_much = client.post(f"/operations/{aid['id']}/cargo", data=_cargo_form(
        token, "delivered", ("food", "wheat flour", "kg", "1200"), place="Synthetic depot"))
    assert too_much.status_code == 422
    error = re.search(r'id="line-0-quantity-error"[^>]*>([^<]*)<', too_much.text)
    assert error and error.group(1).startswith("This quantity was not accepted.")
    assert re.search(r'id="line-0-quantity"[^>]*value="1200"', too_much.text)
    assert re.search(r'id="place"[^>]*value="Synthetic depot"', too_much.text)
    not_a_number = client.post(f"/operations/{aid['id']}/cargo", data=_cargo_form(
        token, "delivered", ("food", "wheat flour", "kg", "a lot")))
    assert not_a_number.status_code == 422
    assert re.search(r'id="line-0-quantity-error"[^>]*>Enter a whole number', not_a_number.text)
    no_reason = client.post(f"/operations/{aid['id']}/cargo", data=_cargo_form(
        token, "lost_or_damaged", ("water", "bottled water", "litres", "20")))
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    assert _log_size(db) == before and _rows(db, CargoReport) == cargo
    delivered = client.post(f"/operations/{aid['id']}/cargo", follow_redirects=True,
                            data=_cargo_form(token, "delivered",
                                             ("food", "wheat flour", "kg", "1000"),
                                             ("water", "bottled water", "litres", "480"),
                                             complete="on"))
    assert delivered.status_code == 200 and "delivery complete" in delivered.text
    manifest = client.get(f"{ops.OPS}/{aid['id']}/cargo",
                          headers=world.auth("convener.viewer")).json()
    water = next(i for i in manifest["items"] if i["category"] == "water")
    assert (water["dispatched"], water["delivered"], water["unaccounted"]) == (500, 480, 20)

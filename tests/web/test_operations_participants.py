"""Participants on the operation's board: listed for every member, added and removed by the
lead's operators and the convener through forms (CSRF-checked), refused for anyone else with
nothing written; only the lead and participants see and use the recording forms."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor.log.models import LogEntry, LogPending
from corridor.operations.models import OperationParticipant, PeopleReport
from tests import operations_helpers as ops
from tests.web_helpers import logged_in


def _count(db: Session, *models: type[Any]) -> tuple[int, ...]:
    try:
        return tuple(int(db.scalar(select(func.count()).select_from(m)) or 0) for m in models)
    finally:
        db.rollback()  # on SQLite an open transaction would hold the write lock


def _written(db: Session) -> tuple[int, ...]:
    """Log entries (waiting and integrated) and participant rows, to see that nothing changed."""
    return _count(db, LogPending, LogEntry, OperationParticipant)


def _section(html: str) -> str:
    match = re.search(r'<section class="card" id="participants".*?</section>', html, re.S)
    assert match, "no participants section on the board"
    return match.group(0)


def test_the_lead_adds_a_participant_from_the_board_and_it_may_then_record(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    token = logged_in(client, db, world.people["icrc.operator"])
    section = _section(client.get(f"/operations/{op['id']}").text)
    assert "No participants: only the lead records." in section
    assert '<option value="aid-one">' in section and '<option value="party-a">' not in section
    before = _count(db, LogPending) + _count(db, LogEntry)
    added = client.post(f"/operations/{op['id']}/participants", follow_redirects=False,
                        data={"csrf_token": token, "organisation": "aid-one"})
    assert added.status_code == 303, added.text
    assert added.headers["location"].endswith("?changed=added#participants")
    assert sum(_count(db, LogPending, LogEntry)) == sum(before) + 1
    section = _section(client.get(added.headers["location"]).text)
    assert "Participant added." in section and "added by icrc.operator" in section
    assert f'action="/operations/{op["id"]}/participants/aid-one/remove"' in section
    client.cookies.clear()  # a new browser, for the participant
    logged_in(client, db, world.people["aid-one.operator"])
    board = client.get(f"/operations/{op['id']}").text
    assert "Record a count or departure" in board
    assert "Add a participant" not in board and "/participants/aid-one/remove" not in board
    assert client.get(f"/operations/{op['id']}/record").status_code == 200


def test_the_convener_removes_a_participant_and_its_counts_stay_on_the_board(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    ops.ok(ops.add_participant(client, world, op, "aid-one"))
    ops.ok(ops.count(client, world, op, "Alpha", "bus 3", who="aid-one.operator",
                     n={"adults": 7}))
    token = logged_in(client, db, world.people["convener.operator"])
    removed = client.post(f"/operations/{op['id']}/participants/aid-one/remove",
                          follow_redirects=False, data={"csrf_token": token})
    assert removed.status_code == 303, removed.text
    board = client.get(removed.headers["location"]).text
    assert "Participant removed." in _section(board)
    assert "aid-one.operator" in board  # its count is still shown, by who made it
    assert _count(db, OperationParticipant) == (0,)


def test_someone_not_of_the_lead_nor_the_convener_sees_no_form_and_is_refused(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    ops.ok(ops.add_participant(client, world, op, "aid-one"))
    token = logged_in(client, db, world.people["aid-one.operator"])
    before = _written(db)
    refused = client.post(f"/operations/{op['id']}/participants",
                          data={"csrf_token": token, "organisation": "aid-two"})
    assert refused.status_code == 403 and "lead organisation and the convener" in refused.text
    refused = client.post(f"/operations/{op['id']}/participants/aid-one/remove",
                          data={"csrf_token": token})
    assert refused.status_code == 403
    assert _written(db) == before


def test_a_non_participant_gets_no_count_form_and_its_counts_are_refused_without_writing(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    token = logged_in(client, db, world.people["aid-two.operator"])
    board = client.get(f"/operations/{op['id']}").text
    assert "Record a count or departure" not in board
    assert client.get(f"/operations/{op['id']}/record").status_code == 403
    before = _written(db) + _count(db, PeopleReport)
    refused = client.post(f"/operations/{op['id']}/counts", data={
        "csrf_token": token, "type": "count", "stage": str(ops.stage_id(op, "Alpha")),
        "vehicle": "bus 1", "adults": "4"})
    assert refused.status_code == 403 and "participants" in refused.text
    assert _written(db) + _count(db, PeopleReport) == before


def test_a_bad_or_repeated_participant_is_refused_next_to_the_field_and_nothing_is_written(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    ops.ok(ops.add_participant(client, world, op, "aid-one"))
    token = logged_in(client, db, world.people["icrc.operator"])
    before = _written(db)
    for chosen, status, says in (("party-a", 422, "party-a is a party"),
                                 ("aid-one", 409, "already a participant"),
                                 ("", 422, "Choose a member organisation"),
                                 ("nobody", 422, "no member organisation")):
        r = client.post(f"/operations/{op['id']}/participants",
                        data={"csrf_token": token, "organisation": chosen})
        assert r.status_code == status, (chosen, r.text)
        assert re.search(r'id="participant-error"[^>]*>[^<]*' + re.escape(says), r.text), chosen
    missing_csrf = client.post(f"/operations/{op['id']}/participants",
                               data={"organisation": "aid-two"})
    assert missing_csrf.status_code == 403
    gone = client.post(f"/operations/{op['id']}/participants/aid-two/remove",
                       data={"csrf_token": token})
    assert gone.status_code == 404
    assert _written(db) == before


def test_the_participants_section_is_in_ukrainian_and_russian(
        client: Any, db: Session, world: Any) -> None:
    op = ops.create(client, world)
    ops.ok(ops.add_participant(client, world, op, "aid-one"))
    for lang, title, lead in (("uk", "Хто записує", "провідна"), ("ru", "Кто записывает",
                                                                 "ведущая")):
        person = world.people["icrc.operator"]
        person.language = lang
        db.commit()
        client.cookies.clear()
        logged_in(client, db, person)
        section = _section(client.get(f"/operations/{op['id']}").text)
        assert title in section and lead in section, lang
        assert "Who records" not in section

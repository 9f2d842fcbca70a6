"""An evidence file over the server's body limit: the form says the limit next to the file input
and carries the message its script shows; a page post over the limit gets a page in the reader's
language (413, refused before the body is read, nothing saved); the API keeps its JSON problem."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from corridor.config import Settings
from tests.incidents_helpers import report
from tests.pauses_helpers import API
from tests.web.test_incidents import _form, _rows
from tests.web.test_operations import _log_size
from tests.web_helpers import logged_in

MIB = 1_048_576
TOO_BIG = b"x" * (2 * MIB + 10)  # over both limits below, as the body or as a file


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Evidence files up to 1 MiB here (the general body limit is also 1 MiB): the forms'
    bodies may then be up to 2 MiB, the file and the other fields."""
    return settings.model_copy(update={"max_evidence_bytes": MIB})


def _speaks(db: Session, person: Any, lang: str) -> None:
    person.language = lang
    db.commit()


def test_the_forms_show_the_limit_and_carry_the_message_for_the_script(
        client: Any, db: Session, world: Any) -> None:
    incident = report(client, world, who="aid-one.operator")
    person = world.people["aid-one.operator"]
    _speaks(db, person, "uk")
    logged_in(client, db, person)
    form = client.get("/incidents/new").text
    field = re.search(r'<input id="evidence"[^>]*>', form)
    assert field and 'data-max-bytes="1048576"' in field.group(0)
    assert "Файл завеликий: щонайбільше 1 МБ." in field.group(0)
    assert "Разом до 1 МБ." in form
    assert "incidents.js" in form
    detail = client.get(f"/incidents/{incident['id']}").text
    added = re.search(r'<input id="evidence-file"[^>]*>', detail)
    assert added and 'data-max-bytes="1048576"' in added.group(0)
    assert "Щонайбільше 1 МБ." in detail


def test_a_report_with_a_file_over_the_limit_gets_a_page_in_russian_and_saves_nothing(
        client: Any, db: Session, world: Any) -> None:
    incident = report(client, world, who="aid-one.operator")
    person = world.people["aid-one.operator"]
    _speaks(db, person, "ru")
    token = logged_in(client, db, person)
    before, rows = _log_size(db), _rows(db)
    big = client.post("/incidents", data=_form(token),
                      files=[("evidence", ("video.mp4", TOO_BIG, "video/mp4"))])
    assert big.status_code == 413
    assert big.headers["content-type"].startswith("text/html")
    assert big.headers["content-language"] == "ru"
    assert "<h1>Файл слишком большой</h1>" in big.text
    assert "Файл слишком большой: не более 1 МБ." in big.text
    assert "problem" not in big.headers["content-type"]
    more = client.post(f"/incidents/{incident['id']}/evidence", data={"csrf_token": token},
                       files=[("evidence", ("video.mp4", TOO_BIG, "video/mp4"))])
    assert more.status_code == 413 and "не более 1 МБ" in more.text
    assert _log_size(db) == before and _rows(db) == rows


def test_the_api_still_answers_an_oversized_body_with_its_json_problem(
        client: Any, world: Any) -> None:
    r = client.post(f"{API}/incidents", headers=world.auth("aid-one.operator"),
                    files=[("evidence", ("video.mp4", TOO_BIG, "video/mp4"))])
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "body"


def test_a_page_over_the_limit_without_a_session_is_in_the_browsers_language(
        client: Any) -> None:
    r = client.post("/login", content=TOO_BIG, headers={"accept-language": "uk",
                                                         "content-type": "text/plain"})
    assert r.status_code == 413 and "Файл завеликий" in r.text

"""Forms given impossible dates or ids answer with the form and its message, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.web.test_notices_forms import _movement
from tests.web.test_pauses_forms import _form
from tests.web_helpers import logged_in

OVERFLOWING = ["9999-12-31T23:30", "0001-01-01T00:30"]


@pytest.mark.parametrize("when", OVERFLOWING)
def test_a_pause_form_with_an_overflowing_date_shows_the_error_next_to_it(
        client: Any, db: Session, world: Any, when: str) -> None:
    csrf = logged_in(client, db, world.people["convener.negotiator"])
    r = client.post("/pauses/new", data=_form(csrf, start=when))
    assert r.status_code == 422 and 'id="start-error"' in r.text


@pytest.mark.parametrize("when", OVERFLOWING)
def test_a_movement_form_with_an_overflowing_date_shows_the_error_next_to_it(
        client: Any, db: Session, world: Any, when: str) -> None:
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    r = client.post("/movements/new", data=_movement(csrf, departure=when))
    assert r.status_code == 422 and 'id="departure-error"' in r.text


def test_a_movement_form_with_a_huge_pause_number_is_refused(
        client: Any, db: Session, world: Any) -> None:
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    r = client.post("/movements/new", data=_movement(csrf, pause="99999999999999999999"))
    assert r.status_code == 422 and "pause" in r.text

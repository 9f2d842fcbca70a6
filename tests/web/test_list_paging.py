"""The sites, movements, incidents and operations pages come in pages of 50 by cursor, as the
API's lists: the "Next page" link leads to the rest with no repeat and no gap, and a cursor the
list did not give is a 422 page in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from corridor.web import listing
from tests import operations_helpers as ops
from tests.incidents_helpers import report
from tests.notifications_helpers import notify_movement, notify_site
from tests.paging_helpers import walk
from tests.pauses_helpers import propose
from tests.web_helpers import logged_in


def _sites(client: Any, world: Any) -> list[int]:
    return [notify_site(client, world, name=f"Synthetic clinic {i}")["id"]
            for i in range(listing.PAGE_SIZE + 2)]


def _movements(client: Any, world: Any) -> list[int]:
    # Pairs leave at the same time: the id breaks the tie between pages.
    return [notify_movement(client, world, departs_in_hours=73 + i // 2)["id"]
            for i in range(listing.PAGE_SIZE + 2)]


def _incidents(client: Any, world: Any) -> list[int]:
    return [report(client, world, who="aid-one.operator", hours_ago=1 + i // 2)["id"]
            for i in range(listing.PAGE_SIZE + 2)]


def _operations(client: Any, world: Any) -> list[int]:
    pause = propose(client, world)
    return [ops.create(client, world, pause=pause, title=f"Synthetic evacuation {i}")["id"]
            for i in range(listing.PAGE_SIZE + 2)]


# Sites show the real page of 50; the other lists page the same way through pages of 5, so that
# each test does not make fifty rows first.
SMALL = 5


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(listing, "PAGE_SIZE", SMALL)
    return SMALL


LISTS: dict[str, tuple[Callable[[Any, Any], list[int]], str]] = {
    "/sites": (_sites, r'<tr data-site="(\d+)"'),
    "/movements": (_movements, r'<tr data-movement="(\d+)"'),
    "/incidents": (_incidents, r'<a href="/incidents/(\d+)">'),
    "/operations": (_operations, r'<a href="/operations/(\d+)">'),
}


@pytest.mark.parametrize("path", list(LISTS))
def test_a_list_shows_50_rows_and_the_next_page_the_rest_without_repeat_or_gap(
        client: Any, db: Session, world: Any, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if path != "/sites":
        monkeypatch.setattr(listing, "PAGE_SIZE", SMALL)
    make, row = LISTS[path]
    made = make(client, world)
    logged_in(client, db, world.people["aid-one.operator"])
    db.rollback()
    pages = walk(client, path, re.compile(row))
    assert [len(p) for p in pages] == [listing.PAGE_SIZE, 2]
    shown = [i for p in pages for i in p]
    assert sorted(shown) == sorted(made) and len(set(shown)) == len(shown)


@pytest.mark.parametrize("path", [*LISTS, "/pauses"])
def test_a_cursor_the_list_did_not_give_is_refused_in_the_readers_language(
        client: Any, db: Session, world: Any, path: str) -> None:
    person = world.people["aid-one.operator"]
    person.language = "ru"
    db.commit()
    logged_in(client, db, person)
    db.rollback()
    for cursor in ("not-a-cursor", "WzEsMiwzXQ", "bnVsbA"):  # garbage, 3 values, JSON null
        r = client.get(path, params={"cursor": cursor})
        assert r.status_code == 422, (cursor, r.text[:300])
        assert r.headers["content-language"] == "ru"
        assert "Адрес этой страницы создан не этим списком" in r.text


def test_operations_come_newest_first_and_those_with_people_unaccounted_for_first_on_a_page(
        client: Any, db: Session, world: Any, small_pages: int) -> None:
    made = _operations(client, world)
    alerting = made[3]  # on the first page, but not the newest
    op = client.get(f"{ops.OPS}/{alerting}", headers=world.auth("icrc.operator")).json()
    ops.ok(ops.count(client, world, op, "Alpha", "bus 1", n={"adults": 2}))
    ops.ok(ops.count(client, world, op, "Charlie", "bus 1", n={"adults": 1}))  # one missing
    logged_in(client, db, world.people["convener.viewer"])
    db.rollback()
    first, second = walk(client, "/operations", re.compile(r'<a href="/operations/(\d+)">'))
    newest = sorted(made, reverse=True)
    assert first == [alerting] + [i for i in newest[:small_pages] if i != alerting]
    assert second == newest[small_pages:]

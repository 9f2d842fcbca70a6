"""The sites, movements and incidents pages come in pages of 50 by cursor, as the API's lists:
the "Next page" link leads to the rest with no repeat and no gap, and a cursor the list did not
give is a 422 page in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from corridor.web.listing import PAGE_SIZE
from tests.incidents_helpers import report
from tests.notifications_helpers import notify_movement, notify_site
from tests.paging_helpers import walk
from tests.web_helpers import logged_in


def _sites(client: Any, world: Any) -> list[int]:
    return [notify_site(client, world, name=f"Synthetic clinic {i}")["id"]
            for i in range(PAGE_SIZE + 2)]


def _movements(client: Any, world: Any) -> list[int]:
    # Pairs leave at the same time: the id breaks the tie between pages.
    return [notify_movement(client, world, departs_in_hours=73 + i // 2)["id"]
            for i in range(PAGE_SIZE + 2)]


def _incidents(client: Any, world: Any) -> list[int]:
    return [report(client, world, who="aid-one.operator", hours_ago=1 + i // 2)["id"]
            for i in range(PAGE_SIZE + 2)]


LISTS: dict[str, tuple[Callable[[Any, Any], list[int]], str]] = {
    "/sites": (_sites, r'<tr data-site="(\d+)"'),
    "/movements": (_movements, r'<tr data-movement="(\d+)"'),
    "/incidents": (_incidents, r'<a href="/incidents/(\d+)">'),
}


@pytest.mark.parametrize("path", list(LISTS))
def test_a_list_shows_50_rows_and_the_next_page_the_rest_without_repeat_or_gap(
        client: Any, db: Session, world: Any, path: str) -> None:
    make, row = LISTS[path]
    made = make(client, world)
    logged_in(client, db, world.people["aid-one.operator"])
    db.rollback()
    pages = walk(client, path, re.compile(row))
    assert [len(p) for p in pages] == [PAGE_SIZE, 2]
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

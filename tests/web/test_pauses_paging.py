"""The pauses list comes in pages of 50 by cursor, with its filters (the text search too) applied
in the database before the page is cut, and kept by the pages' links."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.orm import Session

from corridor.web import listing
from corridor.web.listing import PAGE_SIZE
from tests.paging_helpers import first_link, next_link, walk
from tests.pauses_helpers import propose
from tests.web_helpers import logged_in

PAUSE = re.compile(r'href="/pauses/(\d+)"')
# The first test shows the real page of 50; the others page the same way through pages of 5,
# so that each does not propose fifty pauses first.
SMALL = 5


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(listing, "PAGE_SIZE", SMALL)
    return SMALL


def _many(client: Any, world: Any, count: int, title: str) -> list[int]:
    # Two pauses share each start time, so the id alone must break ties between pages.
    return [propose(client, world, title=f"{title} {i}", hours_from_now=48 + i // 2)["id"]
            for i in range(count)]


def test_the_list_shows_50_pauses_and_the_next_page_the_rest_without_repeat_or_gap(
        client: Any, db: Session, world: Any) -> None:
    made = _many(client, world, PAGE_SIZE + 3, "Synthetic window")
    logged_in(client, db, world.people["convener.negotiator"])
    db.rollback()
    pages = walk(client, "/pauses", PAUSE)
    assert [len(p) for p in pages] == [PAGE_SIZE, 3]
    shown = [i for p in pages for i in p]
    assert sorted(shown) == sorted(made) and len(set(shown)) == len(shown)
    # Latest window first, and by id (descending) between pauses with the same start.
    assert shown == sorted(made, key=lambda i: (-(made.index(i) // 2), -i))


def test_the_text_search_finds_pauses_beyond_the_first_page_in_any_case_and_script(
        client: Any, db: Session, world: Any, small_pages: int) -> None:
    oldest = propose(client, world, title="Синтетичне ВІКНО Київ", hours_from_now=30)["id"]
    _many(client, world, small_pages + 1, "Synthetic window")
    logged_in(client, db, world.people["convener.negotiator"])
    db.rollback()
    assert oldest not in walk(client, "/pauses", PAUSE)[0]  # unfiltered, it is on page 2
    for q in ("вікно київ", "ВІКНО", "синтетичне"):
        assert walk(client, f"/pauses?q={q}", PAUSE) == [[oldest]], q
    # Waypoint names and conditions are searched; keys of the stored content are not.
    assert len(walk(client, "/pauses?q=CHARLIE", PAUSE)[0]) == small_pages
    assert walk(client, "/pauses?q=corridor", PAUSE) == [[]]
    assert walk(client, "/pauses?q=%25", PAUSE) == [[]]  # a % is a percent sign, not "any"


def test_the_next_page_keeps_the_filters(client: Any, db: Session, world: Any,
                                         small_pages: int) -> None:
    made = _many(client, world, small_pages + 2, "Northern window")
    propose(client, world, title="Southern window")
    logged_in(client, db, world.people["convener.negotiator"])
    db.rollback()
    first = client.get("/pauses", params={"q": "northern", "status": "proposed"}).text
    link = next_link(first)
    assert link is not None
    query = parse_qs(urlsplit(link).query)
    assert query["q"] == ["northern"] and query["status"] == ["proposed"] and query["cursor"]
    second = client.get(link).text
    assert first_link(second) == "/pauses?q=northern&status=proposed"
    pages = walk(client, "/pauses?q=northern&status=proposed", PAUSE)
    assert sorted(i for p in pages for i in p) == sorted(made)


def test_a_cursor_not_given_by_the_list_is_refused_in_the_readers_language(
        client: Any, db: Session, world: Any) -> None:
    person = world.people["convener.negotiator"]
    person.language = "uk"
    db.commit()
    logged_in(client, db, person)
    db.rollback()
    for cursor in ("not-a-cursor", "WzEsMl0", "%%%"):
        r = client.get("/pauses", params={"cursor": cursor})
        assert r.status_code == 422, (cursor, r.text[:300])
        assert "Адресу цієї сторінки створив не цей список" in r.text
        assert r.headers["content-language"] == "uk"

"""Walking a paged list page by page, by its "Next page" links, as a reader would."""

from __future__ import annotations

import html
import re
from typing import Any

from corridor.web.listing import PAGE_SIZE

NEXT = re.compile(r'<a href="([^"]*)" rel="next">')
FIRST = re.compile(r'<a href="([^"]*)">(?:First page|Перша сторінка|Первая страница)</a>')


def next_link(text: str) -> str | None:
    found = NEXT.search(text)
    return html.unescape(found.group(1)) if found else None


def first_link(text: str) -> str | None:
    found = FIRST.search(text)
    return html.unescape(found.group(1)) if found else None


def walk(client: Any, url: str, ids: re.Pattern[str]) -> list[list[int]]:
    """The ids on each page from `url` on, following "Next page" until there is none; every
    page after the first has a "First page" link back to `url`."""
    pages: list[list[int]] = []
    while True:
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        rows = [int(i) for i in dict.fromkeys(ids.findall(r.text))]
        assert len(rows) <= PAGE_SIZE
        pages.append(rows)
        if len(pages) > 1:
            assert first_link(r.text) is not None, url
        else:
            assert first_link(r.text) is None
        following = next_link(r.text)
        if following is None:
            return pages
        assert len(pages) < 20, "the next links never end"
        url = following

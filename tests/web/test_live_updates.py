"""Live-update streams: open for as long as a page is, yet holding no database connection
between their polls (and not counted against the in-flight limit)."""

from __future__ import annotations

import time
from contextlib import ExitStack
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.app import create_app
from corridor.config import Settings
from corridor.log.models import LogHead
from tests.served import served
from tests.web_helpers import csrf_of, give_password, logged_in

STREAMS = 5


def _session_cookie(url: str, username: str, password: str) -> dict[str, str]:
    with httpx.Client(base_url=url) as http:
        form = http.get("/login")
        done = http.post("/login", data={"username": username, "password": password,
                                         "csrf_token": csrf_of(form.text)})
        assert done.status_code == 303, done.text
        return {"corridor_session": http.cookies["corridor_session"]}


def test_open_streams_hold_no_connection_and_leave_room_for_requests(
        settings: Settings, engine: Any, db: Session, world: Any) -> None:
    give_password(db, world.people["party-a.viewer"], "pw")
    db.close()
    # As many streams as the in-flight limit, and more: requests must still get through.
    app = create_app(settings.model_copy(update={"concurrency": 2}), engine)
    pool = app.state.engine.pool
    with served(app) as url, ExitStack() as open_streams:
        cookies = _session_cookie(url, "party-a.viewer", "pw")
        for _ in range(STREAMS):
            client = open_streams.enter_context(httpx.Client(base_url=url, cookies=cookies))
            stream = open_streams.enter_context(client.stream("GET", "/events"))
            assert stream.status_code == 200
            assert next(stream.iter_lines()).startswith("retry:")
        seen = []
        for _ in range(30):  # across polls (every 2 s) and the log integrator's rounds
            seen.append(pool.checkedout())
            time.sleep(0.1)
        # The integrator's round or a poll may hold one for a moment; a stream never does.
        assert max(seen) < 2, seen
        page = httpx.get(f"{url}/api/v1/me", cookies=cookies)
        assert page.status_code == 200


def test_a_page_says_the_log_size_it_was_read_at(client: Any, db: Session, world: Any) -> None:
    """The stream's first event gives the log's size when it starts; a page read at another
    size (an entry shown "pending" integrated meanwhile) refreshes itself on that event."""
    logged_in(client, db, world.people["party-a.viewer"])
    size = db.scalar(select(LogHead.size).where(LogHead.group_id == world.group.id))
    page = client.get("/pauses")
    assert f'data-log-size="{size}"' in page.text

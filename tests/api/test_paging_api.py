"""Lists come in pages of a bounded size, each saying where the next one starts, and are
filtered by the database; who may see what is one query per topic, and it agrees with the
policy's rule for every member."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.groups.principal import Principal
from corridor.notifications import service as notices
from corridor.notifications import visible as visible_notices
from corridor.notifications.models import Movement, Site
from corridor.pauses import service as pauses
from corridor.pauses import visible as visible_pauses
from corridor.pauses.models import Pause
from corridor.policy import Action, allowed
from tests.factories import World
from tests.incidents_helpers import ON_CORRIDOR, at, report
from tests.notifications_helpers import agreed_pause, notify_movement, notify_site
from tests.pauses_helpers import API, content, propose


def every_page(client: TestClient, world: World, path: str, who: str = "convener.viewer",
               **params: Any) -> list[list[dict[str, Any]]]:
    pages, query = [], dict(params)
    while True:
        r = client.get(f"{API}/{path}", headers=world.auth(who), params=query)
        assert r.status_code == 200, r.text
        pages.append(r.json())
        cursor = r.headers.get("Next-Cursor")
        if cursor is None:
            assert "Link" not in r.headers
            return pages
        assert r.headers["Link"].endswith('rel="next"') and f"cursor={cursor}" in r.headers[
            "Link"]
        query["cursor"] = cursor


def test_a_list_comes_in_pages_that_together_give_every_row_once(
    client: TestClient, world: World
) -> None:
    made = [propose(client, world, hours_from_now=72 + i)["id"] for i in range(5)]
    pages = every_page(client, world, "pauses", limit=2)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [p["id"] for page in pages for p in page] == made  # by window start
    whole = client.get(f"{API}/pauses", headers=world.auth("convener.viewer")).json()
    assert [p["id"] for p in whole] == made  # 50 unless asked: one page


def test_a_row_added_between_pages_neither_repeats_nor_hides_the_rest(
    client: TestClient, world: World
) -> None:
    for _ in range(3):
        notify_site(client, world)
    first = client.get(f"{API}/sites", headers=world.auth("convener.viewer"),
                       params={"limit": 2})
    notify_site(client, world, name="Added meanwhile")
    rest = every_page(client, world, "sites", limit=2, cursor=first.headers["Next-Cursor"])
    ids = [s["id"] for s in first.json()] + [s["id"] for page in rest for s in page]
    assert len(ids) == len(set(ids)) == 4


@pytest.mark.parametrize(("params", "field"), [
    ({"limit": 201}, "limit"), ({"limit": 0}, "limit"), ({"cursor": "not-ours"}, "cursor"),
])
def test_a_page_too_large_or_a_foreign_cursor_is_refused_naming_it(
    client: TestClient, world: World, params: dict[str, Any], field: str
) -> None:
    for path in ("pauses", "sites", "movements", "operations", "incidents"):
        r = client.get(f"{API}/{path}", headers=world.auth("convener.viewer"), params=params)
        assert r.status_code == 422, (path, r.text)
        assert field in r.text


def test_the_documented_page_size_is_in_the_openapi_description(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("pauses", "sites", "movements", "operations", "incidents"):
        get = paths[f"/api/v1/groups/{{group}}/{path}"]["get"]
        assert "at most 200" in get["description"], path
        limit = next(p for p in get["parameters"] if p["name"] == "limit")
        assert limit["schema"]["maximum"] == 200 and limit["schema"]["default"] == 50
        assert "Next-Cursor" in get["responses"]["200"]["headers"]


def test_incidents_are_filtered_by_type_status_and_time_in_the_database(
    client: TestClient, world: World
) -> None:
    fixed = at(datetime.now(UTC))
    agreed_pause(client, world)
    fixed.advance(timedelta(hours=74))
    breach = report(client, world, at=ON_CORRIDOR)  # a possible breach: follow-up open
    old = report(client, world, type="detention", hours_ago=30)
    recent = report(client, world, hours_ago=2)

    def ids(**params: Any) -> list[int]:
        return [i["id"] for page in every_page(client, world, "incidents", **params)
                for i in page]

    assert ids() == [breach["id"], recent["id"], old["id"]]  # most recent first
    assert ids(type="detention") == [old["id"]]
    assert ids(status="open") == [breach["id"]]
    assert ids(status="not_linked") == [recent["id"], old["id"]]
    since = (fixed() - timedelta(hours=3)).isoformat()
    assert ids(occurred_after=since) == [breach["id"], recent["id"]]
    assert ids(occurred_before=since) == [old["id"]]
    assert ids(reported_by="icrc", limit=1) == [breach["id"], recent["id"], old["id"]]
    assert ids(reported_by="party-a") == []


def test_pauses_are_filtered_by_shown_status_in_the_database(
    client: TestClient, world: World
) -> None:
    fixed = at(datetime.now(UTC))
    agreed = agreed_pause(client, world)
    proposal = propose(client, world, hours_from_now=10)
    later = propose(client, world, hours_from_now=100)
    fixed.advance(timedelta(hours=73))  # inside the agreed window; the first proposal lapsed

    def ids(status: str) -> list[int]:
        return [p["id"] for page in every_page(client, world, "pauses", status=status)
                for p in page]

    assert ids("active") == ids("agreed") == [agreed["id"]]
    assert ids("lapsed") == [proposal["id"]]
    assert ids("proposed") == [later["id"]]
    assert ids("completed") == ids("no-such-status") == []


def test_what_each_member_may_see_is_the_policys_rule_in_sql(
    client: TestClient, world: World, db: Session
) -> None:
    propose(client, world)
    for who in ("party-b.negotiator", "convener.negotiator"):
        r = client.post(f"{API}/pauses", headers=world.auth(who),
                        json={"content": content(), "propose": False})
        assert r.status_code == 201, r.text
    for who in ("aid-one.operator", "aid-two.operator", "icrc.operator"):
        notify_site(client, world, who=who)
        notify_movement(client, world, who=who)
    every_pause = list(db.scalars(select(Pause)))
    every_site, every_movement = list(db.scalars(select(Site))), list(db.scalars(
        select(Movement)))
    for person in world.people.values():
        org = person.organisation
        actor = Principal(person=person, organisation=org, group=org.group).actor
        by_policy = {p.id for p in every_pause
                     if allowed(actor, Action.PAUSE_READ, pauses.target(p))}
        assert set(db.scalars(select(Pause.id).where(visible_pauses.rule(actor)))) == by_policy
        for rows, model in ((every_site, Site), (every_movement, Movement)):
            by_policy = {n.id for n in rows
                         if allowed(actor, Action.NOTIFICATION_READ, notices.target(n))}
            query = select(model.id).where(visible_notices.rule(actor, model))
            assert set(db.scalars(query)) == by_policy, (person.username, model)


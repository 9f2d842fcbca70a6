"""The overview page: the map's embedded features, the timeline and the inbox, each for the
person reading it (need to know as in the API), and the base map's place names."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import World
from tests.incidents_helpers import ON_CORRIDOR, at, report
from tests.notifications_helpers import agreed_pause, notify_movement, notify_site
from tests.pauses_helpers import propose
from tests.web_helpers import logged_in

_FEATURES = re.compile(r'<script type="application/json" id="ov-features"[^>]*>(.*?)</script>',
                       re.S)


def overview(client: TestClient, db: Session, world: World, who: str) -> tuple[str, Any]:
    """Log `who` in and return the overview page and the map data embedded in it."""
    logged_in(client, db, world.people[who])
    db.rollback()
    page = client.get("/")
    assert page.status_code == 200, page.text
    match = _FEATURES.search(page.text)
    assert match, "the overview embeds no map data"
    return page.text, json.loads(match.group(1))


def _urls(data: Any, kind: str) -> set[str]:
    return {f["properties"]["url"] for f in data[kind]["features"]}


def _inbox(html: str) -> str:
    start = html.index('data-live-part="overview-inbox"')
    return html[start:html.index("</section>", start)]


def test_the_overview_asks_for_a_login_first(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/"


def test_the_convener_sees_the_whole_group_on_the_map_with_what_stands_out(
        client: TestClient, db: Session, world: World) -> None:
    fixed = at(datetime.now(UTC))
    pause = agreed_pause(client, world)
    site = notify_site(client, world)
    movement = notify_movement(client, world)
    fixed.advance(timedelta(hours=74))  # inside the window, the convoy on its way
    breach = report(client, world, at=ON_CORRIDOR)
    html, data = overview(client, db, world, "convener.negotiator")

    parts = {f["properties"]["part"] for f in data["pause"]["features"]}
    assert parts == {"corridor", "route", "waypoint"}
    assert {f["properties"]["status"] for f in data["pause"]["features"]} == {"active"}
    assert _urls(data, "pause") == {f"/pauses/{pause['id']}"}
    assert _urls(data, "site") == {f"/sites/{site['id']}"}
    [convoy] = data["movement"]["features"]
    assert convoy["properties"]["url"] == f"/movements/{movement['id']}"
    assert convoy["properties"]["status"] == "under_way" and convoy["properties"]["highlight"]
    [incident] = data["incident"]["features"]
    assert incident["properties"]["url"] == f"/incidents/{breach['id']}"
    assert incident["properties"]["status"] == "breach" and incident["properties"]["highlight"]
    # The timeline links the window; the table works without scripts; live parts are marked.
    assert f'class="tl-row" href="/pauses/{pause["id"]}"' in html
    assert 'class="tl-now"' in html
    for part in ("overview-inbox", "overview-timeline", "overview-map-data", "overview-counts"):
        assert f'data-live-part="{part}"' in html
    assert re.search(r"Movements</a></th>\s*<td class=\"num\">1</td>\s*<td>1 under way", html)
    # The follow-up the incident opened waits for the convener, one click from the report.
    assert f'href="/incidents/{breach["id"]}"><strong>Open follow-up' in _inbox(html)


def test_a_party_sees_the_consent_and_the_receipts_it_owes(
        client: TestClient, db: Session, world: World) -> None:
    pause = propose(client, world)
    site = notify_site(client, world)
    movement = notify_movement(client, world)
    html, _ = overview(client, db, world, "party-a.operator")
    inbox = _inbox(html)
    assert f'href="/pauses/{pause["id"]}"><strong>Consent to give' in inbox
    assert f'href="/sites/{site["id"]}"><strong>Acknowledgement due' in inbox
    assert f'href="/movements/{movement["id"]}"><strong>Acknowledgement due' in inbox
    assert "Party: party-a" in inbox and "Synthetic evacuation pause" in inbox


def test_overdue_receipts_come_first_and_show_since_when(
        client: TestClient, db: Session, world: World) -> None:
    fixed = at(datetime.now(UTC))
    site = notify_site(client, world)
    fixed.advance(timedelta(hours=world.group.ack_deadline_hours, minutes=1))
    propose(client, world)
    html, _ = overview(client, db, world, "party-b.viewer")
    inbox = _inbox(html)
    overdue = inbox.index(f'href="/sites/{site["id"]}"><strong>Acknowledgement overdue')
    assert overdue < inbox.index("Consent to give") and "Overdue since" in inbox


def test_people_unaccounted_for_wait_in_the_conveners_inbox(
        client: TestClient, db: Session, world: World) -> None:
    from tests.operations_helpers import add_participant, count, create, ok

    op = create(client, world)
    ok(add_participant(client, world, op, "aid-one"))
    ok(count(client, world, op, "Alpha", "bus 1", n={"adults": 30}))
    ok(count(client, world, op, "Bravo", "bus 1", n={"adults": 27}))
    ok(count(client, world, op, "Bravo", "bus 1", who="aid-one.operator", n={"adults": 26}))
    html, _ = overview(client, db, world, "convener.viewer")
    inbox = _inbox(html)
    assert f'href="/operations/{op["id"]}"><strong>People unaccounted for' in inbox
    assert "3 people unaccounted for" in inbox
    assert f'href="/operations/{op["id"]}"><strong>Counts differ' in inbox


def test_another_humanitarian_organisations_notices_never_reach_a_humanitarians_overview(
        client: TestClient, db: Session, world: World) -> None:
    theirs_site = notify_site(client, world, who="aid-one.operator", name="Their clinic")
    theirs = notify_movement(client, world, who="aid-one.operator")
    mine = notify_site(client, world, who="aid-two.operator", name="Our warehouse",
                       type="warehouse")
    html, data = overview(client, db, world, "aid-two.operator")
    assert _urls(data, "site") == {f"/sites/{mine['id']}"}
    assert data["movement"]["features"] == []
    assert "Their clinic" not in html
    assert f"/movements/{theirs['id']}" not in html and f"/sites/{theirs_site['id']}" not in html
    # The parties and the convener do see it.
    client.cookies.clear()
    _, convener = overview(client, db, world, "convener.viewer")
    assert f"/sites/{theirs_site['id']}" in _urls(convener, "site")


def test_an_empty_group_says_nothing_waits(client: TestClient, db: Session,
                                           world: World) -> None:
    html, data = overview(client, db, world, "donor.viewer")
    assert "Nothing waits for you now." in html
    assert "No pause windows in these three weeks." in html
    assert all(data[k]["features"] == [] for k in ("pause", "site", "movement", "incident"))


def test_the_overview_speaks_the_readers_language(client: TestClient, db: Session,
                                                  world: World) -> None:
    person = world.people["party-a.viewer"]
    person.language = "uk"
    db.commit()
    propose(client, world)
    html, _ = overview(client, db, world, "party-a.viewer")
    assert "Згода, яку треба дати" in _inbox(html)


def test_the_base_map_names_the_towns_of_the_region(client: TestClient) -> None:
    response = client.get("/places.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    names = {f["properties"]["name"]: f for f in response.json()["features"]}
    assert {"Kyiv", "Mariupol", "Zaporizhzhya", "Berdyansk", "Tokmak"} <= set(names)
    assert names["Kyiv"]["properties"]["rank"] == 1 and names["Tokmak"]["properties"]["rank"] == 3
    assert "Tokmok" not in names  # Kyrgyzstan is outside the map's region
    assert len(response.content) < 60_000


def test_an_inbox_longer_than_one_answer_says_more_are_waiting(
        client: TestClient, db: Session, world: World, monkeypatch: Any) -> None:
    from corridor.alerts import service as alerts

    monkeypatch.setattr(alerts, "LIMIT", 2)
    for _ in range(3):
        notify_site(client, world)
    logged_in(client, db, world.people["party-a.viewer"])
    page = client.get("/").text
    assert "More are waiting: the oldest 2 are shown." in page
    monkeypatch.setattr(alerts, "LIMIT", 200)
    assert "More are waiting" not in client.get("/").text

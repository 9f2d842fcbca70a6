"""The overview in chromium, for the seed scenario: the convener's map of the whole group, a
party liaison's inbox of what it owes, and a humanitarian logistician who sees only its own
organisation's notices; each page checked by axe."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.web.browser.harness import Demo, new_page, screenshot, serious_accessibility_violations


def _token(demo: Demo, username: str) -> str:
    for member in demo.data["members"]:
        for person in member["people"]:
            if person["username"] == username:
                return str(person["token"])
    raise KeyError(username)


def _api(demo: Demo, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    group = demo.data["group"]["slug"]
    r = httpx.post(f"{demo.url}/api/v1/groups/{group}/{path}", json=body,
                   headers={"Authorization": f"Bearer {_token(demo, who)}"}, timeout=30)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _map_data(page: Page) -> dict[str, Any]:
    return dict(json.loads(page.locator("#ov-features").text_content() or "{}"))


def _wait_for_map(page: Page) -> None:
    expect(page.locator("#ov-map[data-drawn]")).to_be_attached()
    expect(page.locator(".ov-place").first).to_be_attached()
    expect(page.locator("#ov-legend")).to_be_visible()
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some(e => e.name.endsWith('/basemap.geojson') && e.responseEnd > 0)")
    page.wait_for_timeout(300)  # drawn after it arrives


def test_the_convener_opens_onto_a_populated_map_of_the_group(browser: Browser,
                                                              demo: Demo) -> None:
    context, page = new_page(browser, demo, "un-ocha.coordinator")
    page.goto("/")
    _wait_for_map(page)
    data = _map_data(page)
    assert {f["properties"]["part"] for f in data["pause"]["features"]} >= {"corridor", "route"}
    # The ICRC's convoy under way and WFP's trucks (Russia's receipt overdue); the Kyiv strike
    # and the shelling at the plant (a possible breach of the agreed pause).
    assert len(data["site"]["features"]) == 1 and len(data["movement"]["features"]) == 2
    assert [f["properties"]["status"] for f in data["movement"]["features"]] == [
        "under_way", "planned"]
    assert len(data["incident"]["features"]) == 2
    assert [f["properties"].get("highlight") for f in data["incident"]["features"]].count(
        True) == 1
    timeline = page.locator("[data-live-part=overview-timeline]")
    expect(timeline.get_by_role("link", name="Azovstal")).to_have_attribute("href", "/pauses/1")
    expect(timeline.get_by_role("link", name="Mariupol and the towns")).to_have_attribute(
        "href", "/pauses/2")
    # The convener opens onto what waits: an overdue receipt and an open follow-up.
    inbox = page.locator("[data-live-part=overview-inbox]")
    expect(inbox.locator("a[href='/movements/2']")).to_be_visible()
    expect(inbox.locator("a[href='/incidents/2']")).to_be_visible()
    expect(inbox).to_contain_text("Party: russia")
    expect(inbox).not_to_contain_text("Nothing waits for you now")
    expect(page.locator(".ov-place", has_text="Zaporizhzhya")).to_be_attached()
    # Layers switch off and on from the legend, with the keyboard.
    drawn = int(page.locator("#ov-map").get_attribute("data-drawn") or 0)
    assert drawn == sum(len(data[k]["features"]) for k in data) and drawn > 0
    movements = page.get_by_role("checkbox", name="Movements")
    movements.focus()
    page.keyboard.press("Space")
    expect(movements).not_to_be_checked()
    page.keyboard.press("Space")
    expect(movements).to_be_checked()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "overview")
    context.close()


def test_a_party_liaison_finds_what_it_owes_in_its_inbox(browser: Browser, demo: Demo) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=4)
    pause = _api(demo, "un-ocha.coordinator", "pauses", {"content": {
        "title": "Aid delivery to Vasylivka", "purposes": ["aid_delivery"],
        "corridor": {"waypoints": [{"name": "Zaporizhzhia", "lon": 35.18, "lat": 47.84},
                                   {"name": "Vasylivka", "lon": 35.28, "lat": 47.44}],
                     "half_width_m": 3000},
        "window": {"start": start.isoformat(), "end": (start + timedelta(hours=10)).isoformat()},
        "required_signatories": ["russia", "ukraine"]}})
    departure = start + timedelta(hours=1)
    movement = _api(demo, "wfp.logistician", "movements", {
        "route": {"type": "LineString", "coordinates": [[35.18, 47.84], [35.28, 47.44]]},
        "departure": departure.isoformat(),
        "arrival": (departure + timedelta(hours=5)).isoformat(),
        "vehicles": {"count": 4, "type": "trucks", "marking": "WFP"},
        "staff": 8, "passengers": 0, "cargo": "food parcels"})
    context, page = new_page(browser, demo, "ukraine.liaison")
    page.goto("/")
    inbox = page.locator("[data-live-part=overview-inbox]")
    # The seed's second pause also waits for Ukraine's consent.
    expect(inbox.locator("a[href='/pauses/2']")).to_contain_text("Consent to give")
    expect(inbox.locator("a[href='/incidents/2']")).to_be_visible()
    consent = inbox.get_by_role("link", name="Consent to give").filter(
        has_text="Aid delivery to Vasylivka")
    expect(consent).to_have_attribute("href", f"/pauses/{pause['id']}")
    expect(consent).to_contain_text("Aid delivery to Vasylivka")
    receipt = inbox.locator(f"a[href='/movements/{movement['id']}']")
    expect(receipt).to_contain_text("Acknowledgement due")
    expect(inbox).to_contain_text("Party: ukraine")
    _wait_for_map(page)
    expect(page.locator("[data-live-part=overview-timeline]")
           .get_by_role("link", name="Aid delivery to Vasylivka")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "overview-party")
    receipt.click()
    page.wait_for_url(f"**/movements/{movement['id']}")
    context.close()


def test_a_humanitarian_logistician_sees_only_its_own_organisations_notices(
        browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo, "wfp.logistician")
    page.goto("/")
    _wait_for_map(page)
    data = _map_data(page)
    organisations = {f["properties"]["title"].rsplit(" · ", 1)[-1]
                     for f in data["movement"]["features"]}
    assert organisations <= {"wfp"}
    assert data["site"]["features"] == []  # the hospital is UNICEF's
    assert "Hospital in Zaporizhzhia" not in page.content()
    assert len(data["pause"]["features"]) > 0 and len(data["incident"]["features"]) == 2
    assert serious_accessibility_violations(page) == []
    screenshot(page, "overview-humanitarian")
    context.close()

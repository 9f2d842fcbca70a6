"""Incidents in the browser: a party's liaison reports one by clicking the map inside the agreed
corridor, with an evidence file; the report is a possible breach with a follow-up, and the other
party's liaison answers in the thread. Synthetic statements only (never the real parties')."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Browser, FilePayload, expect

from tests.web.browser.harness import Demo, new_page, screenshot, serious_accessibility_violations

EVIDENCE = b"Synthetic evidence file for the browser test.\n"


def test_a_liaison_reports_by_clicking_the_map_and_the_other_party_answers(
        browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo, "ukraine.liaison")
    page.goto("/incidents")
    page.get_by_role("link", name="Report an incident").click()
    page.wait_for_function("() => document.getElementById('incident-map').corridorMap")
    corridor = json.loads(page.locator("#incident-map").get_attribute("data-geojson") or "{}")
    route = next(f["geometry"]["coordinates"] for f in corridor["features"]
                 if f["geometry"]["type"] == "LineString")
    lon, lat = route[len(route) // 2]  # a waypoint of the agreed corridor
    page.wait_for_timeout(500)  # the map has fitted the corridor
    point = page.evaluate(
        "([lat, lon]) => { const p = document.getElementById('incident-map').corridorMap"
        ".latLngToContainerPoint([lat, lon]); return {x: p.x, y: p.y}; }", [lat, lon])
    page.locator("#incident-map").click(position=point)
    assert abs(float(page.locator("#lat").input_value()) - lat) < 0.05
    assert abs(float(page.locator("#lon").input_value()) - lon) < 0.05
    page.get_by_label("Type").select_option("shelling")
    when = datetime.now(UTC) - timedelta(minutes=30)
    page.get_by_label("When it happened").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Time zone of that time").select_option("UTC")
    page.get_by_label("Place name").fill("Synthetic roadside point")
    page.get_by_label("What happened").fill("Synthetic test report: explosions near the road.")
    page.get_by_label("Evidence files (optional)").set_input_files(
        [FilePayload(name="note.txt", mimeType="text/plain", buffer=EVIDENCE)])
    screenshot(page, "incident-new")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Report the incident").click()
    expect(page.get_by_role("status")).to_contain_text("Report saved")
    expect(page.locator(".badge.breach").first).to_be_visible()
    expect(page.locator("#evidence")).to_contain_text(hashlib.sha256(EVIDENCE).hexdigest())
    expect(page.locator("#thread")).to_contain_text("awaiting")
    incident_url = page.url.split("?")[0]
    context.close()

    context, page = new_page(browser, demo, "russia.liaison")
    page.goto(incident_url)
    page.get_by_label("Your party's answer").fill("Synthetic answer from the other party.")
    page.get_by_role("button", name="Send the answer").click()
    thread = page.locator("#thread")
    expect(thread).to_contain_text("Synthetic answer from the other party.")
    expect(thread).to_contain_text("russia")
    page.wait_for_timeout(300)  # the map has drawn
    screenshot(page, "incident-detail")
    assert serious_accessibility_violations(page) == []
    page.goto("/incidents")
    expect(page.locator("tr.inc-breach", has_text="Synthetic roadside point")).to_be_visible()
    screenshot(page, "incidents")
    assert serious_accessibility_violations(page) == []
    context.close()

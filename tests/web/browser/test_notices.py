"""The seed story's notifications through the pages: a WFP logistician notifies a movement along
the agreed Azovstal corridor with the form, both parties' liaison officers acknowledge it in their
own browsers, and the movement's page shows both receipts and the check "covered by" the pause;
UNICEF notifies a site, a party acknowledges it, and another humanitarian organisation gets 404."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Browser, expect

from tests.web.browser.harness import (
    Demo,
    new_page,
    screenshot,
    serious_accessibility_violations,
)

# Points of the demo's agreed corridor (Manhush to Zaporizhzhia), as a logistician types them.
ROUTE = ("Manhush @ 47.053, 37.3\nBerdiansk @ 46.758, 36.788\nTokmak @ 47.255, 35.705\n"
         "Vasylivka @ 47.443, 35.274\nZaporizhzhia @ 47.838, 35.139")


def test_a_movement_is_notified_acknowledged_by_both_parties_and_covered_by_the_pause(
        browser: Browser, demo: Demo) -> None:
    pause_id = demo.data["pauses"][0]
    context, page = new_page(browser, demo, "wfp.logistician")
    page.goto("/movements/new")
    assert serious_accessibility_violations(page) == []
    departure = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    page.locator("#route").fill(ROUTE)
    page.locator("#departure").fill(departure.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#arrival").fill((departure + timedelta(hours=14)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#zone").select_option("UTC")
    page.locator("#pause").select_option(str(pause_id))
    page.locator("#vehicles_count").fill("4")
    page.locator("#vehicles_type").fill("trucks")
    page.locator("#vehicles_marking").fill("WFP logo")
    page.locator("#staff").fill("6")
    page.locator("#cargo").fill("wheat flour, 80 t")
    expect(page.locator("#notices-map")).to_have_attribute("data-features", re.compile("[1-9]"))
    screenshot(page, "movement-new")
    page.get_by_role("button", name="Notify the parties").click()
    page.wait_for_url(re.compile(r"/movements/\d+$"))
    movement_url = page.url
    expect(page.locator(".check-summary")).to_have_attribute("data-code", "covered")
    context.close()

    for party in ("ukraine", "russia"):
        context, page = new_page(browser, demo, f"{party}.liaison")
        page.goto(movement_url)
        expect(page.locator(f'tr[data-party="{party}"] .badge')).to_have_text("Pending")
        page.locator("#acknowledge").click()
        page.wait_for_url(movement_url)
        expect(page.locator(f'tr[data-party="{party}"] .badge')).to_have_text("Acknowledged")
        expect(page.locator("#acknowledge")).to_have_count(0)
        context.close()

    context, page = new_page(browser, demo, "wfp.logistician")
    page.goto(movement_url)
    for party in ("ukraine", "russia"):
        expect(page.locator(f'tr[data-party="{party}"] .badge')).to_have_text("Acknowledged")
    expect(page.locator(".check-summary")).to_contain_text(f"Covered by agreed pause {pause_id}")
    expect(page.locator("#notices-map")).to_have_attribute("data-outside", "0")
    expect(page.locator("#notices-map")).to_have_attribute("data-features", re.compile("[1-9]"))
    assert serious_accessibility_violations(page) == []
    screenshot(page, "movement-detail")
    page.goto("/movements")
    # Its own two (this one and the seed's trucks from Dnipro), not the ICRC's convoy.
    expect(page.locator("table.movements tbody tr")).to_have_count(2)
    expect(page.locator("table.movements tbody tr", has_text="icrc")).to_have_count(0)
    assert serious_accessibility_violations(page) == []
    context.close()

    context, page = new_page(browser, demo, "un-ocha.coordinator")
    page.goto("/movements")
    expect(page.locator("table.movements tbody tr")).to_have_count(3)  # the seed's two + this
    expect(page.locator("#notices-map")).to_have_attribute("data-features", re.compile("[1-9]"))
    screenshot(page, "movements")
    context.close()


def test_a_site_notified_by_unicef_is_acknowledged_by_a_party_and_hidden_from_wfp(
        browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo, "unicef.logistician")
    page.goto("/sites/new")
    assert serious_accessibility_violations(page) == []
    page.locator("#name").fill("Synthetic school shelter in Zaporizhzhia")
    page.locator("#type").select_option("shelter")
    page.locator("#people_present").fill("120")
    page.locator("#notices-map").click(position={"x": 300, "y": 200})
    expect(page.locator("#lat")).not_to_have_value("")
    page.locator("#lat").fill("47.82")
    page.locator("#lon").fill("35.17")
    page.get_by_role("button", name="Notify the parties").click()
    page.wait_for_url(re.compile(r"/sites/\d+$"))
    site_url = page.url
    context.close()

    context, page = new_page(browser, demo, "ukraine.liaison")
    page.goto(site_url)
    page.locator("#acknowledge").click()
    page.wait_for_url(site_url)
    expect(page.locator('tr[data-party="ukraine"] .badge')).to_have_text("Acknowledged")
    context.close()

    context, page = new_page(browser, demo, "un-ocha.coordinator")
    page.goto(site_url)
    expect(page.locator('tr[data-party="ukraine"] .badge')).to_have_text("Acknowledged")
    expect(page.locator('tr[data-party="russia"] .badge')).to_have_text("Pending")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "site-detail")
    page.goto("/sites")
    expect(page.locator("table.sites tbody tr")).to_have_count(2)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sites")
    context.close()

    context, page = new_page(browser, demo, "wfp.logistician")
    response = page.goto(site_url)
    assert response is not None and response.status == 404
    page.goto("/sites")
    expect(page.get_by_text("Synthetic school shelter")).to_have_count(0)
    context.close()

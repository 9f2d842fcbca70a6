"""The whole seed story through the pages, each member in their own browser: the convener
proposes a pause, both parties sign it with their key files, a humanitarian organisation notifies
a movement through it, the parties acknowledge, counts are recorded, and the unaccounted person
reaches the convener's inbox while the overview is open (live, without a reload). Then the
convener reads the overview in Ukrainian and in Russian."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Browser, expect

from tests.web.browser.harness import Demo, new_page, screenshot
from tests.web.browser.test_operations_pages import _phone, _stage_form
from tests.web.browser.test_pauses import _propose_with_the_form, _sign

OPERATION = "Evacuation of civilians from the Azovstal plant"


def test_the_seed_story_from_proposal_to_an_unaccounted_person_in_the_conveners_inbox(
        browser: Browser, demo: Demo) -> None:
    # 1. The convener proposes a pause with the form.
    convener, page = new_page(browser, demo, "un-ocha.coordinator")
    _propose_with_the_form(page, "Synthetic story pause", ["Zaporizhzhia", "Vasylivka", "Tokmak"])
    page.get_by_role("button", name="Propose to the group").click()
    page.wait_for_url(re.compile(r"/pauses/\d+$"))
    pause_id = int(page.url.rsplit("/", 1)[1])

    # 2. Both parties sign it in their own browsers with their own key files.
    for party in ("ukraine", "russia"):
        context, party_page = new_page(browser, demo, f"{party}.negotiator")
        _sign(party_page, pause_id, demo.key_files[party]["signing"])
        party_page.wait_for_url(re.compile(rf"/pauses/{pause_id}$"))
        context.close()
    page.goto(f"/pauses/{pause_id}")
    expect(page.locator("h1 .badge")).to_have_text("Agreed")

    # 3. WFP notifies a movement along the new corridor inside its window.
    start = (datetime.now(UTC) + timedelta(days=4)).strftime("%Y-%m-%d")
    context, wfp = new_page(browser, demo, "wfp.logistician")
    wfp.goto("/movements/new")
    wfp.locator("#route").fill("Zaporizhzhia\nVasylivka\nTokmak")
    wfp.locator("#departure").fill(f"{start}T09:00")
    wfp.locator("#arrival").fill(f"{start}T14:00")
    wfp.locator("#zone").select_option("Europe/Kyiv")
    wfp.locator("#pause").select_option(str(pause_id))
    wfp.locator("#vehicles_count").fill("3")
    wfp.locator("#vehicles_type").fill("trucks")
    wfp.locator("#staff").fill("5")
    wfp.locator("#cargo").fill("medicines, 12 t")
    wfp.get_by_role("button", name="Notify the parties").click()
    wfp.wait_for_url(re.compile(r"/movements/\d+$"))
    movement_url = wfp.url
    expect(wfp.locator(".check-summary")).to_contain_text(f"Covered by agreed pause {pause_id}")
    context.close()

    # 4. Both parties acknowledge receipt.
    for party in ("ukraine", "russia"):
        context, liaison = new_page(browser, demo, f"{party}.liaison")
        liaison.goto(movement_url)
        liaison.locator("#acknowledge").click()
        liaison.wait_for_url(movement_url)
        expect(liaison.locator(f'tr[data-party="{party}"] .badge')).to_have_text("Acknowledged")
        context.close()

    # 5. The convener keeps the overview open while the ICRC records counts on a phone.
    page.goto("/")
    inbox = page.locator("[data-live-part='overview-inbox']")
    expect(inbox).not_to_contain_text("unaccounted")
    page.wait_for_timeout(1000)  # the live stream is open

    phone = _phone(browser, demo, "icrc.logistician")
    phone.goto("/operations")
    phone.get_by_role("link", name=OPERATION).click()
    phone.get_by_role("link", name="Record a count or departure").click()
    phone.locator("#choose-vehicle").fill("bus 12")
    phone.get_by_role("button", name="Show expected numbers").click()
    form = _stage_form(phone, "Mariupol (Azovstal)").locator("form")
    form.get_by_label("Children").fill("2")
    form.get_by_label("Adults").fill("9")
    form.get_by_role("button", name=re.compile("Record boarding")).click()
    expect(phone.get_by_role("status")).to_contain_text("Recorded")
    phone.goto(phone.url.split("?")[0].rsplit("/record", 1)[0] + "/record?vehicle=bus+12")
    arrival = _stage_form(phone, "Zaporizhzhia").locator("form")
    arrival.get_by_label("Adults").fill("8")
    arrival.get_by_role("button", name=re.compile("Record arrival")).click()
    expect(phone.locator(".ops-unaccounted")).to_contain_text("1 person unaccounted for")
    phone.context.close()

    # 6. The convener's open overview shows it without a reload, one click from the board.
    item = inbox.locator(".ov-unaccounted")
    expect(item).to_contain_text("1 person unaccounted for", timeout=15_000)
    screenshot(page, "story-convener-inbox")
    item.locator("a").first.click()
    expect(page.locator(".ops-unaccounted")).to_contain_text("bus 12")

    # 7. The convener switches to Ukrainian, then Russian.
    for lang, overview, unaccounted in (("uk", "Огляд", "не врахован"),
                                        ("ru", "Обзор", "не учтён")):
        page.goto("/settings")
        page.locator("#language").select_option(lang)
        page.locator("form[action='/settings'] button[type=submit]").click()
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.get_by_role("link", name=overview, exact=True)).to_be_visible()
        expect(inbox.locator(".ov-unaccounted")).to_contain_text(unaccounted)
        screenshot(page, f"overview-{lang}")
    convener.close()

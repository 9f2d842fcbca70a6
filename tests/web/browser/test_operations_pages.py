"""The seed story's counts, in the browser: an ICRC logistician records a bus boarding at
Azovstal and arriving in Zaporizhzhia one person short, on a phone; the board shows the person
unaccounted for in red at the top, and the convener sees it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from tests.web.browser.harness import Demo, new_page, screenshot, serious_accessibility_violations

TITLE = "Evacuation of civilians from the Azovstal plant"


def _phone(browser: Browser, demo: Demo, username: str) -> Page:
    context = browser.new_context(base_url=demo.url, locale="en-GB", is_mobile=True,
                                  has_touch=True, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(demo.passwords[username])
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _stage_form(page: Page, stage: str) -> Locator:
    """The <details> holding the count form of a stage, opened."""
    details = page.locator("details", has=page.locator("summary", has_text=stage))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def test_counts_on_a_phone_leave_one_person_unaccounted_in_red_at_the_top_of_the_board(
        browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo, "icrc.logistician")
    page.goto("/operations")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot(page, "operations")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name=TITLE).click()
    board_url = page.url
    context.close()

    phone = _phone(browser, demo, "icrc.logistician")
    phone.goto(board_url)
    phone.get_by_role("link", name="Record a count or departure").click()
    phone.locator("#choose-vehicle").fill("bus 9")
    phone.get_by_role("button", name="Show expected numbers").click()
    form = _stage_form(phone, "Mariupol (Azovstal)").locator("form")
    form.get_by_label("Children").fill("3")
    form.get_by_label("Adults").fill("8")
    form.get_by_label("Older people").fill("1")
    form.get_by_role("button", name=re.compile("Record boarding")).click()
    expect(phone.get_by_role("status")).to_contain_text("Recorded")

    phone.goto(board_url + "/record?vehicle=bus+9")
    arrival = _stage_form(phone, "Zaporizhzhia")
    form = arrival.locator("form")
    adults = form.get_by_label("Adults")
    expect(adults).to_have_value("8")  # prefilled with who is expected aboard
    expect(form.get_by_label("Children")).to_have_value("3")
    assert adults.get_attribute("inputmode") == "numeric"
    adults.fill("7")
    arrival.scroll_into_view_if_needed()
    screenshot(phone, "operation-count-phone")
    assert serious_accessibility_violations(phone) == []
    form.get_by_role("button", name=re.compile("Record arrival")).click()

    top = phone.locator(".ops-unaccounted")
    expect(top).to_contain_text("1 person unaccounted for")
    expect(top.get_by_role("row", name=re.compile("bus 9"))).to_be_visible()
    phone.context.close()

    context, page = new_page(browser, demo, "un-ocha.coordinator")
    page.goto(board_url)
    top = page.locator("#board .ops-unaccounted")
    expect(top).to_contain_text("1 person unaccounted for")
    heading_colour = top.locator("h2").evaluate("e => getComputedStyle(e).color")
    assert heading_colour == "rgb(176, 0, 32)"
    first = page.locator("#board > *").first
    assert first.get_attribute("class") == "ops-unaccounted"  # at the very top of the board
    expect(page.locator("#board")).to_have_attribute("data-live-part", "operation-board")
    screenshot(page, "operation-board")
    assert serious_accessibility_violations(page) == []
    # The overview's inbox is another page's; where it links to the operation, follow it.
    page.goto("/")
    inbox_link = page.locator(f"a[href$='{board_url.rsplit('/', 1)[1]}'][href*='/operations/']")
    if inbox_link.count():
        inbox_link.first.click()
        expect(page.locator(".ops-unaccounted")).to_contain_text("unaccounted")
    context.close()

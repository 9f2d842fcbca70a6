"""Logging in through the real page in chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.web.browser.harness import (
    Demo,
    new_page,
    screenshot,
    serious_accessibility_violations,
)

# Changes no data (one failed login, which the next right password resets): shares the session's
# demo server.
pytestmark = pytest.mark.reads_demo_only


def test_a_member_logs_in_and_lands_on_the_overview(browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo)
    page.goto("/")
    expect(page).to_have_url(f"{demo.url}/login?next=/")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "login")
    page.locator("#username").fill("un-ocha.coordinator")
    page.locator("#password").fill(demo.passwords["un-ocha.coordinator"])
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{demo.url}/")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    context.close()


def test_a_wrong_password_is_said_next_to_the_form(browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo)
    page.goto("/login")
    page.locator("#username").fill("russia.negotiator")
    page.locator("#password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.locator("#username")).to_have_value("russia.negotiator")
    context.close()

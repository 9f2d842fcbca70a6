"""The pages work in chromium under the Content-Security-Policy: every page a convener and a
party use, the maps, the pause timeline, the sign page and the forms, with no violation reported
(a blocked inline script or style would appear here before a user met a broken page)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.web.browser.harness import Demo, log_in, new_page
from tests.web.browser.test_pauses import _propose_by_api

# Runs before each document's own scripts and outside its policy (Playwright's init script).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                           + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""
MAP_PAGES = ["/", "/movements", "/movements/new", "/sites", "/incidents/new"]
OTHER_PAGES = ["/pauses", "/pauses/new", "/sites/new", "/operations", "/incidents", "/log",
               "/settings", "/api/docs"]


def _watched(browser: Browser, demo: Demo, username: str) -> tuple[BrowserContext, Page,
                                                                      list[str]]:
    context, page = new_page(browser, demo)
    context.add_init_script(LISTEN)
    console: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    page.on("console", note)
    log_in(page, username, demo.passwords[username])
    return context, page, console


def _violations(page: Page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__violations || []"), *console]


def test_every_page_runs_under_the_policy_with_no_violation(browser: Browser, demo: Demo) -> None:
    context, page, console = _watched(browser, demo, "un-ocha.coordinator")
    found: dict[str, list[str]] = {}
    for path in MAP_PAGES + OTHER_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
        if path in MAP_PAGES:
            expect(page.locator(".leaflet-container").first).to_be_visible()
            expect(page.locator(".leaflet-overlay-pane canvas").first).to_be_attached()
        if path == "/api/docs":
            expect(page.locator(".swagger-ui .info")).to_be_visible()
        if bad := _violations(page, console):
            found[path] = bad
        console.clear()
    assert found == {}
    context.close()


def test_the_timeline_is_placed_by_its_script_file_with_no_style_attribute(
        browser: Browser, demo: Demo) -> None:
    context, page, console = _watched(browser, demo, "un-ocha.coordinator")
    page.goto("/")
    now = page.locator(".tl-now")
    expect(now).to_have_attribute("data-left", re.compile(r"^[0-9.]+$"))
    assert page.evaluate("document.querySelector('.tl-now').style.left").endswith("%")
    bars = page.locator(".tl-bar")
    if bars.count():
        assert bars.first.evaluate("e => e.style.width").endswith("%")
    assert page.locator("[style]").evaluate_all(
        "els => els.filter(e => e.closest('.tl') && !e.dataset.left).length") == 0
    assert _violations(page, console) == []
    context.close()


def test_a_party_signs_in_the_browser_and_logs_out_under_the_policy(
        browser: Browser, demo: Demo) -> None:
    pause_id = _propose_by_api(demo, "Synthetic pause for the policy check")
    context, page, console = _watched(browser, demo, "russia.negotiator")
    page.goto(f"/pauses/{pause_id}/sign")
    page.set_input_files("#key-file", demo.key_files["russia"]["signing"])
    expect(page.locator("#key-status")).to_contain_text("SHA256:")
    page.locator("#confirm").check()
    page.locator("#sign-button").click()
    page.wait_for_url(lambda url: "/sign" not in url)
    assert _violations(page, console) == []
    page.locator("form[action='/logout'] button").click()
    page.wait_for_url(lambda url: "/login" in url)
    assert _violations(page, console) == []
    context.close()

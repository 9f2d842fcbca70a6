"""The log pages in chromium: the checkpoint with its witnesses, and an entry whose inclusion
proof the browser checks itself with WebCrypto, failing where the page was tampered with."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.web.browser.harness import Demo, new_page, screenshot, serious_accessibility_violations


def _result(page: Page) -> str:
    check = page.locator("#proof-check")
    expect(check).to_have_attribute("data-result", re.compile("^(verified|failed)$"))
    return check.get_attribute("data-result") or ""


def test_the_log_page_shows_the_checkpoint_its_cosignatures_and_the_entries(
        browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo, "russia.liaison")
    page.goto("/log")
    expect(page.get_by_role("heading", name="Current checkpoint")).to_be_visible()
    expect(page.locator("#checkpoint-note")).to_contain_text(demo.data["group"]["slug"])
    witnesses = page.locator("[data-live-part=log-witnesses]")
    expect(witnesses).to_contain_text("2 witnesses cosigned this checkpoint.")
    expect(witnesses.get_by_role("row", name=re.compile("^Ukraine"))).to_contain_text("Cosigned")
    page.get_by_label("Type").select_option(label="Consent signed")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("table.log-entries tbody tr")
    expect(rows.first).to_contain_text("Consent signed")
    assert rows.count() == page.locator("table.log-entries tbody tr",
                                        has_text="Consent signed").count()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "log")
    context.close()


def test_an_entrys_inclusion_proof_is_verified_in_the_browser(browser: Browser,
                                                              demo: Demo) -> None:
    context, page = new_page(browser, demo, "ukraine.negotiator")
    page.goto("/log?type=pause.consented")
    page.locator("table.log-entries tbody tr a").first.click()
    page.wait_for_url("**/log/entries/*")
    assert _result(page) == "verified"
    size = page.locator("#proof-check").get_attribute("data-size")
    expect(page.locator("#proof-check")).to_have_text(
        f"Verified in your browser against the checkpoint of size {size}.")
    expect(page.locator("#proof-hashes li").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "log-entry")

    # A root that is not the signed one: the last step fails.
    page.evaluate("""() => {
      const note = document.getElementById('checkpoint-note');
      const lines = note.textContent.split('\\n');
      lines[2] = btoa(String.fromCharCode(...new Uint8Array(32)));
      note.textContent = lines.join('\\n');
    }""")
    page.get_by_role("button", name="Check again").click()
    assert _result(page) == "failed"
    expect(page.locator("#proof-check")).to_contain_text("Failed at the last step")
    screenshot(page, "log-entry-tampered")

    # An entry altered on the page no longer hashes to its leaf: step 1 fails.
    page.reload()
    assert _result(page) == "verified"
    page.evaluate("""() => {
      const data = document.getElementById('entry-data');
      data.textContent = data.textContent.replace('"agree"', '"decline"');
    }""")
    page.get_by_role("button", name="Check again").click()
    assert _result(page) == "failed"
    expect(page.locator("#proof-check")).to_contain_text("Failed at step 1")
    context.close()


def test_a_humanitarian_checks_a_withheld_entry_from_its_leaf_hash(browser: Browser,
                                                                   demo: Demo) -> None:
    context, page = new_page(browser, demo, "wfp.logistician")
    page.goto("/log")
    withheld = page.locator("table.log-entries tbody tr",
                            has_text="Withheld: another humanitarian").first
    expect(withheld).to_be_visible()
    withheld.get_by_role("link").click()
    page.wait_for_url("**/log/entries/*")
    expect(page.locator("#entry-data")).to_have_count(0)
    assert _result(page) == "verified"
    context.close()

"""The log pages in chromium: the checkpoint with its witnesses, and an entry whose inclusion
proof the browser checks itself with WebCrypto, failing where the page was tampered with."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.web.browser.harness import Demo, new_page, screenshot, serious_accessibility_violations

# Changes no data: shares the session's demo server.
pytestmark = pytest.mark.reads_demo_only


def _result(page: Page, box: str = "#proof-check") -> str:
    check = page.locator(box)
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
    name = demo.data["group"]["log_verifier_key"].split("+")[0]
    expect(page.locator("#proof-check")).to_have_text(
        f"Verified in your browser: the checkpoint of size {size} is signed with key {name} "
        "and includes this entry.")
    expect(page.locator("#signature-check")).to_have_text(
        f"Checkpoint signature verified with key {name}.")
    expect(page.locator("#proof-hashes li").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "log-entry")

    # A root that is not the signed one: the checkpoint signature fails, so the proof is not
    # reported verified even though it would fold to the altered root's tree.
    page.evaluate("""() => {
      const note = document.getElementById('checkpoint-note');
      const lines = note.textContent.split('\\n');
      lines[2] = btoa(String.fromCharCode(...new Uint8Array(32)));
      note.textContent = lines.join('\\n');
    }""")
    page.get_by_role("button", name="Check again").click()
    assert _result(page) == "failed"
    assert _result(page, "#signature-check") == "failed"
    expect(page.locator("#proof-check")).to_contain_text(
        "Not verified: the checkpoint signature failed. Signature not verified, step 4: "
        f"the signature by {name} does not match the checkpoint text.")
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


def test_the_checkpoint_signature_is_verified_in_the_browser_with_the_log_key(
        browser: Browser, demo: Demo) -> None:
    vkey = demo.data["group"]["log_verifier_key"]
    name = vkey.split("+")[0]
    context, page = new_page(browser, demo, "icrc.delegate")
    page.goto("/log")
    expect(page.locator("#log-key")).to_have_text(vkey)  # to compare with the pinned key
    assert _result(page, "#signature-check") == "verified"
    expect(page.locator("#signature-check")).to_have_text(
        f"Checkpoint signature verified with key {name}.")
    screenshot(page, "log-signature")

    # The same page with one digit of the checkpoint's size changed before the check runs.
    def tamper(route: Route) -> None:
        response = route.fetch()
        body, count = re.subn(r'(id="checkpoint-note">[^\n]*\n\d*)(\d)',
                              lambda m: m.group(1) + str((int(m.group(2)) + 1) % 10),
                              response.text(), count=1)
        assert count == 1
        route.fulfill(response=response, body=body)

    page.route(re.compile(r"/log$"), tamper)
    page.goto("/log")
    assert _result(page, "#signature-check") == "failed"
    expect(page.locator("#signature-check")).to_have_text(
        f"Signature not verified, step 4: the signature by {name} does not match the "
        "checkpoint text.")
    expect(page.locator("#log-key")).to_have_text(vkey)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "log-signature-tampered")

    # A key that is not the log's (another name, hence another key ID) finds no signature.
    page.unroute(re.compile(r"/log$"))
    page.goto("/log")
    assert _result(page, "#signature-check") == "verified"
    page.evaluate("""() => {
      const box = document.getElementById('signature-check');
      box.dataset.key = box.dataset.key.replace(/^[^+]+/, 'example.org/other');
    }""")
    page.evaluate("document.dispatchEvent(new CustomEvent('corridor:refreshed'))")
    expect(page.locator("#signature-check")).to_contain_text("Signature not verified, step 1")
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

"""The seed story's pause, through the pages: the convener proposes it with the form, both parties
sign it in their own browsers with their key files, and it shows agreed; the private key never
leaves the browser; a wrong key and a bad form are refused with the reason next to it."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import Browser, Page, Request, expect

from corridor.log import signing
from tests.web.browser.harness import (
    Demo,
    new_page,
    screenshot,
    serious_accessibility_violations,
)


def _token(demo: Demo, username: str) -> str:
    for member in demo.data["members"]:
        for person in member["people"]:
            if person["username"] == username:
                return str(person["token"])
    raise KeyError(username)


def _propose_by_api(demo: Demo, title: str) -> int:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    body = {"content": {
        "title": title, "purposes": ["evacuation"],
        "corridor": {"waypoints": [{"name": "Zaporizhzhia", "lon": 35.18, "lat": 47.84},
                                   {"name": "Vasylivka", "lon": 35.28, "lat": 47.44}],
                     "half_width_m": 3000},
        "window": {"start": start.isoformat(), "end": (start + timedelta(hours=12)).isoformat()},
        "required_signatories": ["russia", "ukraine"]}}
    group = demo.data["group"]["slug"]
    r = httpx.post(f"{demo.url}/api/v1/groups/{group}/pauses", json=body,
                   headers={"Authorization": f"Bearer {_token(demo, 'un-ocha.coordinator')}"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _secrets_of(pem_path: str) -> list[bytes]:
    """Every form the private key could leak in: the PEM body, its DER, the raw seed."""
    pem = Path(pem_path).read_bytes()
    body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
    key = signing.read_private_key(Path(pem_path))
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    return [body, body[:40], base64.b64decode(body), raw, base64.b64encode(raw),
            base64.urlsafe_b64encode(raw).rstrip(b"="), raw.hex().encode()]


def _recording(page: Page) -> list[Request]:
    """Every request the page makes from now on, post data included."""
    sent: list[Request] = []

    def record(request: Request) -> None:
        sent.append(request)

    page.on("request", record)
    return sent


def _sign(page: Page, pause_id: int, key_file: str) -> None:
    page.goto(f"/pauses/{pause_id}/sign")
    page.set_input_files("#key-file", key_file)
    expect(page.locator("#key-status")).to_contain_text("SHA256:")
    page.locator("#confirm").check()
    page.locator("#sign-button").click()


def _propose_with_the_form(page: Page, title: str, waypoints: list[str]) -> None:
    start = datetime.now(UTC) + timedelta(days=4)
    page.goto("/pauses/new")
    page.fill("#title", title)
    page.fill("#start", start.strftime("%Y-%m-%dT08:00"))
    page.fill("#end", start.strftime("%Y-%m-%dT20:00"))
    page.select_option("#zone", "Europe/Kyiv")
    for name in waypoints:
        page.fill("#place", name)
        page.click("#add-place")
    page.fill("#half_width_km", "2.5")
    page.fill("#conditions", "Synthetic conditions: buses marked with white flags.")


def test_the_convener_proposes_with_the_form_and_both_parties_sign_in_their_own_browsers(
        browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo, "un-ocha.coordinator")
    page.goto("/pauses")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "pauses")
    _propose_with_the_form(page, "Synthetic pause proposed in the browser",
                           ["Zaporizhzhia", "Vasylivka", "Tokmak"])
    expect(page.locator("#waypoints")).to_have_value("Zaporizhzhia\nVasylivka\nTokmak")
    # The live preview draws the server's metric buffer, route and three waypoints.
    # (the server reads the gazetteer on first use, which takes a few seconds on a busy machine)
    expect(page.locator("#pause-form-map")).to_have_attribute("data-features", "5",
                                                              timeout=20_000)
    page.locator("#pause-form-map").click(position={"x": 200, "y": 200})
    expect(page.locator("#waypoints")).to_have_value(re.compile(r"Tokmak\n\d+\.\d{4}, \d+"))
    page.fill("#waypoints", "Zaporizhzhia\nVasylivka\nTokmak")
    expect(page.locator("#pause-form-map")).to_have_attribute("data-features", "5")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "pause-new")
    page.get_by_role("button", name="Propose to the group").click()
    page.wait_for_url(re.compile(r"/pauses/\d+$"))
    pause_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("h1 .badge")).to_have_text("Proposed")
    context.close()

    for org in ("ukraine", "russia"):
        context, page = new_page(browser, demo, f"{org}.negotiator")
        sent = _recording(page)
        key_file = demo.key_files[org]["signing"]
        page.goto(f"/pauses/{pause_id}")
        page.get_by_role("link", name="Sign consent").click()
        expect(page.locator(".plain-words")).to_contain_text("agrees to version 1")
        if org == "ukraine":
            assert serious_accessibility_violations(page) == []
            page.set_input_files("#key-file", key_file)
            expect(page.locator("#key-status")).to_contain_text("SHA256:")
            screenshot(page, "pause-sign")
        _sign(page, pause_id, key_file)
        page.wait_for_url(re.compile(rf"/pauses/{pause_id}$"))
        leaks = [r.url for r in sent for secret in _secrets_of(key_file)
                 if secret in (r.post_data_buffer or b"") or secret.decode("latin-1") in r.url]
        assert leaks == []
        posted = [r for r in sent if r.method == "POST" and "/consents" in r.url]
        assert len(posted) == 1 and set(posted[0].post_data_json or {}) == {
            "statement", "signature", "key"}
        context.close()

    context, page = new_page(browser, demo, "un-ocha.coordinator")
    page.goto(f"/pauses/{pause_id}")
    expect(page.locator("h1 .badge")).to_have_text("Agreed")
    rows = page.locator("table.consents tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator("code.fingerprint").first).to_contain_text("SHA256:")
    expect(rows.locator("a[href^='/log?entry=']")).to_have_count(2)
    # Buffer, route and three waypoints, drawn from the GeoJSON in the page.
    expect(page.locator("#pause-map")).to_have_attribute("data-features", "5")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "pause-detail")
    context.close()


def test_a_bad_form_shows_errors_next_to_the_fields_and_saves_nothing(
        browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo, "un-ocha.coordinator")
    page.goto("/pauses")
    before = page.locator("table.pauses tbody tr").count()
    _propose_with_the_form(page, "Synthetic pause with mistakes", ["Zaporizhzhia", "Melitopl"])
    page.get_by_role("button", name="Propose to the group").click()
    expect(page.locator("#waypoints-error")).to_contain_text("Melitopol")
    expect(page.locator("#title")).to_have_value("Synthetic pause with mistakes")
    page.fill("#waypoints", "Zaporizhzhia\nVasylivka")
    page.fill("#end", page.input_value("#start").replace("T08:00", "T06:00"))
    page.get_by_role("button", name="Propose to the group").click()
    expect(page.locator("#end-error")).to_contain_text("end after it starts")
    assert serious_accessibility_violations(page) == []
    page.goto("/pauses")
    expect(page.locator("table.pauses tbody tr")).to_have_count(before)
    context.close()


def test_a_key_of_another_organisation_is_refused_with_the_reason(
        browser: Browser, demo: Demo) -> None:
    pause_id = _propose_by_api(demo, "Synthetic pause for a wrong key")
    context, page = new_page(browser, demo, "ukraine.negotiator")
    _sign(page, pause_id, demo.key_files["russia"]["signing"])
    error = page.locator("#sign-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Wrong key for this organisation")
    assert error.get_attribute("data-check") == "key-owner"
    page.goto(f"/pauses/{pause_id}")
    expect(page.locator("h1 .badge")).to_have_text("Proposed")
    context.close()


def test_a_witness_key_is_refused_as_such(browser: Browser, demo: Demo) -> None:
    pause_id = _propose_by_api(demo, "Synthetic pause for a witness key")
    context, page = new_page(browser, demo, "russia.negotiator")
    _sign(page, pause_id, demo.key_files["russia"]["witness"])
    expect(page.locator("#sign-error")).to_contain_text("witness key")
    context.close()



def test_a_party_declines_a_proposed_pause_with_its_key_in_the_browser(
        browser: Browser, demo: Demo) -> None:
    pause_id = _propose_by_api(demo, "Synthetic pause to be declined")
    context, page = new_page(browser, demo, "russia.negotiator")
    sent = _recording(page)
    key_file = demo.key_files["russia"]["signing"]
    page.goto(f"/pauses/{pause_id}")
    page.get_by_role("link", name="Decline (signed)").click()
    page.wait_for_url(re.compile(rf"/pauses/{pause_id}/sign\?decision=decline$"))
    expect(page.get_by_role("heading", name="Sign a refusal")).to_be_visible()
    expect(page.locator(".plain-words")).to_contain_text("declines version 1")
    page.set_input_files("#key-file", key_file)
    expect(page.locator("#key-status")).to_contain_text("SHA256:")
    page.locator("#confirm").check()
    page.get_by_role("button", name="Sign and send the refusal").click()
    page.wait_for_url(re.compile(rf"/pauses/{pause_id}$"))
    leaks = [r.url for r in sent for secret in _secrets_of(key_file)
             if secret in (r.post_data_buffer or b"") or secret.decode("latin-1") in r.url]
    assert leaks == []
    posted = [r for r in sent if r.method == "POST" and r.url.endswith(f"/{pause_id}/declines")]
    assert len(posted) == 1 and set(posted[0].post_data_json or {}) == {
        "statement", "signature", "key"}
    assert not [r for r in sent if r.method == "POST" and "/consents" in r.url]
    # A decline of a proposed pause rejects it (lifecycle: proposed --decline--> rejected).
    expect(page.locator("h1 .badge")).to_have_text("Rejected")
    row = page.locator("table.consents tbody tr", has_text="Declined")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("russia.negotiator")
    expect(row.locator("code.fingerprint")).to_contain_text("SHA256:")
    expect(row.locator("a[href^='/log?entry=']")).to_have_count(1)
    # Nothing is left to sign on a rejected pause.
    expect(page.get_by_role("link", name="Sign consent")).to_have_count(0)
    expect(page.get_by_role("link", name="Decline (signed)")).to_have_count(0)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "pause-declined")
    context.close()

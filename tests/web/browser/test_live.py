"""Pages say when they are offline, and catch up when the server is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.web.browser.harness import Demo, demo_server, new_page, screenshot


@pytest.fixture
def own_demo(tmp_path: Path) -> Iterator[Demo]:
    with demo_server(tmp_path) as running:
        yield running


def test_a_page_says_it_is_offline_when_the_server_goes_away(
        browser: Browser, own_demo: Demo) -> None:
    context, page = new_page(browser, own_demo, "icrc.delegate")
    page.goto("/")
    banner = page.locator("#offline")
    expect(banner).to_be_hidden()
    page.wait_for_timeout(500)  # the live stream is open
    own_demo.stop()
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("Offline")
    screenshot(page, "offline")
    own_demo.start()
    expect(banner).to_be_hidden(timeout=15_000)
    context.close()

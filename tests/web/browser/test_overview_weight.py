"""The overview's first load on a 3G-like link: every byte transferred (compressed, base map and
place names included) summed from Chromium's own network events, printed and kept beside the
screenshots, and held under 300 KB."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.web.browser.harness import SCREENSHOTS, Demo, new_page

# Changes no data: shares the session's demo server.
pytestmark = pytest.mark.reads_demo_only

LIMIT = 300 * 1024
# A 3G-like link: 400 ms round trip, 400 kbit/s down, 200 kbit/s up.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1024 // 8,
           "uploadThroughput": 200 * 1024 // 8}


def test_the_overview_loads_under_300_kb_on_a_slow_link(browser: Browser, demo: Demo) -> None:
    context, page = new_page(browser, demo, "un-ocha.coordinator")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # a first visit
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    urls: dict[str, str] = {}
    sizes: dict[str, float] = {}

    def sent(event: dict[str, Any]) -> None:
        urls[event["requestId"]] = event["request"]["url"]

    def finished(event: dict[str, Any]) -> None:
        sizes[event["requestId"]] = float(event["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    started = time.monotonic()
    page.goto("/", timeout=120_000)
    # Loaded means usable: the map drawn on its base map with the town names.
    expect(page.locator("#ov-map[data-drawn]")).to_be_attached(timeout=120_000)
    expect(page.locator(".ov-place").first).to_be_attached(timeout=120_000)
    expect(page.locator("#ov-map path, #ov-map canvas").first).to_be_attached(timeout=120_000)
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some(e => e.name.endsWith('/basemap.geojson') && e.responseEnd > 0)",
        timeout=120_000)
    seconds = time.monotonic() - started
    page.wait_for_timeout(500)  # let the last loadingFinished events arrive
    total = sum(sizes.values())
    lines = [f"overview first load on 3G-like link ({SLOW_3G['latency']} ms, 400 kbit/s): "
             f"{total / 1024:.1f} KB transferred in {len(sizes)} responses, "
             f"usable after {seconds:.1f} s"]
    lines += [f"  {sizes[r] / 1024:7.1f} KB  {urls.get(r, '?').split('?')[0]}"
              for r in sorted(sizes, key=lambda r: -sizes[r])]
    report = "\n".join(lines)
    print("\n" + report)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "page-weight.txt").write_text(report + "\n")
    assert any(u.endswith("/basemap.geojson") for u in urls.values())
    assert total < LIMIT, report
    context.close()

"""Browser fixtures: one chromium per test session; a demo server per test module that changes
data, and one shared by the modules marked `reads_demo_only` (building a demo and starting its
server is the slow part of a browser module)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.web.browser.harness import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Demo, demo_server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see README)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "reads_demo_only: the module changes no data (logging in aside), so it "
        "shares the session's demo server")


@pytest.fixture(scope="session")
def shared_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with demo_server(tmp_path_factory.mktemp("shared-demo")) as running:
        yield running


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Demo]:
    """A module that changes data gets a demo of its own, so that what it changes is not what
    another module's assertions read; a read-only module gets the shared one."""
    if request.node.get_closest_marker("reads_demo_only") is not None:
        yield request.getfixturevalue("shared_demo")
        return
    with demo_server(tmp_path_factory.mktemp("demo")) as running:
        yield running


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SCREENSHOTS.exists():
        terminalreporter.write_line(f"browser screenshots: {SCREENSHOTS}")

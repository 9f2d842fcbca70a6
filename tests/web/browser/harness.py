"""Driving the Debian chromium with Playwright against a real `corridor serve` of the demo.

Screenshots go to CORRIDOR_SCREENSHOTS (default build/screenshots); the test run prints where.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page

from tests.e2e.procs import Corridor, free_port

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = Path(os.environ.get("CORRIDOR_SCREENSHOTS", ROOT / "build" / "screenshots"))
CHROMIUM = os.environ.get("CORRIDOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class Demo:
    """The seed scenario served by a real server process."""

    url: str
    data: dict[str, Any]
    passwords: dict[str, str] = field(default_factory=dict)
    key_files: dict[str, dict[str, str]] = field(default_factory=dict)
    corridor: Corridor | None = None
    proc: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        """Stop the server (to see how pages behave when it is gone)."""
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def start(self) -> None:
        """Start the server again on the same port."""
        assert self.corridor is not None and self.proc is None
        self.proc = self.corridor.start_server(int(self.url.rsplit(":", 1)[1]))


def _built_demo(tmp: Path) -> tuple[Path, dict[str, Any]]:
    """The seed scenario built once per test process (`corridor demo --no-serve`) into a folder
    no server ever opens; each demo server starts from a copy of it (building is the slow part
    of a browser module: about ten seconds, a copy a fraction of one)."""
    template = tmp.parent / "demo-template"
    if not (template / "demo.json").exists():
        template.mkdir(exist_ok=True)
        database = template / "corridor.sqlite3"
        corridor = Corridor(template, f"sqlite+pysqlite:///{database}")
        out = subprocess.run([sys.executable, "-m", "corridor", "demo", "--db", str(database),
                              "--no-serve", "--json"], env=corridor.env, text=True,
                             capture_output=True, timeout=300, check=True)
        (template / "demo.json").write_text(out.stdout)
    return template, json.loads((template / "demo.json").read_text())


@contextmanager
def demo_server(tmp: Path) -> Iterator[Demo]:
    template, built = _built_demo(tmp)
    shutil.copytree(template, tmp, dirs_exist_ok=True)
    # The printed paths (database, key files) name the template: point them at the copy.
    data = json.loads(json.dumps(built).replace(str(template), str(tmp)))
    corridor = Corridor(tmp, f"sqlite+pysqlite:///{tmp / 'corridor.sqlite3'}")
    demo = Demo(url="", data=data, corridor=corridor)
    for member in data["members"]:
        demo.key_files[member["slug"]] = member["key_files"]
        for person in member["people"]:
            demo.passwords[person["username"]] = person["password"]
    port = free_port()
    demo.proc = corridor.start_server(port)
    demo.url = f"http://127.0.0.1:{port}"
    try:
        yield demo
    finally:
        demo.stop()


def new_page(browser: Browser, demo: Demo, username: str | None = None,
             locale: str = "en-GB") -> tuple[BrowserContext, Page]:
    """A fresh browser profile (its own cookies), logged in as `username` if given."""
    context = browser.new_context(base_url=demo.url, locale=locale,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    if username:
        log_in(page, username, demo.passwords[username])
    return context, page


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username) if page.locator("html").get_attribute(
        "lang") == "en" else page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now."""
    # Evaluated, not added as a <script> tag: the pages' policy refuses inline scripts, and
    # evaluation from the test is outside it.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]

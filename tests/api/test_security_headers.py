"""Security headers on every response (API, pages, static files, errors, 413, 503 and 500), HSTS
only over HTTPS as uvicorn sees it after the trusted proxies, Secure cookies when configured."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from corridor.app import create_app
from corridor.config import Settings
from corridor.headers import policy
from corridor.server_cli import proxy_options
from tests.api.test_backpressure import Gate, busy_app
from tests.e2e.procs import free_port
from tests.factories import World
from tests.pauses_helpers import API

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "corridor" / "web" / "templates"


def assert_secured(response: httpx.Response, name: str = "") -> None:
    h = response.headers
    csp = h.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, (name, h)
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert h["x-frame-options"] == "DENY"
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in h  # plain HTTP


def test_every_kind_of_response_carries_the_headers(
        client: TestClient, world: World) -> None:
    auth = world.auth("convener.admin")
    answers = {
        "api": client.get(f"{API}/pauses", headers=auth),
        "page": client.get("/login"),
        "static": client.get("/static/corridor.js"),
        "api 404": client.get(f"{API}/pauses/424242", headers=auth),
        "page 404": client.get("/no-such-page"),
        "401": client.get(f"{API}/pauses"),
        "413": client.post(f"{API}/pauses", headers=auth, content=b" " * (2 * 1_048_576)),
        "openapi": client.get("/api/v1/openapi.json"),
        "docs": client.get("/api/docs"),
    }
    for name, response in answers.items():
        assert_secured(response, name)
    assert answers["413"].status_code == 413


def test_a_busy_503_and_an_unexpected_500_carry_the_headers_too(
        settings: Settings, engine: Engine) -> None:
    gate = Gate()
    app = busy_app(settings, engine, gate, concurrency=1, busy_wait_seconds=0.0)

    @app.get("/api/v1/test/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    try:
        with TestClient(app, raise_server_exceptions=False) as client, \
                ThreadPoolExecutor(1) as pool:
            failed = client.get("/api/v1/test/broken")
            assert failed.status_code == 500
            assert_secured(failed)
            slow = pool.submit(client.get, "/api/v1/test/slow")
            gate.wait_entered(1)
            busy = client.get("/api/v1/test/fast")
            assert busy.status_code == 503
            assert_secured(busy)
            gate.open.set()
            assert slow.result().status_code == 200
    finally:
        gate.open.set()


def test_the_policy_allows_images_from_the_configured_tile_server_only() -> None:
    assert "img-src 'self' data:;" in policy(None)
    assert "img-src 'self' data: https://tiles.example.org;" in policy(
        "https://tiles.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.example.org;" in policy(
        "https://{s}.tile.example.org/{z}/{x}/{y}.png")
    with pytest.raises(ValueError, match="CORRIDOR_TILE_URL"):
        policy("javascript:alert(1)")


def test_the_overview_allows_its_tile_server(
        settings: Settings, engine: Engine, world: World) -> None:
    tiled = settings.model_copy(update={"tile_url": "https://tiles.example.org/{z}/{x}/{y}.png"})
    with TestClient(create_app(tiled, engine)) as client:
        csp = client.get("/login").headers["content-security-policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in csp


def test_hsts_is_sent_over_https_only(app: FastAPI) -> None:
    with TestClient(app, base_url="https://corridor.test") as secure:
        assert secure.get("/login").headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(app, base_url="http://corridor.test") as plain:
        assert "strict-transport-security" not in plain.get("/login").headers


def test_secure_cookies_can_be_forced_for_a_server_behind_tls(
        settings: Settings, engine: Engine) -> None:
    with TestClient(create_app(settings, engine)) as client:
        cookie = client.get("/login").headers["set-cookie"]
        assert "secure" not in cookie.lower()
    forced = settings.model_copy(update={"secure_cookies": True})
    with TestClient(create_app(forced, engine)) as client:
        cookies = client.get("/login?lang=uk").headers.get_list("set-cookie")
    assert len(cookies) == 2
    assert all(re.search(r";\s*Secure(;|$)", c) for c in cookies), cookies


@pytest.mark.parametrize(("trusted", "hsts"), [("127.0.0.1", True), ("10.9.9.9", False),
                                               ("", False)])
def test_forwarded_https_is_believed_only_from_a_trusted_proxy(
        settings: Settings, engine: Engine, trusted: str, hsts: bool) -> None:
    configured = settings.model_copy(update={"trusted_proxies": trusted})
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(configured, engine), host="127.0.0.1",
                                           port=port, log_level="warning",
                                           **proxy_options(configured)))
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(server.run)
        try:
            for _ in range(500):
                if server.started:
                    break
                assert not running.done(), running.result()
                time.sleep(0.02)
            r = httpx.get(f"http://127.0.0.1:{port}/api/v1/health",
                          headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"})
        finally:
            server.should_exit = True
    assert r.status_code == 200
    assert ("strict-transport-security" in r.headers) is hsts


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    assert Settings(trusted_proxies="10.0.0.5, 10.1.0.0/16").trusted_proxy_list == [
        "10.0.0.5", "10.1.0.0/16"]
    with pytest.raises(ValidationError, match="not an IP address"):
        Settings(trusted_proxies="10.0.0.5,proxy.local")
    assert proxy_options(Settings())["proxy_headers"] is False


def test_no_template_has_an_inline_script_style_or_event_handler() -> None:
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for script in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in script and 'type="application/json"' not in script:
                found.append(f"{template.name}: {script}")
        found += [f"{template.name}: {m}" for m in re.findall(r"\s(?:style|on\w+)=\"", text)]
        found += [f"{template.name}: <style>" for _ in re.findall(r"<style\b", text)]
    assert found == []

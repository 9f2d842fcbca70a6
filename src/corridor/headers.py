"""Security headers on every response: pages, API, static files, errors, the 503 of backpressure
and the 413 of the body limit alike.

The policy allows scripts and styles from this server's files only (pages carry data as
`<script type="application/json">` islands, which are not run), no framing, no sniffing, and
referrers only to this server. HSTS is sent only on HTTPS, as the scheme stands after uvicorn
has applied the trusted proxies' X-Forwarded-Proto (`corridor serve`, CORRIDOR_TRUSTED_PROXIES).

`CorridorApp` puts the headers outside Starlette's outermost error handler, so that an
unexpected 500 carries them too; a response that sets one of these headers itself (an evidence
download's `sandbox` policy) keeps its own."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridor.config import Settings

HSTS = "max-age=31536000"


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source that lets the map load tiles from `tile_url` (its {s} subdomains too)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    host = parts.netloc
    if host.startswith("{s}."):  # Leaflet's subdomains: a CSP wildcard covers them
        host = "*." + host[4:]
    if parts.scheme not in ("http", "https") or not host or "{" in host:
        raise ValueError(f"CORRIDOR_TILE_URL {tile_url!r}: give an http(s) URL whose host is a "
                         "name, optionally starting with {s}. (like https://{s}.tile.example/"
                         "{z}/{x}/{y}.png)")
    return f"{parts.scheme}://{host}"


def policy(tile_url: str | None) -> str:
    """The Content-Security-Policy of every page."""
    tiles = tile_source(tile_url)
    images = "'self' data:" + (f" {tiles}" if tiles else "")
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {images}",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def headers_for(settings: Settings) -> list[tuple[str, str]]:
    """The headers every response gets unless it sets them itself."""
    return [
        ("content-security-policy", policy(settings.tile_url)),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
    ]


class SecurityHeaders:
    """ASGI middleware adding `headers_for(settings)`, HSTS on HTTPS, and `Secure` to every
    cookie when settings.secure_cookies is on."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.headers = headers_for(settings)
        self.secure_cookies = settings.secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    if name not in headers:
                        headers[name] = value
                if https and "strict-transport-security" not in headers:
                    headers["strict-transport-security"] = HSTS
                if self.secure_cookies:
                    message["headers"] = [_secure(name, value) for name, value in headers.raw]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secure(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    if name.lower() != b"set-cookie":
        return name, value
    attributes = [a.strip().lower() for a in value.split(b";")[1:]]
    return name, value if b"secure" in attributes else value + b"; Secure"


class CorridorApp(FastAPI):
    """FastAPI with `SecurityHeaders` around its whole stack (the 500 handler included)."""

    def build_middleware_stack(self) -> ASGIApp:
        settings = self.state.settings
        assert isinstance(settings, Settings)
        return SecurityHeaders(super().build_middleware_stack(), settings=settings)

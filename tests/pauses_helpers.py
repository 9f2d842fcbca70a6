"""Synthetic pause content and client-side signing for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from corridor import clock
from corridor.log import signing
from corridor.pauses import consent
from tests.factories import World

API = "/api/v1/groups/test-group"


def content(*, hours_from_now: float = 72, length_hours: float = 24,
            start: datetime | None = None, **changes: Any) -> dict[str, Any]:
    """Content of a pause starting `hours_from_now` (or at `start`, for amendments)."""
    if start is None:
        start = clock.now().astimezone(UTC).replace(microsecond=0) + timedelta(
            hours=hours_from_now)
    body: dict[str, Any] = {
        "title": "Synthetic evacuation pause",
        "purposes": ["evacuation"],
        "corridor": {
            "waypoints": [
                {"name": "Alpha", "lon": 37.55, "lat": 47.10},
                {"name": "Bravo", "lon": 36.80, "lat": 46.75},
                {"name": "Charlie", "lon": 35.18, "lat": 47.84},
            ],
            "half_width_m": 2000,
        },
        "window": {"start": start.isoformat(),
                   "end": (start + timedelta(hours=length_hours)).isoformat()},
        "required_signatories": ["party-a", "party-b"],
        "destinations": ["Charlie"],
        "aid_may_enter": False,
        "who_may_leave": "all civilians",
        "vehicle_marking": "white flag with red cross",
        "conditions": "Synthetic test conditions.",
    }
    body.update(changes)
    return body


def register_key(client: TestClient, world: World, party: str) -> Ed25519PrivateKey:
    key = signing.generate_private_key()
    r = client.post(f"{API}/members/{party}/keys", headers=world.auth(f"{party}.admin"),
                    json={"public_key": signing.encode_public_key(signing.public_key_bytes(key))})
    assert r.status_code == 201, r.text
    return key


def signed(key: Ed25519PrivateKey, pause: dict[str, Any], party: str, decision: str = "agree",
           **override: Any) -> dict[str, Any]:
    stmt = consent.statement(group="test-group", pause=pause["id"],
                             version=pause["current_version"],
                             version_hash=pause["version_hash"], party=party, decision=decision)
    stmt.update(override)
    return {"statement": stmt, "signature": signing.sign_statement(key, stmt),
            "key": signing.fingerprint(signing.public_key_bytes(key))}


def propose(client: TestClient, world: World, **changes: Any) -> dict[str, Any]:
    r = client.post(f"{API}/pauses", headers=world.auth("convener.negotiator"),
                    json={"content": content(**changes)})
    assert r.status_code == 201, r.text
    return dict(r.json())


def now() -> datetime:
    return clock.now()

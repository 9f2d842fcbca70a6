"""Synthetic sites and movements for tests, along the synthetic corridor of pauses_helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from corridor import clock
from tests.factories import World
from tests.pauses_helpers import API, propose, register_key, signed

ALPHA, BRAVO, CHARLIE = [37.55, 47.10], [36.80, 46.75], [35.18, 47.84]
ALONG_CORRIDOR = {"type": "LineString", "coordinates": [ALPHA, BRAVO, CHARLIE]}


def site_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "Synthetic clinic", "type": "hospital", "lon": 36.80,
                            "lat": 46.80, "people_present": 40}
    body.update(changes)
    return body


def movement_body(*, departs_in_hours: float = 73, hours: float = 19,
                  **changes: Any) -> dict[str, Any]:
    departure = clock.now().astimezone(UTC).replace(microsecond=0) + timedelta(
        hours=departs_in_hours)
    body: dict[str, Any] = {
        "route": ALONG_CORRIDOR,
        "departure": departure.isoformat(),
        "arrival": (departure + timedelta(hours=hours)).isoformat(),
        "vehicles": {"count": 12, "type": "buses and ambulances", "marking": "white flag"},
        "staff": 20,
        "passengers": 150,
        "cargo": "",
    }
    body.update(changes)
    return body


def notify_site(client: TestClient, world: World, who: str = "aid-one.operator",
                **changes: Any) -> dict[str, Any]:
    r = client.post(f"{API}/sites", headers=world.auth(who), json=site_body(**changes))
    assert r.status_code == 201, r.text
    return dict(r.json())


def notify_movement(client: TestClient, world: World, who: str = "aid-one.operator",
                    **changes: Any) -> dict[str, Any]:
    r = client.post(f"{API}/movements", headers=world.auth(who), json=movement_body(**changes))
    assert r.status_code == 201, r.text
    return dict(r.json())


def acknowledge(client: TestClient, world: World, what: str, id_: int, who: str,
                body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}/{what}/{id_}/acknowledgements", headers=world.auth(who),
                       json=body or {})


def agreed_pause(client: TestClient, world: World, **changes: Any) -> dict[str, Any]:
    """A pause proposed by the convener and signed by both synthetic parties."""
    pause = propose(client, world, **changes)
    for party in ("party-a", "party-b"):
        key = register_key(client, world, party)
        r = client.post(f"{API}/pauses/{pause['id']}/consents",
                        headers=world.auth(f"{party}.negotiator"),
                        json=signed(key, pause, party))
        assert r.status_code == 201, r.text
        pause = r.json()
    assert pause["stored_state"] == "agreed"
    return pause


def window_start(pause: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(pause["content"]["window"]["start"].replace("Z", "+00:00"))


def check(client: TestClient, world: World, movement_id: int, who: str = "aid-one.operator",
          **params: Any) -> dict[str, Any]:
    r = client.get(f"{API}/movements/{movement_id}/check", headers=world.auth(who),
                   params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())

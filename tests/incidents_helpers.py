"""Synthetic incident reports for tests (never statements attributed to real parties)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from corridor import clock
from tests.factories import World
from tests.pauses_helpers import API

ON_CORRIDOR = (36.80, 46.76)  # 1 km north of waypoint Bravo of the synthetic corridor
FAR_AWAY = (30.47, 50.46)


def incident_body(*, at: tuple[float, float] = FAR_AWAY, hours_ago: float = 1,
                  **changes: Any) -> dict[str, Any]:
    occurred = clock.now().astimezone(UTC).replace(microsecond=0) - timedelta(hours=hours_ago)
    body: dict[str, Any] = {
        "type": "shelling", "occurred_at": occurred.isoformat(), "lon": at[0], "lat": at[1],
        "uncertainty_m": 500, "place": "Synthetic place",
        "casualties": {"killed": {"adults": 1}, "injured": {"children": 2, "adults": 3}},
        "narrative": "Synthetic report: shells landed near the road.",
    }
    body.update(changes)
    return body


def report(client: TestClient, world: World, who: str = "icrc.operator",
           **changes: Any) -> dict[str, Any]:
    r = client.post(f"{API}/incidents", headers=world.auth(who), json=incident_body(**changes))
    assert r.status_code == 201, r.text
    return dict(r.json())


def at(when: datetime) -> clock.FixedClock:
    fixed = clock.FixedClock(when)
    clock.set_clock(fixed)
    return fixed

"""A group that grows by one of everything at a time, for tests that a list's cost does not grow
with its rows: each step adds what every list reads beside the row itself (a consent, receipts,
a linked incident with its follow-up, answer and evidence, counts and cargo), so a query per
row anywhere shows as a statement count that changes between 1 step and 50."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from corridor import clock
from tests.factories import World
from tests.incidents_helpers import ON_CORRIDOR, at, report
from tests.notifications_helpers import acknowledge, agreed_pause, notify_movement, notify_site
from tests.operations_helpers import OPS, count, create, ok
from tests.pauses_helpers import API, content, propose, register_key, signed

FLOUR = {"category": "food", "item": "wheat flour", "unit": "kg"}

# Each list as the API serves it, and who reads it: the convener sees everything, party-b is
# owed consents and receipts, aid-one sees only its own notices (need to know).
API_LISTS = [
    ("pauses", "convener.viewer"), ("pauses", "aid-two.viewer"),
    ("sites", "convener.viewer"), ("sites", "aid-one.viewer"),
    ("movements", "convener.viewer"), ("operations", "convener.viewer"),
    ("incidents", "convener.viewer"), ("incidents", "aid-two.viewer"),
    ("alerts", "party-b.viewer"), ("alerts", "convener.viewer"), ("alerts", "icrc.viewer"),
    ("log/entries", "convener.viewer"),
]
PAGES = ["/", "/pauses", "/sites", "/movements", "/operations", "/incidents", "/log"]


@dataclass
class Growing:
    """The group's state between steps: the clock, the agreed pause, a party's key."""

    client: TestClient
    world: World
    fixed: clock.FixedClock
    agreed: dict[str, Any]
    key: Ed25519PrivateKey
    steps: int = 0
    made: dict[str, list[int]] = field(default_factory=dict)


def start(client: TestClient, world: World) -> Growing:
    """An agreed pause, with the clock moved two hours into its window, and party-a's key."""
    fixed = at(datetime.now(UTC))
    agreed = agreed_pause(client, world)
    fixed.advance(timedelta(hours=74))
    return Growing(client, world, fixed, agreed, register_key(client, world, "party-a"))


def _post(g: Growing, path: str, who: str, headers: dict[str, str] | None = None,
          **kwargs: Any) -> dict[str, Any]:
    r = g.client.post(f"{API}/{path}", headers={**g.world.auth(who), **(headers or {})},
                      **kwargs)
    assert r.status_code == 201, r.text
    return dict(r.json())


def step(g: Growing) -> None:
    """One more of everything, each with what its list shows beside it."""
    client, world = g.client, g.world
    pause = propose(client, world)
    _post(g, f"pauses/{pause['id']}/consents", "party-a.negotiator",
          json=signed(g.key, pause, "party-a"))
    _post(g, "pauses", "party-b.negotiator", json={"content": content(), "propose": False})
    site = notify_site(client, world)
    assert acknowledge(client, world, "sites", site["id"], "party-a.operator").status_code == 201
    movement = notify_movement(client, world, pause=g.agreed["id"])
    assert acknowledge(client, world, "movements", movement["id"],
                       "party-a.operator").status_code == 201
    evacuation = create(client, world, pause=g.agreed, movements=[movement["id"]])
    ok(count(client, world, evacuation, "Alpha", f"Bus {g.steps}", n={"adults": 3}))
    ok(count(client, world, evacuation, "Charlie", f"Bus {g.steps}", n={"adults": 2}))
    delivery = create(client, world, who="aid-one.operator", pause=g.agreed,
                      kind="aid_delivery", stages=[], title="Synthetic delivery")
    ok(client.post(f"{OPS}/{delivery['id']}/cargo", headers=world.auth("aid-one.operator"),
                   json={"stage": "dispatched", "lines": [{**FLOUR, "quantity": 100}]}))
    g.fixed.advance(timedelta(minutes=1))  # the site was notified before the incident
    incident = report(client, world, at=ON_CORRIDOR, hours_ago=0.005)
    assert {k["kind"] for k in incident["links"]} == {"possible_breach", "site_affected"}
    _post(g, f"incidents/{incident['id']}/answers", "party-a.operator",
          json={"text": "Synthetic answer."})
    _post(g, f"incidents/{incident['id']}/evidence", "icrc.operator",
          content=f"synthetic photo {g.steps}".encode(), headers={"Content-Type": "image/png"})
    g.steps += 1


def grow_to(g: Growing, steps: int) -> None:
    while g.steps < steps:
        step(g)

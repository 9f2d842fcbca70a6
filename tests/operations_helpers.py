"""Synthetic operations for tests, along the synthetic corridor of pauses_helpers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.factories import World
from tests.notifications_helpers import ALPHA, BRAVO, CHARLIE
from tests.pauses_helpers import API, propose

OPS = f"{API}/operations"


def stages() -> list[dict[str, Any]]:
    return [
        {"kind": "pickup", "name": "Alpha", "lon": ALPHA[0], "lat": ALPHA[1]},
        {"kind": "checkpoint", "name": "Bravo", "lon": BRAVO[0], "lat": BRAVO[1]},
        {"kind": "destination", "name": "Charlie", "lon": CHARLIE[0], "lat": CHARLIE[1]},
    ]


def create(client: TestClient, world: World, who: str = "icrc.operator",
           pause: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """An evacuation Alpha (pickup) → Bravo (checkpoint) → Charlie (destination)."""
    pause = pause or propose(client, world)
    body: dict[str, Any] = {"kind": "evacuation", "title": "Synthetic evacuation",
                            "pause": pause["id"], "stages": stages()}
    body.update(changes)
    r = client.post(OPS, headers=world.auth(who), json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def stage_id(op: dict[str, Any], name: str) -> int:
    return int(next(s["id"] for s in op["stages"] if s["name"] == name))


def people(children: int = 0, adults: int = 0, older_people: int = 0, wounded_or_sick: int = 0,
           disabilities: int = 0) -> dict[str, int]:
    return {"children": children, "adults": adults, "older_people": older_people,
            "wounded_or_sick": wounded_or_sick, "disabilities": disabilities}


def count(client: TestClient, world: World, op: dict[str, Any], stage: str, vehicle: str,
          who: str = "icrc.operator", **body: Any) -> Response:
    payload = {"type": "count", "stage": stage_id(op, stage), "vehicle": vehicle,
               "people": people(**body.pop("n", {})), **body}
    response: Response = client.post(f"{OPS}/{op['id']}/counts", headers=world.auth(who),
                                     json=payload)
    return response


def depart(client: TestClient, world: World, op: dict[str, Any], stage: str, vehicle: str,
           reason: str = "chose_to_stay", who: str = "icrc.operator", **body: Any) -> Response:
    payload = {"type": "departure", "stage": stage_id(op, stage), "vehicle": vehicle,
               "reason": reason, "people": people(**body.pop("n", {})), **body}
    response: Response = client.post(f"{OPS}/{op['id']}/counts", headers=world.auth(who),
                                     json=payload)
    return response


def ok(response: Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def total(reconciliation: dict[str, Any], figure: str) -> int:
    return int(reconciliation["total"][figure]["total"])


def add_participant(client: TestClient, world: World, op: dict[str, Any], organisation: str,
                    who: str = "icrc.operator") -> Response:
    """Let `organisation` record the operation next to its lead."""
    response: Response = client.post(f"{OPS}/{op['id']}/participants", headers=world.auth(who),
                                     json={"organisation": organisation})
    return response

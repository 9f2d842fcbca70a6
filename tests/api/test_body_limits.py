"""Body limits: every route refuses a body over the general limit with 413, whether its length
is declared or it is streamed in chunks; evidence uploads have their own, larger limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corridor.app import create_app
from corridor.config import Settings
from corridor.limits import limit_for
from tests.api.test_groups_api import log_size
from tests.factories import World
from tests.incidents_helpers import report
from tests.pauses_helpers import API
from tests.web_helpers import logged_in

MIB = 1_048_576


def chunks(size: int, piece: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent with Transfer-Encoding: chunked (no Content-Length to refuse it early)."""
    for start in range(0, size, piece):
        yield b" " * min(piece, size - start)


@pytest.mark.parametrize("path", ["/groups/test-group/members", "/groups/test-group/pauses",
                                  "/groups/test-group/incidents"])
def test_a_chunked_body_of_two_mib_to_an_api_route_is_refused_with_413(
        client: TestClient, world: World, db: Session, path: str) -> None:
    before = log_size(db)
    r = client.post(f"/api/v1{path}", content=chunks(2 * MIB),
                    headers={**world.auth("convener.admin"), "Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "body" and r.json()["max_bytes"] == MIB
    assert log_size(db) == before


def test_a_chunked_form_over_the_limit_gets_the_413_page(
        client: TestClient, world: World, db: Session) -> None:
    incident = report(client, world)
    logged_in(client, db, world.people["icrc.operator"])
    r = client.post(f"/incidents/{incident['id']}/answers", content=chunks(2 * MIB),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413, r.text
    assert r.headers["content-type"].startswith("text/html")


def test_evidence_larger_than_the_general_limit_is_accepted_up_to_its_own(
        client: TestClient, world: World, db: Session, settings: Settings) -> None:
    assert settings.max_evidence_bytes > 2 * MIB > settings.max_body_bytes
    incident = report(client, world)
    photo = b"\xff\xd8\xff\xe0" + b"\x00" * (2 * MIB)
    r = client.post(f"{API}/incidents/{incident['id']}/evidence", content=photo,
                    headers=world.auth("icrc.operator"))
    assert r.status_code == 201, r.text
    assert r.json()["evidence"][0]["media_type"] == "image/jpeg"


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
def test_evidence_over_its_own_limit_is_refused_with_413_and_nothing_is_kept(
        world: World, db: Session, settings: Settings, engine: Engine, chunked: bool) -> None:
    small = settings.model_copy(update={"max_evidence_bytes": 2 * MIB})
    size = 2 * MIB + MIB + 10  # over the file limit and the room for a form's other fields
    with TestClient(create_app(small, engine)) as client:
        incident = report(client, world)
        before = log_size(db)
        r = client.post(f"{API}/incidents/{incident['id']}/evidence",
                        content=chunks(size) if chunked else b" " * size,
                        headers=world.auth("icrc.operator"))
    assert r.status_code == 413, r.text
    assert r.json()["field"] == "body" and r.json()["max_bytes"] == 3 * MIB
    assert log_size(db) == before


def test_only_evidence_paths_get_the_evidence_limit() -> None:
    limits = {"max_body_bytes": 10, "max_evidence_bytes": 100}
    assert limit_for("/api/v1/groups/g/incidents/7/evidence", **limits) == 110
    assert limit_for("/incidents", **limits) == 110
    assert limit_for("/incidents/7/evidence", **limits) == 110
    for other in ("/api/v1/groups/g/incidents", "/api/v1/groups/g/incidents/7/answers",
                  "/incidents/7/answers", "/login", "/api/v1/groups/g/evidence"):
        assert limit_for(other, **limits) == 10, other

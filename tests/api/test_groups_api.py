"""Groups, members, people, tokens and keys through the HTTP API, with the policy applied."""

from __future__ import annotations

import base64
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor.log import signing
from corridor.log.models import LogEntry, LogPending
from tests.factories import World, make_world

API = "/api/v1"


def log_size(db: Session) -> int:
    """Entries and pending entries; ends its transaction so the server is not kept waiting."""
    try:
        return int(db.scalar(select(func.count()).select_from(LogEntry)) or 0) + int(
            db.scalar(select(func.count()).select_from(LogPending)) or 0)
    finally:
        db.rollback()


def new_public_key() -> str:
    return signing.encode_public_key(signing.public_key_bytes(signing.generate_private_key()))


def test_health_answers_without_a_token(client: TestClient) -> None:
    r = client.get(f"{API}/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_the_openapi_document_is_served(client: TestClient) -> None:
    doc = client.get(f"{API}/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert f"{API}/groups/{{group}}/members" in doc["paths"]


def test_a_request_without_a_token_gets_a_401_problem(client: TestClient, world: World) -> None:
    r = client.get(f"{API}/groups/test-group/members")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/unauthenticated")


def test_a_member_lists_the_members_of_its_group(client: TestClient, world: World) -> None:
    r = client.get(f"{API}/groups/test-group/members", headers=world.auth("donor.viewer"))
    assert r.status_code == 200
    assert {m["slug"] for m in r.json()} == set(world.orgs)


def test_an_unknown_group_is_a_404_problem(client: TestClient, world: World) -> None:
    r = client.get(f"{API}/groups/nowhere", headers=world.auth("convener.admin"))
    assert r.status_code == 404 and r.json()["field"] == "group"


def test_a_token_of_another_group_sees_404_not_403(
    client: TestClient, world: World, db: Session, settings: Any
) -> None:
    other = make_world(db, settings, slug="other-group")
    r = client.get(f"{API}/groups/test-group/members",
                   headers=other.auth("other-group.convener.admin"))
    assert r.status_code == 404


def test_the_convener_admin_adds_a_member_and_the_log_records_it(
    client: TestClient, world: World, db: Session
) -> None:
    before = log_size(db)
    r = client.post(f"{API}/groups/test-group/members", headers=world.auth("convener.admin"),
                    json={"slug": "msf", "name": "MSF", "kind": "humanitarian",
                          "timezone": "Europe/Paris"})
    assert r.status_code == 201, r.text
    assert log_size(db) == before + 1


def test_a_party_admin_may_not_add_members_and_is_told_which_permission(
    client: TestClient, world: World, db: Session
) -> None:
    before = log_size(db)
    r = client.post(f"{API}/groups/test-group/members", headers=world.auth("party-a.admin"),
                    json={"slug": "msf", "name": "MSF", "kind": "humanitarian",
                          "timezone": "UTC"})
    assert r.status_code == 403
    assert r.json()["permission"] == "member.add"
    assert log_size(db) == before


def test_bad_member_input_is_refused_naming_the_field_and_writes_nothing(
    client: TestClient, world: World, db: Session
) -> None:
    before = log_size(db)
    auth = world.auth("convener.admin")
    cases = [
        ({"slug": "msf", "name": "MSF", "kind": "humanitarian", "timezone": "Mars/Olympus"},
         "/timezone"),
        ({"slug": "party-a", "name": "Dup", "kind": "party", "timezone": "UTC"}, "/slug"),
        ({"slug": "x y", "name": "Bad", "kind": "party", "timezone": "UTC"}, "/slug"),
        ({"slug": "ok-slug", "name": "Bad", "kind": "warlord", "timezone": "UTC"}, "/kind"),
    ]
    for body, field in cases:
        r = client.post(f"{API}/groups/test-group/members", headers=auth, json=body)
        assert 400 <= r.status_code < 500, body
        assert r.json()["field"] == field, r.json()
    assert log_size(db) == before


def test_an_oversized_body_is_refused_with_413(client: TestClient, world: World) -> None:
    r = client.post(f"{API}/groups/test-group/members", headers=world.auth("convener.admin"),
                    content=b"{" + b" " * 2_000_000 + b"}",
                    )
    assert r.status_code == 413 and r.json()["field"] == "body"


def test_an_admin_registers_and_revokes_a_key_of_its_own_organisation(
    client: TestClient, world: World
) -> None:
    auth = world.auth("party-a.admin")
    r = client.post(f"{API}/groups/test-group/members/party-a/keys", headers=auth,
                    json={"public_key": new_public_key(), "label": "laptop"})
    assert r.status_code == 201, r.text
    key = r.json()
    assert key["fingerprint"].startswith("SHA256:")
    listed = client.get(f"{API}/groups/test-group/keys", headers=world.auth("donor.viewer")).json()
    assert [k["fingerprint"] for k in listed] == [key["fingerprint"]]
    r = client.post(f"{API}/groups/test-group/keys/{key['id']}/revoke", headers=auth)
    assert r.status_code == 200 and r.json()["revoked_at"] is not None


def test_a_key_for_another_organisation_is_refused(client: TestClient, world: World) -> None:
    r = client.post(f"{API}/groups/test-group/members/party-b/keys",
                    headers=world.auth("party-a.admin"), json={"public_key": new_public_key()})
    assert r.status_code == 403


def test_a_malformed_public_key_is_refused_naming_the_field(
    client: TestClient, world: World, db: Session
) -> None:
    before = log_size(db)
    for bad in ["not base64!", base64.b64encode(b"short").decode(), ""]:
        r = client.post(f"{API}/groups/test-group/members/party-a/keys",
                        headers=world.auth("party-a.admin"), json={"public_key": bad})
        assert r.status_code == 422, bad
        assert r.json()["field"] == "/public_key"
    assert log_size(db) == before


def test_a_token_is_shown_once_works_and_stops_working_when_revoked(
    client: TestClient, world: World
) -> None:
    r = client.post(f"{API}/groups/test-group/people/aid-one.viewer/tokens",
                    headers=world.auth("aid-one.viewer"), json={"label": "phone"})
    assert r.status_code == 201, r.text
    issued = r.json()
    secret = issued["token"]
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{API}/me", headers=auth).json()["username"] == "aid-one.viewer"
    listed = client.get(f"{API}/groups/test-group/people/aid-one.viewer/tokens", headers=auth)
    assert all("token" not in t for t in listed.json())
    r = client.post(f"{API}/groups/test-group/tokens/{issued['id']}/revoke", headers=auth)
    assert r.status_code == 200
    assert client.get(f"{API}/me", headers=auth).status_code == 401


def test_a_viewer_cannot_issue_a_token_for_a_colleague(client: TestClient, world: World) -> None:
    r = client.post(f"{API}/groups/test-group/people/aid-one.admin/tokens",
                    headers=world.auth("aid-one.viewer"), json={})
    assert r.status_code == 403


def test_an_admin_adds_a_person_to_its_own_organisation_only(
    client: TestClient, world: World
) -> None:
    body = {"username": "new.person", "role": "operator", "password": "long-enough-pw"}
    ok = client.post(f"{API}/groups/test-group/members/aid-one/people",
                     headers=world.auth("aid-one.admin"), json=body)
    assert ok.status_code == 201, ok.text
    body["username"] = "other.person"
    no = client.post(f"{API}/groups/test-group/members/aid-two/people",
                     headers=world.auth("aid-one.admin"), json=body)
    assert no.status_code == 403

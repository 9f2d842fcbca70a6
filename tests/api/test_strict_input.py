"""Strict input: out-of-range ids and times, coerced numbers, NUL, lone surrogates, NaN and bad
JSON are refused as 422 problems naming the field (a JSON pointer into the body, `body`, or the
parameter), never stored and never a 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from corridor.config import Settings
from tests.factories import World
from tests.incidents_helpers import incident_body
from tests.notifications_helpers import movement_body, site_body
from tests.operations_helpers import OPS, create, people, stage_id
from tests.pauses_helpers import API, content

BIG = "99999999999999999999"  # above 2^63


def refused(r: Any, field: str) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == field, r.json()


def post_raw(client: TestClient, world: World, path: str, body: Any,
             who: str = "aid-one.operator") -> Any:
    """A body sent as written (json.dumps keeps lone surrogates as \\ud800 escapes)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(f"{API}/{path}", headers={**world.auth(who),
                                                 "content-type": "application/json"},
                       content=data)


def test_ids_beyond_what_the_database_stores_are_refused_in_paths_queries_and_bodies(
        client: TestClient, world: World) -> None:
    who = world.auth("convener.admin")
    # Past PostgreSQL's 32-bit INTEGER (found by schemathesis: a 500 there, not on SQLite).
    refused(client.post(f"{API}/sites/{2**31}/withdraw", headers=who, json={}), "site_id")
    refused(client.post(f"{API}/pauses/343498411946/propose", headers=who, json={}), "pause_id")
    assert client.get(f"{API}/pauses/{2**31 - 1}", headers=who).status_code == 404
    refused(client.get(f"{API}/pauses/{BIG}", headers=who), "pause_id")
    refused(client.get(f"{API}/movements?pause={BIG}", headers=who), "pause")
    refused(client.get(f"{API}/operations?pause={BIG}", headers=who), "pause")
    refused(client.get(f"{API}/log/entries?start={BIG}", headers=who), "start")
    refused(client.post(f"{API}/movements", headers=world.auth("aid-one.operator"),
                        json=movement_body(pause=1e30)), "/pause")
    refused(client.post(f"{API}/movements", headers=world.auth("aid-one.operator"),
                        json=movement_body(pause=2**64)), "/pause")


@pytest.mark.parametrize("when", ["9999-12-31T23:30:00-01:00", "0001-01-01T00:30:00+01:00",
                                  "0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z"])
def test_times_that_overflow_or_are_implausible_are_refused(
        client: TestClient, world: World, when: str) -> None:
    refused(client.post(f"{API}/incidents", headers=world.auth("icrc.operator"),
                        json=incident_body(occurred_at=when)), "/occurred_at")
    window = {"start": when, "end": "2030-01-02T00:00:00Z"}
    refused(client.post(f"{API}/pauses", headers=world.auth("convener.negotiator"),
                        json={"content": content(window=window)}), "/content/window/start")
    op = create(client, world)
    refused(client.post(f"{OPS}/{op['id']}/counts", headers=world.auth("icrc.operator"),
                        json={"type": "count", "stage": stage_id(op, "Alpha"), "vehicle": "bus",
                              "people": people(adults=1), "at": when}), "/at")


def test_a_query_time_that_overflows_in_utc_is_refused_naming_the_parameter(
        client: TestClient, world: World) -> None:
    who = world.auth("convener.viewer")
    refused(client.get(f"{API}/pauses", headers=who,
                       params={"start_after": "0001-01-01T00:00:00+01:00"}), "start_after")
    refused(client.get(f"{API}/incidents", headers=who,
                       params={"occurred_before": "9999-12-31T23:30:00-01:00"}),
            "occurred_before")
    refused(client.get(f"{API}/pauses", headers=who, params={"end_before": "1714543200"}),
            "end_before")


@pytest.mark.parametrize("epoch", [1714543200, 1714543200.5])
def test_integer_epochs_are_not_times(client: TestClient, world: World, epoch: float) -> None:
    refused(client.post(f"{API}/incidents", headers=world.auth("icrc.operator"),
                        json=incident_body(occurred_at=epoch)), "/occurred_at")
    refused(client.post(f"{API}/movements", headers=world.auth("aid-one.operator"),
                        json=movement_body(departure=epoch)), "/departure")


@pytest.mark.parametrize("value", ["5", True, 5.0])
def test_strings_booleans_and_floats_are_not_coerced_to_numbers(
        client: TestClient, world: World, value: Any) -> None:
    casualties = {"killed": {"adults": value}}
    refused(client.post(f"{API}/incidents", headers=world.auth("icrc.operator"),
                        json=incident_body(casualties=casualties)), "/casualties/killed/adults")
    refused(client.post(f"{API}/movements", headers=world.auth("aid-one.operator"),
                        json=movement_body(staff=value)), "/staff")
    op = create(client, world)
    # A count is one of two shapes told apart by `type`; the pointer still names the member.
    refused(client.post(f"{OPS}/{op['id']}/counts", headers=world.auth("icrc.operator"),
                        json={"type": "count", "stage": value, "vehicle": "bus",
                              "people": people(adults=1)}), "/stage")
    refused(client.post(f"{OPS}/{op['id']}/counts", headers=world.auth("icrc.operator"),
                        json={"type": "count", "stage": stage_id(op, "Alpha"), "vehicle": "bus",
                              "people": {**people(), "adults": value}}), "/people/adults")


@pytest.mark.parametrize("text", ["Clinic\x00", "Clinic \ud800"])
def test_nul_and_lone_surrogates_are_refused_in_any_text(
        client: TestClient, world: World, text: str) -> None:
    refused(post_raw(client, world, "sites", site_body(name=text)), "/name")
    refused(post_raw(client, world, "places", {"name": text, "lon": 36.8, "lat": 46.8}),
            "/name")
    refused(post_raw(client, world, "movements", movement_body(via=["Mariupol", text],
                                                               route=None)), "/via/1")
    area = {"type": "Polygon", text: 1, "coordinates": []}
    key = text.encode("utf-8", "backslashreplace").decode()  # the answer itself is UTF-8
    refused(post_raw(client, world, "pauses", {"content": content(area=area)},
                     who="convener.negotiator"), f"/content/area/{key}")
    who = world.auth("convener.viewer")
    refused(client.get(f"{API}/pauses", headers=who, params={"status": "a\x00"}), "status")
    assert client.get(f"{API}/sites", headers=who).json() == []


def test_nan_and_infinity_are_refused(client: TestClient, world: World) -> None:
    who = world.auth("convener.viewer")
    for path in ("pauses", "sites", "sites.geojson"):
        refused(client.get(f"{API}/{path}?bbox=nan,nan,nan,nan", headers=who), "bbox")
        refused(client.get(f"{API}/{path}?bbox=0,0,inf,1", headers=who), "bbox")
        # Not four numbers at all (schemathesis: one long number was a 500).
        refused(client.get(f"{API}/{path}?bbox=1234567", headers=who), "bbox")
    raw = json.dumps(site_body()).replace("36.8", "NaN").encode()
    refused(post_raw(client, world, "sites", raw), "body")
    raw = json.dumps(site_body()).replace("36.8", "Infinity").encode()
    refused(post_raw(client, world, "sites", raw), "body")


@pytest.mark.parametrize("raw", [b'{"name": "x",', b"[1, 2]", b'"a site"', b"\xff\xfe{}"])
def test_a_body_that_is_not_a_json_object_is_refused_as_the_body(
        client: TestClient, world: World, raw: bytes) -> None:
    refused(post_raw(client, world, "sites", raw), "body")


def test_every_error_is_listed_with_its_pointer(client: TestClient, world: World) -> None:
    body = {"content": content(window={"start": "2030-01-01T00:00:00Z"}), "unknown": 1}
    r = client.post(f"{API}/pauses", headers=world.auth("convener.negotiator"), json=body)
    refused(r, "/content/window/end")
    assert {e["field"] for e in r.json()["errors"]} == {"/content/window/end", "/unknown"}


def test_a_file_name_with_nul_is_not_found(client: TestClient) -> None:
    r = client.get("/static/corridor.js%00.png")
    assert r.status_code == 404


def test_the_time_range_comes_from_the_settings(engine: Engine, settings: Settings,
                                                world: World) -> None:
    from corridor.app import create_app

    narrow = settings.model_copy(update={"latest_time": datetime(2020, 1, 1, tzinfo=UTC)})
    with TestClient(create_app(narrow, engine)) as client:
        r = client.post(f"{API}/incidents", headers=world.auth("icrc.operator"),
                        json=incident_body(occurred_at="2021-06-01T00:00:00Z"))
        refused(r, "/occurred_at")
        assert "2020-01-01" in r.json()["detail"]


def test_an_unknown_query_parameter_is_refused_not_ignored(
        client: TestClient, world: World) -> None:
    """A misspelt filter would otherwise answer the whole list as if it had been obeyed."""
    who = world.auth("convener.viewer")
    r = client.get(f"{API}/pauses?stauts=active", headers=who)
    refused(r, "stauts")
    assert "status" in r.json()["detail"]
    assert client.get(f"{API}/pauses?status=active", headers=who).status_code == 200

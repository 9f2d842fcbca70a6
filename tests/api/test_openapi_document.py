"""The OpenAPI document tells the truth: who must authenticate, the problems each operation can
answer with (problem+json, one schema), the exports' media types, links for stateful clients."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from corridor.app import create_app
from corridor.config import Settings, sqlite_url

API = "/api/v1"
PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # The document depends on the routes only; no database is opened to build it.
    where: Path = tmp_path_factory.mktemp("openapi")
    app = create_app(Settings(environment="test", data_dir=where,
                              database_url=sqlite_url(where / "unused.sqlite3")))
    doc: dict[str, Any] = TestClient(app).get(f"{API}/openapi.json").json()
    return doc


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def test_every_error_response_is_a_problem_with_the_one_problem_schema(
        document: dict[str, Any]) -> None:
    for path, method, op in operations(document):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                assert response["content"] == {"application/problem+json": {"schema": PROBLEM}}, (
                    method, path, status)
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "field", "errors"} <= set(problem["properties"])
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "ValidationError" not in document["components"]["schemas"]


def test_operations_that_need_a_token_say_so_and_list_401_while_public_ones_do_not(
        document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    public = {f"{API}/health", f"{API}/groups/{{group}}/log/checkpoint"}
    for path, method, op in operations(document):
        if path in public:
            assert "security" not in op and "401" not in op["responses"], path
        else:
            assert op["security"] == [{"bearer": []}], (method, path)
            assert "401" in op["responses"], (method, path)
        names = [p["name"].lower() for p in op.get("parameters", [])]
        assert "authorization" not in names, (method, path)


def test_errors_are_listed_where_they_can_occur(document: dict[str, Any]) -> None:
    paths = document["paths"]
    create_pause = paths[f"{API}/groups/{{group}}/pauses"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "422", "503"} <= set(create_pause)
    read_pause = paths[f"{API}/groups/{{group}}/pauses/{{pause_id}}"]["get"]["responses"]
    assert {"401", "404", "422", "503"} <= set(read_pause)
    assert not {"400", "409", "413"} & set(read_pause)
    assert "403" in paths[f"{API}/groups/{{group}}/sites"]["get"]["responses"]  # observers
    assert set(paths[f"{API}/health"]["get"]["responses"]) == {"200"}
    evidence = paths[f"{API}/groups/{{group}}/incidents/{{incident_id}}/evidence"]["post"]
    assert "415" in evidence["responses"] and "requestBody" in evidence
    assert "Retry-After" in create_pause["503"]["headers"]


@pytest.mark.parametrize(("suffix", "media_type"), [
    ("/pauses/calendar.ics", "text/calendar"),
    ("/pauses/{pause_id}/calendar.ics", "text/calendar"),
    ("/sites.csv", "text/csv"),
    ("/incidents.csv", "text/csv"),
    ("/operations/{operation_id}/counts.csv", "text/csv"),
    ("/sites.geojson", "application/geo+json"),
    ("/movements.geojson", "application/geo+json"),
    ("/pauses/{pause_id}/agreement", "text/html"),
    ("/log/checkpoint", "text/plain"),
])
def test_exports_declare_their_media_type_not_json(
        document: dict[str, Any], suffix: str, media_type: str) -> None:
    ok = document["paths"][f"{API}/groups/{{group}}{suffix}"]["get"]["responses"]["200"]
    assert list(ok["content"]) == [media_type]


def test_web_pages_are_not_part_of_the_api_document(document: dict[str, Any]) -> None:
    assert all(path.startswith(f"{API}/") for path in document["paths"])


def test_a_created_pause_links_to_its_reads_and_moves(document: dict[str, Any]) -> None:
    created = document["paths"][f"{API}/groups/{{group}}/pauses"]["post"]["responses"]["201"]
    ids = {link["operationId"]: link["parameters"] for link in created["links"].values()}
    read = document["paths"][f"{API}/groups/{{group}}/pauses/{{pause_id}}"]["get"]["operationId"]
    assert ids[read] == {"group": "$request.path.group", "pause_id": "$response.body#/id"}
    assert len(ids) >= 5  # versions, propose, consents... follow as well


def test_a_method_not_allowed_names_every_method_of_the_path(tmp_path: Path) -> None:
    app = create_app(Settings(environment="test", data_dir=tmp_path,
                              database_url=sqlite_url(tmp_path / "unused.sqlite3")))
    answer = TestClient(app).put(f"{API}/groups/g/members")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD, POST"
    assert answer.headers["content-type"] == "application/problem+json"

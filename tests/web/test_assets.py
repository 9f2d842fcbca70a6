"""The web's own files, the npm libraries and the offline base map are served locally."""

from __future__ import annotations

from typing import Any


def test_the_api_docs_page_loads_swagger_from_this_server(client: Any) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    script = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000


def test_leaflet_comes_from_the_installed_npm_package(client: Any) -> None:
    response = client.get("/static/vendor/leaflet/leaflet.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")


def test_only_listed_library_files_are_served(client: Any) -> None:
    assert client.get("/static/vendor/leaflet/package.json").status_code == 404
    assert client.get("/static/vendor/../../pyproject.toml").status_code == 404
    assert client.get("/static/../sessions.py").status_code == 404


def test_the_base_map_has_ukraine_and_its_neighbours_cut_to_the_region(client: Any) -> None:
    response = client.get("/basemap.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    names = {f["properties"]["name"] for f in response.json()["features"]}
    assert {"Ukraine", "Russia", "Poland", "Moldova"} <= names
    assert "Brazil" not in names
    for feature in response.json()["features"]:
        for ring in _rings(feature["geometry"]):
            for lon, lat in ring:
                assert 14.0 <= lon <= 50.0 and 40.0 <= lat <= 58.0
    assert response.headers.get("content-encoding") == "gzip"


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []

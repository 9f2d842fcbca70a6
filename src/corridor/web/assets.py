"""Static files: our own (web/static), the npm libraries named in VENDOR, and the offline base
map made from Natural Earth borders (npm `world-atlas`).

Only files listed in VENDOR are served from node_modules, so nothing else in it is exposed. The
base map is decoded from TopoJSON and cut to the region here, once per process: the whole
1:50m world is 236 KB compressed, the region about a tenth of it, and the overview must stay
under 300 KB on a 3G link.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from corridor.errors import NotFound

STATIC = Path(__file__).parent / "static"
VENDOR = {
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png",
         ".svg": "image/svg+xml", ".json": "application/json"}
# Lon/lat box of the base map: Ukraine and its neighbours, with room around the front line.
REGION = (14.0, 40.0, 50.0, 58.0)
CACHE = {"Cache-Control": "public, max-age=86400"}

router = APIRouter(include_in_schema=False)


def node_modules(request: Request) -> Path:
    configured = request.app.state.settings.assets_dir
    if configured is not None:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "node_modules"


@router.get("/static/vendor/{name:path}")
def vendor(name: str, request: Request) -> Response:
    relative = VENDOR.get(name)
    if relative is None:
        raise NotFound(f"no library file '{name}'")
    path = node_modules(request) / relative
    if not path.is_file():
        raise NotFound(f"'{name}' is not installed: run `make install` (npm ci)")
    return FileResponse(path, media_type=TYPES.get(path.suffix), headers=CACHE)


@router.get("/static/{name:path}")
def own(name: str) -> Response:
    if "\x00" in name:  # no file name holds NUL; resolving one raised ValueError (a 500)
        raise NotFound("no such file")
    path = (STATIC / name).resolve()
    if STATIC.resolve() not in path.parents or not path.is_file():
        raise NotFound(f"no file '{name}'")
    return FileResponse(path, media_type=TYPES.get(path.suffix), headers=CACHE)


@router.get("/basemap.geojson")
def basemap(request: Request) -> Response:
    path = node_modules(request) / "world-atlas" / "countries-50m.json"
    if not path.is_file():
        raise NotFound("the base map is not installed: run `make install` (npm ci)")
    return Response(_basemap(str(path)), media_type="application/geo+json", headers=CACHE)


@lru_cache(maxsize=2)
def _basemap(path: str) -> bytes:
    topology = json.loads(Path(path).read_text())
    region = box(*REGION)
    features = []
    for name, geometry in decode_countries(topology):
        clipped = shapely.set_precision(geometry.intersection(region), 0.001)
        if not clipped.is_empty:
            features.append({"type": "Feature", "properties": {"name": name},
                             "geometry": mapping(clipped)})
    return json.dumps({"type": "FeatureCollection", "features": features},
                      separators=(",", ":")).encode()


def decode_countries(topology: dict[str, Any]) -> list[tuple[str, Polygon | MultiPolygon]]:
    """Countries of a quantised TopoJSON topology as shapely shapes (the format's delta arcs)."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        coords: list[tuple[float, float]] = []
        for i in indices:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            coords.extend(points[1:] if coords else points)
        return coords

    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs")],
                    "MultiPolygon": geometry.get("arcs")}.get(geometry["type"])
        if not polygons:
            continue
        shapes = [Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polygons]
        merged = shapely.make_valid(MultiPolygon(shapes))
        if isinstance(merged, (Polygon, MultiPolygon)):
            countries.append((geometry.get("properties", {}).get("name", ""), merged))
        else:
            parts = [g for g in getattr(merged, "geoms", []) if isinstance(g, Polygon)]
            countries.append((geometry.get("properties", {}).get("name", ""), MultiPolygon(parts)))
    return countries

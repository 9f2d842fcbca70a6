"""The overview: the group's map, the timeline of pause windows and the person's inbox.

The map's data is embedded in the page as GeoJSON (one round trip on a slow link, not five);
the base map is the offline borders plus the gazetteer's larger towns (`/places.geojson`).
Without scripts the page still shows the inbox, the timeline and a table of what is on the map.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import Response

from corridor.deps import SessionDep
from corridor.geo.gazetteer import Gazetteer, Place
from corridor.web.assets import CACHE, REGION
from corridor.web.deps import WebUser
from corridor.web.overview import data as overview_data
from corridor.web.render import gettext, language_of, render

router = APIRouter(include_in_schema=False)

# Towns of this many people or more label the base map (in Ukraine, where pauses are, down
# to the smaller towns); more would clutter it at a region's scale and cost bytes on 3G.
PLACE_POPULATION = {"UA": 25_000}
OTHER_POPULATION = 300_000
# Ukraine and its neighbours in the contact group's region; the whole world's list would take
# seconds to index for a handful of labels at the map's edge.
PLACE_COUNTRIES = ("UA", "RU", "BY", "MD")
SEPARATION = 0.15  # degrees (~12 km): closer to a larger town, a place is one of its districts


def labels(request: Request) -> dict[str, dict[str, str]]:
    """What people read for the stored words on this page."""
    _ = gettext(request)
    return {
        "status": {"draft": _("Draft"), "proposed": _("Proposed"), "agreed": _("Agreed"),
                   "active": _("Active"), "completed": _("Completed"),
                   "rejected": _("Rejected"), "lapsed": _("Lapsed"),
                   "cancelled": _("Cancelled"), "suspended": _("Suspended")},
        "layer": {"pause": _("Pauses"), "site": _("Notified sites"),
                  "movement": _("Movements"), "incident": _("Incidents")},
        "inbox": {"consent_awaited": _("Consent to give"),
                  "acknowledgement_pending": _("Acknowledgement due"),
                  "acknowledgement_overdue": _("Acknowledgement overdue"),
                  "unaccounted": _("People unaccounted for"),
                  "discrepancy": _("Counts differ"),
                  "followup_to_answer": _("Follow-up to answer"),
                  "followup_open": _("Open follow-up")},
        "subject": {"pause": _("Pause"), "site": _("Site"), "movement": _("Movement"),
                    "incident": _("Incident"), "operation": _("Operation")},
        "incident": {"shelling": _("Shelling"), "air_strike": _("Air strike"),
                     "small_arms_fire": _("Small-arms fire"), "mines_uxo": _("Mines or UXO"),
                     "blocked_passage": _("Blocked passage"), "detention": _("Detention"),
                     "other": _("Other incident")},
    }


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element (a title cannot close it)."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@router.get("/")
def overview(request: Request, login: WebUser, db: SessionDep) -> Response:
    names = labels(request)
    data = overview_data.build(db, login.principal, names["incident"], login.viewer.timezone)
    lang, zone = language_of(request, login), ZoneInfo(login.viewer.timezone)

    def day(value: datetime) -> str:
        return format_date(value.astimezone(zone), "d MMM", locale=lang)

    return render(request, "overview/page.html", login=login, data=data, labels=names,
                  kinds=overview_data.KINDS, features=script_json(data.features), day=day,
                  tiles=request.app.state.settings.tile_url or "")


@lru_cache(maxsize=1)
def _places() -> bytes:
    west, south, east, north = REGION
    gazetteer = Gazetteer(countries=PLACE_COUNTRIES, min_population=15000)
    candidates = sorted(
        (p for p in gazetteer.near((west + east) / 2, (south + north) / 2, 20_000,
                                   min_population=min(PLACE_POPULATION.values()))
         if west <= p.lon <= east and south <= p.lat <= north
         and (p.population or 0) >= PLACE_POPULATION.get(p.country or "", OTHER_POPULATION)),
        key=lambda p: -(p.population or 0))
    # GeoNames lists a city's districts as places of their own (some more populous than the
    # city's own entry): of places this close keep the best known, the one with most names.
    chosen: list[Place] = []
    for p in sorted(candidates, key=lambda p: -len(p.alternate_names)):
        if all(abs(p.lon - q.lon) > SEPARATION or abs(p.lat - q.lat) > SEPARATION
               for q in chosen):
            chosen.append(p)
    chosen.sort(key=lambda p: -(p.population or 0))
    # rank: 1 a city of a million, 2 of 200,000, 3 a town; the map labels by zoom and rank.
    features = [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [round(p.lon, 3), round(p.lat, 3)]},
         "properties": {"name": p.name,
                        "rank": 1 if (p.population or 0) >= 1_000_000
                        else 2 if (p.population or 0) >= 200_000 else 3}}
        for p in chosen]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":")).encode()


@router.get("/places.geojson")
def places() -> Response:
    """The base map's place names: GeoNames towns of the region (no login: public data)."""
    return Response(_places(), media_type="application/geo+json", headers=CACHE)

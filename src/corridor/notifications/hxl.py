"""Lists of sites and movements as CSV with HXL hashtags (a second header row), the exchange
format of humanitarian data: https://hxlstandard.org/standard/1-1final/dictionary/"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corridor.hxl import MEDIA_TYPE as HXL_MEDIA_TYPE
from corridor.hxl import write_csv as _write
from corridor.notifications.schemas import AcknowledgementOut, MovementOut, SiteOut

MEDIA_TYPE = HXL_MEDIA_TYPE

SITE_COLUMNS = [
    ("Site", "#loc+code"), ("Name", "#loc+name"), ("Type", "#loc+type"),
    ("Latitude", "#geo+lat"), ("Longitude", "#geo+lon"), ("Organisation", "#org"),
    ("People usually present", "#population"), ("Notified", "#date+notified"),
    ("Confirmed", "#date+confirmed"), ("Status", "#status"), ("Acknowledgements", "#status+ack"),
]
MOVEMENT_COLUMNS = [
    ("Movement", "#activity+code"), ("Organisation", "#org"), ("From", "#loc+name+origin"),
    ("From latitude", "#geo+lat+origin"), ("From longitude", "#geo+lon+origin"),
    ("To", "#loc+name+destination"), ("To latitude", "#geo+lat+destination"),
    ("To longitude", "#geo+lon+destination"), ("Departure", "#date+start"),
    ("Arrival", "#date+end"), ("Route km", "#indicator+distance+km"),
    ("Vehicles", "#indicator+vehicles+num"), ("Vehicle type", "#item+vehicle+type"),
    ("Staff", "#indicator+staff+num"), ("Passengers", "#indicator+passengers+num"),
    ("Cargo", "#item+name"), ("Pause", "#event+code"), ("Status", "#status"),
    ("Acknowledgements", "#status+ack"),
]


def _acks(acks: Sequence[AcknowledgementOut]) -> str:
    return "; ".join(f"{a.party}: {a.status}" for a in acks)


def sites(rows: Sequence[SiteOut]) -> str:
    return _write(SITE_COLUMNS, [[
        s.id, s.name, s.type, s.lat, s.lon, s.organisation, s.people_present,
        s.notified_at.isoformat(), s.confirmed_at.isoformat(), "stale" if s.stale else "current",
        _acks(s.acknowledgements)] for s in rows])


def _end(m: MovementOut, i: int) -> list[Any]:
    lon, lat = m.route["coordinates"][i]
    name = m.waypoints[i]["name"] if m.waypoints else ""
    return [name, lat, lon]


def movements(rows: Sequence[MovementOut]) -> str:
    def status(m: MovementOut) -> str:
        words = [m.phase.replace("_", " ")]
        words += ["emergency"] if m.emergency else []
        words += [f"late by {m.late_by}"] if m.late else []
        return ", ".join(words)

    return _write(MOVEMENT_COLUMNS, [[
        m.id, m.organisation, *_end(m, 0), *_end(m, -1), m.departure.isoformat(),
        m.arrival.isoformat(), m.length_km, m.vehicles.count, m.vehicles.type, m.staff,
        m.passengers, m.cargo, m.pause, status(m), _acks(m.acknowledgements)] for m in rows])

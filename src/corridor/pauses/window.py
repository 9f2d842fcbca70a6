"""A pause window: validated instants, stored in UTC, shown in each party's zone.

Times were misread across zones in 2022, so a window is refused when its local time in any
party's zone is ambiguous (the hour repeated when clocks go back) or does not exist (the hour
skipped when they go forward): nobody should have to guess which 02:30 was meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from corridor.errors import InvalidInput
from corridor.zones import validate_zone


@dataclass(frozen=True)
class Window:
    start: datetime  # aware, UTC
    end: datetime

    def as_json(self) -> dict[str, str]:
        return {"start": iso_utc(self.start), "end": iso_utc(self.end)}


def iso_utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(value: datetime, zone: str | None, *, field: str) -> datetime:
    """An aware instant; a naive time is read in `zone` and refused if that is impossible."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(UTC)
    if zone is None:
        raise InvalidInput(
            "time has no zone or offset; give it as 2026-05-01T06:00:00+03:00, with Z for UTC, "
            "or add window.zone (e.g. Europe/Kyiv)",
            field=field,
        )
    tz = ZoneInfo(validate_zone(zone, field="/window/zone"))
    local = value.replace(tzinfo=tz)
    back = local.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != value:
        raise InvalidInput(
            f"{value.isoformat()} does not exist in {zone} (clocks go forward then); "
            "choose another time or give an offset",
            field=field,
        )
    _refuse_ambiguous(local, zone, field)
    return local.astimezone(UTC)


def _refuse_ambiguous(local: datetime, zone: str, field: str) -> None:
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() != local.utcoffset():
        raise InvalidInput(
            f"{local.replace(tzinfo=None).isoformat()} happens twice in {zone} "
            "(clocks go back then), so people there could read it either way; "
            "choose a time outside that hour",
            field=field,
            extra={"zone": zone},
        )


def validate_window(
    start: datetime,
    end: datetime,
    *,
    zone: str | None,
    party_zones: list[str],
    max_hours: int,
    now: datetime | None,
) -> Window:
    """Checks of PRODUCT.md: ends after it starts, starts in the future (when `now` is given),
    not longer than the group's limit, and unambiguous in every party's zone."""
    s = parse_instant(start, zone, field="/window/start")
    e = parse_instant(end, zone, field="/window/end")
    if e <= s:
        raise InvalidInput("the window must end after it starts", field="/window/end")
    if now is not None and s <= now:
        raise InvalidInput(
            f"the window must start in the future (it starts {iso_utc(s)}, now is {iso_utc(now)})",
            field="/window/start",
        )
    if e - s > timedelta(hours=max_hours):
        raise InvalidInput(
            f"the window lasts {(e - s) / timedelta(hours=1):g} h; this group allows at most "
            f"{max_hours} h",
            field="/window/end",
        )
    for z in sorted(set(party_zones)):
        tz = ZoneInfo(z)
        _refuse_ambiguous(s.astimezone(tz), z, "/window/start")
        _refuse_ambiguous(e.astimezone(tz), z, "/window/end")
    return Window(s, e)


def in_zones(window: Window, zones: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The window in UTC and in each zone (with who reads it there), zone names included."""
    out: list[dict[str, Any]] = [
        {"zone": "UTC", "for": [], "start": iso_utc(window.start), "end": iso_utc(window.end)}
    ]
    for zone, readers in sorted(zones.items()):
        tz = ZoneInfo(zone)
        s, e = window.start.astimezone(tz), window.end.astimezone(tz)
        out.append({
            "zone": zone,
            "for": sorted(set(readers)),
            "start": s.isoformat(),
            "end": e.isoformat(),
            "abbreviation": s.tzname(),
        })
    return out

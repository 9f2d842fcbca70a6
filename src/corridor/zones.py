"""Time zones: validated IANA names; every instant is stored in UTC and shown with its zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from corridor.errors import InvalidInput


def validate_zone(name: str, *, field: str) -> str:
    """The name itself if it is a known IANA zone; otherwise refused as
    invalid, naming the field."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        close = sorted(z for z in available_timezones() if name.lower() in z.lower())[:5]
        hint = (f" Did you mean: {', '.join(close)}?" if close
                else " Use an IANA name such as Europe/Kyiv.")
        raise InvalidInput(f"'{name}' is not a known time zone.{hint}", field=field) from exc
    return name


def require_aware(value: datetime, *, field: str) -> datetime:
    """Refuse an instant without a zone or offset: it could mean any of several hours."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            "time has no zone or offset; write it as 2026-05-01T06:00:00+03:00 or with Z for UTC",
            field=field,
        )
    return value

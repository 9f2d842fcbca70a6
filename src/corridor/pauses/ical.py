"""iCalendar (RFC 5545) export of pause windows, so liaison officers see them in their calendars.

Written with the `icalendar` package rather than by hand: it escapes text (backslash, `;`, `,`,
and every line break, a bare CR included, as `\\n`), folds lines at 75 octets without splitting a
UTF-8 character, and ends lines with CRLF. A title can then never end its line early and start a
property or an event of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from corridor import clock
from corridor.pauses.schemas import PauseOut

SHOWN = {"agreed", "active", "completed", "suspended"}


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)


def to_ical(pauses: list[PauseOut], *, host: str = "corridor.local") -> str:
    """A VCALENDAR with one VEVENT per agreed pause window (UTC times)."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Corridor//Pauses//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    now = clock.now().astimezone(UTC).replace(microsecond=0)
    for p in pauses:
        if p.status not in SHOWN:
            continue
        c = p.content
        zones = "; ".join(f"{w.zone}: {w.start} – {w.end}" for w in p.windows)
        description = (f"Status: {p.status}. Version {p.current_version} "
                       f"(hash {p.version_hash}). Purposes: {', '.join(c['purposes'])}. "
                       f"Signatories: {', '.join(c['required_signatories'])}. Times: {zones}")
        event = Event()
        event.add("uid", f"pause-{p.id}-v{p.current_version}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", _utc(c["window"]["start"]).replace(microsecond=0))
        event.add("dtend", _utc(c["window"]["end"]).replace(microsecond=0))
        event.add("summary", "Humanitarian pause: " + c["title"])
        event.add("description", description)
        event.add("status", "CANCELLED" if p.status == "suspended" else "CONFIRMED")
        calendar.add_component(event)
    raw: bytes = calendar.to_ical()
    return raw.decode()

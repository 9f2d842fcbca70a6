"""iCalendar (RFC 5545) export of pause windows, so liaison officers see them in their calendars."""

from __future__ import annotations

from datetime import UTC, datetime

from corridor import clock
from corridor.pauses.schemas import PauseOut

SHOWN = {"agreed", "active", "completed", "suspended"}


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545 §3.1)."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode()) > 75:
            out.append(current)
            current = " " + ch
        else:
            current += ch
    out.append(current)
    return "\r\n".join(out)


def _stamp(iso: str) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).strftime(
        "%Y%m%dT%H%M%SZ")


def to_ical(pauses: list[PauseOut], *, host: str = "corridor.local") -> str:
    """A VCALENDAR with one VEVENT per agreed pause window (UTC times)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Corridor//Pauses//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    now = clock.now().strftime("%Y%m%dT%H%M%SZ")
    for p in pauses:
        if p.status not in SHOWN:
            continue
        c = p.content
        zones = "; ".join(f"{w.zone}: {w.start} – {w.end}" for w in p.windows)
        description = (f"Status: {p.status}. Version {p.current_version} "
                       f"(hash {p.version_hash}). Purposes: {', '.join(c['purposes'])}. "
                       f"Signatories: {', '.join(c['required_signatories'])}. Times: {zones}")
        lines += [
            "BEGIN:VEVENT",
            f"UID:pause-{p.id}-v{p.current_version}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(c['window']['start'])}",
            f"DTEND:{_stamp(c['window']['end'])}",
            f"SUMMARY:{_escape('Humanitarian pause: ' + c['title'])}",
            f"DESCRIPTION:{_escape(description)}",
            f"STATUS:{'CANCELLED' if p.status == 'suspended' else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

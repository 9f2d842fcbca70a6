"""The iCalendar export read back by a real parser: whatever a title holds, each agreed pause is
one VEVENT whose SUMMARY keeps the whole title, in lines of at most 75 octets ending in CRLF."""

from __future__ import annotations

from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient

from tests.api.test_pauses_api import consent
from tests.factories import World
from tests.pauses_helpers import API, propose, register_key, signed

HOSTILE_TITLES = [
    "CR\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:FAKE PAUSE",
    "LF\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:FAKE PAUSE",
    "CRLF\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:FAKE PAUSE",
    "back\\slash; semi, comma",
    "Гуманітарна пауза для евакуації цивільних з Маріуполя через Бердянськ до Запоріжжя",
]


def _agreed(client: TestClient, world: World, title: str) -> dict[str, Any]:
    pause = propose(client, world, title=title)
    ka, kb = register_key(client, world, "party-a"), register_key(client, world, "party-b")
    consent(client, world, pause, "party-a", signed(ka, pause, "party-a"))
    consent(client, world, pause, "party-b", signed(kb, pause, "party-b"))
    return pause


def _lines(raw: bytes) -> list[bytes]:
    assert raw.endswith(b"\r\n")
    return raw[:-2].split(b"\r\n")


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_title_stays_inside_one_summary_whatever_it_holds(
        client: TestClient, world: World, title: str) -> None:
    pause = _agreed(client, world, title)
    for path in (f"{API}/pauses/calendar.ics", f"{API}/pauses/{pause['id']}/calendar.ics"):
        raw = client.get(path, headers=world.auth("donor.viewer")).content
        events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
        assert len(events) == 1
        # A line break of any kind comes back as a newline; everything else as written.
        expected = title.replace("\r\n", "\n").replace("\r", "\n")
        assert str(events[0]["SUMMARY"]) == "Humanitarian pause: " + expected
        assert _lines(raw).count(b"BEGIN:VEVENT") == 1


def test_lines_end_in_crlf_and_fold_at_75_octets_between_characters(
        client: TestClient, world: World) -> None:
    long_title = HOSTILE_TITLES[-1] + " " + "ж" * 80
    _agreed(client, world, long_title)
    raw = client.get(f"{API}/pauses/calendar.ics", headers=world.auth("donor.viewer")).content
    lines = _lines(raw)
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # a fold never splits a character (strict decoding would fail)
    assert any(line.startswith(b" ") for line in lines)  # the long title was folded
    events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert str(events[0]["SUMMARY"]) == "Humanitarian pause: " + long_title

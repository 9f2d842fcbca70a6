"""CSV cells never run as spreadsheet formulas (OWASP CSV injection), whichever export writes
them: text whose first character, or first after whitespace, starts a formula gets a `'`."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from corridor.hxl import cell, write_csv
from corridor.planning.export import to_csv
from tests.unit.planning.helpers import instance

HOSTILE = [
    "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "\t", "\r",
    " =1+1", "  +cmd", "\n=cmd|' /C calc'!A0", "\r\n@SUM(A1)", " \t\r\n-2",
    "＝HYPERLINK(\"http://x\")", "＋1", "－1", "＠SUM(A1)", " ＝1", "\u3000=1",
    "-3.5",  # text, even if it looks like a number: only numeric fields pass as they are
]
HARMLESS = ["", "Kyiv", "a=b", "1-2", "shelling, 2 km north", " leading space", "\nnew line"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_would_start_a_formula_is_prefixed_with_a_quote(text: str) -> None:
    assert cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_written_as_it_is(text: str) -> None:
    assert cell(text) == text


@pytest.mark.parametrize("number", [-3.5, -47, 0, 12.25])
def test_numbers_from_numeric_fields_keep_their_sign(number: float) -> None:
    assert cell(number) == number
    rows = list(csv.reader(io.StringIO(write_csv([("Lon", "#geo+lon")], [[number]]))))
    assert rows[2] == [str(number)]


def test_none_is_an_empty_cell() -> None:
    assert cell(None) == ""


def test_the_plan_export_neutralises_names_of_vehicles_and_places() -> None:
    plan: dict[str, Any] = {"itineraries": [{"vehicle": " =bus", "type": "＝coach", "events": [
        {"event": "load", "place": "\n@depot", "min": 5, "people": {"wounded": 2}}]}]}
    rows = list(csv.reader(io.StringIO(to_csv(instance(), plan))))
    assert rows[2][:4] == ["' =bus", "'＝coach", "load", "'\n@depot"]
    assert rows[2][5] == "5"

"""An export read back as CSV: free text from members that would start a spreadsheet formula,
even behind whitespace or in full-width form, arrives with a leading `'`; numbers do not."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.factories import World
from tests.incidents_helpers import report
from tests.pauses_helpers import API

NARRATIVES = [" =1+1", "\n=cmd|' /C calc'!A0", "＝HYPERLINK(\"http://x\")", "\t@SUM(A1)"]


def test_incident_narratives_that_would_run_as_formulas_are_neutralised(
        client: TestClient, world: World) -> None:
    for narrative in NARRATIVES:
        report(client, world, narrative=narrative)
    r = client.get(f"{API}/incidents.csv", headers=world.auth("donor.viewer"))
    rows = list(csv.reader(io.StringIO(r.text)))
    column = rows[1].index("#description")
    lon = rows[1].index("#geo+lon")
    assert sorted(row[column] for row in rows[2:]) == sorted("'" + n for n in NARRATIVES)
    assert all(float(row[lon]) and not row[lon].startswith("'") for row in rows[2:])

"""What you see is what you sign: the sign page shows every field of the signed content (the same
content that is hashed), each with the value the pause holds, and the map of its area and
corridor. The test walks the content's schema, so a field added to it and not to the page fails."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

from sqlalchemy.orm import Session

from corridor.pauses.schemas import PauseContentIn
from tests.pauses_helpers import propose
from tests.web_helpers import logged_in

AREA = {"type": "Polygon", "coordinates": [[[37.50, 47.05], [37.62, 47.05], [37.62, 47.14],
                                            [37.50, 47.14], [37.50, 47.05]]]}
# A value of each field that can only come from this pause (the title is in the heading too).
SHOWN = {
    "title": "Synthetic Mariupol-style pause",
    "purposes": "Evacuation",
    "area": "1 polygon",
    "corridor": "Alpha → Bravo → Charlie",
    "window": "UTC",
    "required_signatories": "party-a, party-b",
    "destinations": "Charlie; Bravo",
    "aid_may_enter": "yes",
    "who_may_leave": "women, children and the elderly",
    "vehicle_marking": "blue flag with a white chevron",
    "conditions": "No armed escort within 5 km.",
}


def _rows(page: str) -> dict[str, str]:
    """Each `data-term` row's text, tags stripped."""
    rows = re.findall(r'<tr data-term="([a-z_]+)">(.*?)</tr>', page, re.S)
    return {name: " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
            for name, html in rows}


def test_the_sign_page_shows_every_signed_field_with_its_value_and_the_map(
        client: Any, db: Session, world: Any) -> None:
    pause = propose(client, world, title=SHOWN["title"], area=AREA, aid_may_enter=True,
                    destinations=["Charlie", "Bravo"], who_may_leave=SHOWN["who_may_leave"],
                    vehicle_marking=SHOWN["vehicle_marking"], conditions=SHOWN["conditions"])
    logged_in(client, db, world.people["party-a.negotiator"])
    db.rollback()
    r = client.get(f"/pauses/{pause['id']}/sign")
    assert r.status_code == 200, r.text[:300]
    rows = _rows(r.text)
    assert set(rows) == set(PauseContentIn.model_fields), (
        "fields signed but not shown, or shown but not signed: "
        f"{set(PauseContentIn.model_fields) ^ set(rows)}")
    assert set(SHOWN) == set(PauseContentIn.model_fields)
    for name, value in SHOWN.items():
        assert value in rows[name], (name, rows[name])
    # The map of what is agreed: the area and the corridor, from the same content.
    geojson = json.loads(unescape(re.search(
        r'<script type="application/json" id="pause-geojson">(.*?)</script>', r.text,
        re.S).group(1)))  # type: ignore[union-attr]
    kinds = {f["geometry"]["type"] for f in geojson["features"]}
    assert {"Polygon", "LineString"} <= kinds, kinds
    assert 'id="pause-map"' in r.text


def test_the_sign_page_reads_in_the_signers_language(
        client: Any, db: Session, world: Any) -> None:
    pause = propose(client, world, aid_may_enter=True)
    person = world.people["party-b.negotiator"]
    person.language = "uk"
    db.commit()
    logged_in(client, db, person)
    db.rollback()
    rows = _rows(client.get(f"/pauses/{pause['id']}/sign").text)
    assert "так" in rows["aid_may_enter"]
    assert "Хто може виїхати" in client.get(f"/pauses/{pause['id']}/sign").text

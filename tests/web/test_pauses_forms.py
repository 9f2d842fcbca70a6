"""Proposing and amending a pause through the forms: gazetteer waypoints, errors next to the
field with what was typed kept, nothing saved on error, and the map helpers' JSON."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.log.models import LogEntry, LogPending
from corridor.pauses.models import Pause
from tests.pauses_helpers import API, content, propose
from tests.web_helpers import logged_in


def _counts(db: Session) -> tuple[int, int]:
    pauses = int(db.scalar(select(func.count()).select_from(Pause)) or 0)
    log = int(db.scalar(select(func.count()).select_from(LogPending)) or 0) + int(
        db.scalar(select(func.count()).select_from(LogEntry)) or 0)
    db.rollback()  # on SQLite an open transaction would hold the write lock against the server
    return pauses, log


def _form(csrf: str, **changes: Any) -> dict[str, Any]:
    start = (clock.now() + timedelta(days=3)).astimezone(ZoneInfo("Europe/Kyiv"))
    data: dict[str, Any] = {
        "csrf_token": csrf, "title": "Synthetic pause from the form",
        "purposes": ["evacuation", "medical"],
        "start": start.strftime("%Y-%m-%dT%H:00"),
        "end": (start + timedelta(hours=10)).strftime("%Y-%m-%dT%H:00"),
        "zone": "Europe/Kyiv", "waypoints": "Zaporizhzhia\nVasylivka\nTokmak",
        "half_width_km": "2.5", "parties": ["party-a", "party-b"],
        "who_may_leave": "all civilians", "destinations": "Zaporizhzhia; Dnipro",
        "vehicle_marking": "white flags", "conditions": "No armed escort.", "action": "propose",
    }
    data.update(changes)
    return data


def test_the_convener_proposes_a_pause_through_gazetteer_waypoints(
        client: Any, db: Session, world: Any) -> None:
    csrf = logged_in(client, db, world.people["convener.negotiator"])
    before = _counts(db)
    form = client.get("/pauses/new")
    assert form.status_code == 200 and 'name="waypoints"' in form.text
    response = client.post("/pauses/new", data=_form(csrf), follow_redirects=False)
    assert response.status_code == 303, response.text
    pause_id = int(response.headers["location"].rsplit("/", 1)[1])
    after = _counts(db)
    assert after[0] == before[0] + 1 and after[1] > before[1]
    api = client.get(f"{API}/pauses/{pause_id}", headers=world.auth("convener.negotiator")).json()
    assert api["status"] == "proposed"
    c = api["content"]
    assert [w["name"] for w in c["corridor"]["waypoints"]] == ["Zaporizhzhia", "Vasylivka",
                                                                "Tokmak"]
    assert c["corridor"]["half_width_m"] == 2500 and c["purposes"] == ["evacuation", "medical"]
    assert c["destinations"] == ["Zaporizhzhia", "Dnipro"]
    assert "Zaporizhzhia → Vasylivka → Tokmak" in client.get(f"/pauses/{pause_id}").text


def test_a_bad_form_shows_errors_next_to_the_fields_keeps_the_input_and_saves_nothing(
        client: Any, db: Session, world: Any) -> None:
    csrf = logged_in(client, db, world.people["convener.negotiator"])
    before = _counts(db)
    unknown = client.post("/pauses/new", data=_form(csrf, waypoints="Zaporizhzhia\nMelitopl"))
    assert unknown.status_code == 422
    assert 'id="waypoints-error"' in unknown.text and "Melitopol" in unknown.text
    assert "Zaporizhzhia\nMelitopl</textarea>" in unknown.text
    data = _form(csrf)
    data["end"] = data["start"].replace("T", "T").rsplit("T", 1)[0] + "T00:00"
    backwards = client.post("/pauses/new", data=_form(csrf, end=data["end"],
                                                      start=data["start"]))
    assert backwards.status_code == 422 and 'id="end-error"' in backwards.text
    assert 'value="Synthetic pause from the form"' in backwards.text
    no_parties = client.post("/pauses/new", data=_form(csrf, parties=[]))
    assert no_parties.status_code == 422 and 'id="parties-error"' in no_parties.text
    assert _counts(db) == before


def test_errors_are_shown_in_the_persons_language(client: Any, db: Session, world: Any) -> None:
    person = world.people["convener.negotiator"]
    person.language = "uk"
    csrf = logged_in(client, db, person)
    page = client.post("/pauses/new", data=_form(csrf, waypoints="Zaporizhzhia\nMelitopl"))
    assert page.status_code == 422
    assert "Нічого не збережено" in page.text and "Melitopol" in page.text


def test_an_amendment_through_the_form_makes_a_new_version(
        client: Any, db: Session, world: Any) -> None:
    pause = propose(client, world)
    csrf = logged_in(client, db, world.people["convener.negotiator"])
    db.rollback()
    form = client.get(f"/pauses/{pause['id']}/amend")
    assert form.status_code == 200 and "Alpha @ 47.1, 37.55" in form.text
    start = pause["content"]["window"]["start"]
    data = _form(csrf, waypoints="Alpha @ 47.1, 37.55\nBravo @ 46.75, 36.8",
                 start=start[:16], end=pause["content"]["window"]["end"][:16], zone="UTC",
                 base_version="1")
    response = client.post(f"/pauses/{pause['id']}/amend", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get(f"/pauses/{pause['id']}/diff?from=1&to=2").text
    assert "Synthetic pause from the form" in page and "Alpha – Bravo" in page
    stale = client.post(f"/pauses/{pause['id']}/amend", data=data)
    assert stale.status_code == 409 and "current version is 2" in stale.text


def test_a_draft_is_proposed_with_its_button(client: Any, db: Session, world: Any) -> None:
    r = client.post(f"{API}/pauses", headers=world.auth("convener.negotiator"),
                    json={"content": content(), "propose": False})
    pause_id = r.json()["id"]
    csrf = logged_in(client, db, world.people["convener.negotiator"])
    db.rollback()
    assert "Propose to the group" in client.get(f"/pauses/{pause_id}").text
    done = client.post(f"/pauses/{pause_id}/propose", data={"csrf_token": csrf},
                       follow_redirects=False)
    assert done.status_code == 303
    assert 'class="badge proposed"' in client.get(f"/pauses/{pause_id}").text


def test_the_preview_returns_the_metric_buffer_and_unknown_names(
        client: Any, db: Session, world: Any) -> None:
    logged_in(client, db, world.people["convener.negotiator"])
    db.rollback()
    data = client.get("/pauses/preview.geojson",
                      params={"waypoints": "Zaporizhzhia\n47.44, 35.28\nNowhereville",
                              "half_width_km": "2"}).json()
    parts = [f["properties"]["part"] for f in data["features"]]
    assert parts == ["buffer", "route", "waypoint", "waypoint"]
    assert data["features"][0]["geometry"]["type"] == "Polygon"
    assert data["unknown"][0]["name"] == "Nowhereville"
    assert "Tokmak" in client.get("/pauses/places.json", params={"q": "Tokmak"}).json()

"""Notifying movements and sites through the forms: place names or coordinates, errors next to the
field with what was typed kept, and nothing saved (the log does not grow) on error."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.log.models import LogEntry, LogPending
from corridor.notifications.models import Movement, Site
from tests.notifications_helpers import agreed_pause
from tests.pauses_helpers import API
from tests.web_helpers import logged_in


def _counts(db: Session) -> tuple[int, int, int]:
    movements = int(db.scalar(select(func.count()).select_from(Movement)) or 0)
    sites = int(db.scalar(select(func.count()).select_from(Site)) or 0)
    log = int(db.scalar(select(func.count()).select_from(LogPending)) or 0) + int(
        db.scalar(select(func.count()).select_from(LogEntry)) or 0)
    db.rollback()  # on SQLite an open transaction would hold the write lock against the server
    return movements, sites, log


def _movement(csrf: str, **changes: Any) -> dict[str, Any]:
    departure = (clock.now() + timedelta(days=3)).astimezone(ZoneInfo("Europe/Kyiv"))
    data: dict[str, Any] = {
        "csrf_token": csrf, "route": "Zaporizhzhia\nVasylivka\nTokmak",
        "departure": departure.strftime("%Y-%m-%dT%H:00"),
        "arrival": (departure + timedelta(hours=9)).strftime("%Y-%m-%dT%H:00"),
        "zone": "Europe/Kyiv", "vehicles_count": "6", "vehicles_type": "trucks",
        "vehicles_marking": "WFP logo", "staff": "9", "passengers": "0",
        "cargo": "40 t of flour", "pause": "",
    }
    data.update(changes)
    return data


def test_a_movement_notified_by_place_names_keeps_the_names_and_the_zone(
        client: Any, db: Session, world: Any) -> None:
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    before = _counts(db)
    form = client.get("/movements/new")
    assert form.status_code == 200 and 'name="route"' in form.text and 'for="route"' in form.text
    data = _movement(csrf, emergency="on")
    r = client.post("/movements/new", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    movement_id = int(r.headers["location"].rsplit("/", 1)[1])
    after = _counts(db)
    assert after[0] == before[0] + 1 and after[2] > before[2]
    api = client.get(f"{API}/movements/{movement_id}", headers=world.auth("aid-one.operator"))
    body = api.json()
    assert [w["name"] for w in body["waypoints"]] == ["Zaporizhzhia", "Vasylivka", "Tokmak"]
    kyiv = ZoneInfo("Europe/Kyiv")
    from datetime import datetime

    departure = datetime.fromisoformat(body["departure"].replace("Z", "+00:00"))
    assert departure.astimezone(kyiv).strftime("%Y-%m-%dT%H:%M") == data["departure"]
    assert body["vehicles"] == {"count": 6, "type": "trucks", "marking": "WFP logo"}
    assert body["emergency"] is True and body["cargo"] == "40 t of flour"
    page = client.get(f"/movements/{movement_id}").text
    assert "Zaporizhzhia → Vasylivka → Tokmak" in page and "Emergency" in page


def test_a_movement_along_clicked_points_relies_on_the_chosen_pause(
        client: Any, db: Session, world: Any) -> None:
    pause = agreed_pause(client, world)
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    db.rollback()
    start = clock.now() + timedelta(hours=73)
    data = _movement(csrf, route="47.10, 37.55\nBravo @ 46.75, 36.80\n47.84, 35.18",
                     departure=start.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M"),
                     arrival=(start + timedelta(hours=10)).strftime("%Y-%m-%dT%H:%M"),
                     zone="UTC", pause=str(pause["id"]))
    assert f'<option value="{pause["id"]}"' in client.get("/movements/new").text
    r = client.post("/movements/new", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    assert 'data-code="covered"' in page and f"Pause {pause['id']}" in page


def test_departure_after_arrival_is_shown_at_the_arrival_and_nothing_is_saved(
        client: Any, db: Session, world: Any) -> None:
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    before = _counts(db)
    data = _movement(csrf)
    data["arrival"], data["departure"] = data["departure"], data["arrival"]
    r = client.post("/movements/new", data=data)
    assert r.status_code == 422
    assert 'id="arrival-error"' in r.text and "must come after the departure" in r.text
    assert 'value="trucks"' in r.text and "40 t of flour</textarea>" in r.text
    assert f'value="{data["departure"]}"' in r.text
    assert "Nothing was saved" in r.text
    assert _counts(db) == before


def test_an_unknown_place_is_shown_with_the_gazetteer_s_suggestions(
        client: Any, db: Session, world: Any) -> None:
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    before = _counts(db)
    r = client.post("/movements/new", data=_movement(csrf, route="Zaporizhzhia\nMelitopl"))
    assert r.status_code == 422 and 'id="route-error"' in r.text
    assert "Melitopl" in r.text and "did you mean" in r.text and "Melitopol" in r.text
    assert "Zaporizhzhia\nMelitopl</textarea>" in r.text
    assert _counts(db) == before


def test_a_self_intersecting_route_is_refused_next_to_the_route(
        client: Any, db: Session, world: Any) -> None:
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    before = _counts(db)
    crossing = "47.0, 35.0\n47.5, 35.5\n47.5, 35.0\n47.0, 35.5"
    r = client.post("/movements/new", data=_movement(csrf, route=crossing))
    assert r.status_code == 422 and 'id="route-error"' in r.text
    assert "The route crosses itself" in r.text and "crosses itself near" in r.text
    assert _counts(db) == before
    one_point = client.post("/movements/new", data=_movement(csrf, route="Zaporizhzhia"))
    assert one_point.status_code == 422 and "at least two points" in one_point.text
    no_vehicles = client.post("/movements/new", data=_movement(csrf, vehicles_count="0"))
    assert no_vehicles.status_code == 422 and 'id="vehicles_count-error"' in no_vehicles.text
    assert _counts(db) == before


def test_the_errors_are_in_the_reader_s_language(client: Any, db: Session, world: Any) -> None:
    person = world.people["aid-one.operator"]
    person.language = "uk"
    csrf = logged_in(client, db, person)
    r = client.post("/movements/new", data=_movement(csrf, departure="tomorrow"))
    assert r.status_code == 422 and 'id="departure-error"' in r.text
    assert "Вкажіть дату й час" in r.text and 'lang="uk"' in r.text


def test_a_party_may_not_open_the_movement_form(client: Any, db: Session, world: Any) -> None:
    logged_in(client, db, world.people["party-a.operator"])
    db.rollback()
    assert client.get("/movements/new").status_code == 403
    assert client.get("/sites/new").status_code == 403


def test_a_site_is_notified_by_place_name_or_by_coordinates(
        client: Any, db: Session, world: Any) -> None:
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    before = _counts(db)
    assert 'name="lat"' in client.get("/sites/new").text
    r = client.post("/sites/new", data={"csrf_token": csrf, "name": "Warehouse at Vasylivka",
                                        "type": "warehouse", "people_present": "5",
                                        "lat": "", "lon": "", "place": "Vasylivka"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    by_click = client.post("/sites/new", data={"csrf_token": csrf, "name": "Shelter",
                                               "type": "shelter", "lat": "47.5", "lon": "35.1"},
                           follow_redirects=False)
    assert by_click.status_code == 303, by_click.text
    assert _counts(db)[1] == before[1] + 2
    site_id = int(r.headers["location"].rsplit("/", 1)[1])
    body = client.get(f"{API}/sites/{site_id}", headers=world.auth("aid-one.operator")).json()
    assert body["type"] == "warehouse" and body["people_present"] == 5
    assert 47.3 < body["lat"] < 47.6 and 35.1 < body["lon"] < 35.4


def test_a_bad_site_form_keeps_the_input_and_saves_nothing(
        client: Any, db: Session, world: Any) -> None:
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    before = _counts(db)
    base = {"csrf_token": csrf, "name": "Clinic", "type": "hospital", "people_present": "12"}
    unknown = client.post("/sites/new", data={**base, "place": "Melitopl"})
    assert unknown.status_code == 422 and 'id="place-error"' in unknown.text
    assert "Melitopol" in unknown.text and 'value="Clinic"' in unknown.text
    out_of_range = client.post("/sites/new", data={**base, "lat": "95", "lon": "35"})
    assert out_of_range.status_code == 422 and 'id="lat-error"' in out_of_range.text
    assert 'value="95"' in out_of_range.text
    nameless = client.post("/sites/new", data={**base, "name": "  ", "lat": "47", "lon": "35"})
    assert nameless.status_code == 422 and 'id="name-error"' in nameless.text
    assert _counts(db) == before

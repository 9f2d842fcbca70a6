"""The pause pages: list with filters, a pause's page, the difference between versions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests.pauses_helpers import API, content, propose, register_key, signed
from tests.web_helpers import logged_in


def test_the_list_shows_each_pause_with_its_status_and_the_parties_consent(
        client: Any, db: Session, world: Any) -> None:
    first = propose(client, world, title="Northern evacuation window")
    propose(client, world, title="Southern aid delivery", hours_from_now=200)
    key = register_key(client, world, "party-a")
    r = client.post(f"{API}/pauses/{first['id']}/consents",
                    headers=world.auth("party-a.negotiator"), json=signed(key, first, "party-a"))
    assert r.status_code == 201, r.text
    logged_in(client, db, world.people["icrc.viewer"])
    db.rollback()
    page = client.get("/pauses")
    assert page.status_code == 200
    assert "Northern evacuation window" in page.text and "Southern aid delivery" in page.text
    assert 'class="badge proposed"' in page.text
    assert "party-a: <span class=\"ok\">✓ agreed" in page.text
    assert "party-b: <span class=\"muted\">awaiting" in page.text


def test_the_list_filters_by_text_status_and_time(client: Any, db: Session, world: Any) -> None:
    propose(client, world, title="Northern evacuation window")
    propose(client, world, title="Southern aid delivery", hours_from_now=200)
    logged_in(client, db, world.people["icrc.viewer"])
    db.rollback()
    by_text = client.get("/pauses", params={"q": "southern"}).text
    assert "Southern aid delivery" in by_text and "Northern evacuation" not in by_text
    assert "Northern" in client.get("/pauses", params={"status": "proposed"}).text
    assert "Northern" not in client.get("/pauses", params={"status": "agreed"}).text
    assert "Northern" in client.get("/pauses", params={"time": "upcoming"}).text
    none = client.get("/pauses", params={"time": "past"}).text
    assert "Northern" not in none and "No pause matches these filters." in none


def test_a_pause_page_shows_the_window_in_each_zone_the_map_data_and_the_consents(
        client: Any, db: Session, world: Any) -> None:
    pause = propose(client, world)
    key = register_key(client, world, "party-b")
    r = client.post(f"{API}/pauses/{pause['id']}/consents",
                    headers=world.auth("party-b.negotiator"), json=signed(key, pause, "party-b"))
    assert r.status_code == 201, r.text
    fingerprint = r.json()["consents"][0]["key_fingerprint"]
    log_index = r.json()["consents"][0]["log_index"]
    logged_in(client, db, world.people["convener.negotiator"])
    db.rollback()
    page = client.get(f"/pauses/{pause['id']}")
    assert page.status_code == 200
    text = page.text
    assert "Synthetic evacuation pause" in text and pause["version_hash"] in text
    for zone in {w["zone"] for w in pause["windows"]}:
        assert f">{zone}" in text
    assert '"part": "buffer"' in text and '"part": "route"' in text
    assert fingerprint in text and f"#{log_index}" in text
    assert "Alpha → Bravo → Charlie" in text
    assert f"/api/v1/groups/test-group/pauses/{pause['id']}/agreement" in text


def test_another_organisations_draft_is_not_found(client: Any, db: Session, world: Any) -> None:
    r = client.post(f"{API}/pauses", headers=world.auth("convener.negotiator"),
                    json={"content": content(), "propose": False})
    assert r.status_code == 201, r.text
    logged_in(client, db, world.people["party-a.negotiator"])
    db.rollback()
    assert client.get(f"/pauses/{r.json()['id']}").status_code == 404
    assert "Synthetic evacuation pause" not in client.get("/pauses").text


def test_the_diff_page_shows_what_changed_between_two_versions(
        client: Any, db: Session, world: Any) -> None:
    pause = propose(client, world)
    changed = content(start=None, title="Synthetic evacuation pause, longer",
                      conditions="Buses only.")
    changed["window"] = pause["content"]["window"]
    r = client.post(f"{API}/pauses/{pause['id']}/versions",
                    headers=world.auth("convener.negotiator"),
                    json={"content": changed, "base_version": 1})
    assert r.status_code == 201, r.text
    logged_in(client, db, world.people["party-a.viewer"])
    db.rollback()
    page = client.get(f"/pauses/{pause['id']}/diff", params={"from": 1, "to": 2})
    assert page.status_code == 200
    assert "Synthetic evacuation pause, longer" in page.text and "Buses only." in page.text
    assert "Synthetic test conditions." in page.text
    assert client.get(f"/pauses/{pause['id']}/diff", params={"from": 1, "to": 9}).status_code == 404

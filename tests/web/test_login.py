"""Logging in and out of the web pages: cookies, CSRF, lockout, language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.groups.models import WebSession
from corridor.log.models import LogEntry, LogPending
from tests.web_helpers import PASSWORD, csrf_of, give_password, log_in, logged_in


def _log_size(db: Session) -> int:
    size = int(db.scalar(select(func.count()).select_from(LogPending)) or 0) + int(
        db.scalar(select(func.count()).select_from(LogEntry)) or 0)
    db.rollback()  # on SQLite an open transaction would hold the write lock against the server
    return size


def test_a_page_without_a_session_redirects_to_the_login_page(client: Any) -> None:
    response = client.get("/settings?saved=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/settings?saved")


def test_logging_in_sets_a_session_cookie_that_scripts_cannot_read(
        client: Any, db: Session, world: Any) -> None:
    give_password(db, world.people["convener.negotiator"])
    response = log_in(client, "convener.negotiator", next_url="/settings")
    assert response.status_code == 303 and response.headers["location"] == "/settings"
    cookie = response.headers["set-cookie"]
    assert "corridor_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/settings")
    assert page.status_code == 200 and "convener.negotiator" in page.text


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(
        client: Any, db: Session, world: Any) -> None:
    give_password(db, world.people["party-a.negotiator"])
    wrong = log_in(client, "party-a.negotiator", "not it")
    unknown = log_in(client, "nobody.at.all", "not it")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong username or password." in wrong.text and "Wrong username" in unknown.text
    assert "corridor_session" not in wrong.headers.get("set-cookie", "")


def test_repeated_failures_lock_the_account_for_a_while(
        client: Any, db: Session, world: Any) -> None:
    clock.set_clock(clock.FixedClock(clock.now()))
    give_password(db, world.people["party-b.negotiator"])
    for _ in range(5):
        assert log_in(client, "party-b.negotiator", "guess").status_code == 401
    locked = log_in(client, "party-b.negotiator", PASSWORD)
    assert locked.status_code == 401 and "Wrong username or password." in locked.text
    assert "After five failed attempts in a row" in locked.text
    clock.set_clock(clock.FixedClock(clock.now() + timedelta(minutes=2)))
    assert log_in(client, "party-b.negotiator", PASSWORD).status_code == 303


def test_the_login_form_is_refused_without_its_csrf_token(
        client: Any, db: Session, world: Any) -> None:
    give_password(db, world.people["icrc.viewer"])
    client.get("/login")
    response = client.post("/login", data={"username": "icrc.viewer", "password": PASSWORD,
                                           "csrf_token": "forged"}, follow_redirects=False)
    assert response.status_code == 403
    assert db.scalar(select(func.count()).select_from(WebSession)) == 0


def test_a_form_without_the_sessions_csrf_token_changes_nothing(
        client: Any, db: Session, world: Any) -> None:
    logged_in(client, db, world.people["aid-one.operator"])
    response = client.post("/settings", data={"language": "uk", "csrf_token": "forged"})
    assert response.status_code == 403
    db.expire_all()
    assert world.people["aid-one.operator"].language == "en"


def test_logging_out_ends_the_session_on_the_server(client: Any, db: Session, world: Any) -> None:
    token = logged_in(client, db, world.people["donor.viewer"])
    cookie = client.cookies.get("corridor_session")
    assert client.post("/logout", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    client.cookies.set("corridor_session", cookie)  # a copied cookie is worthless now
    assert client.get("/settings", follow_redirects=False).status_code == 303


def test_the_chosen_language_and_zone_are_kept_and_used(
        client: Any, db: Session, world: Any) -> None:
    token = logged_in(client, db, world.people["party-a.viewer"])
    bad = client.post("/settings", data={"language": "uk", "timezone": "Mars/Olympus",
                                         "csrf_token": token})
    assert bad.status_code == 422 and "Mars/Olympus" in bad.text  # what was typed is kept
    ok = client.post("/settings", data={"language": "uk", "timezone": "Europe/Kyiv",
                                        "csrf_token": token})
    assert ok.status_code == 200 and ok.headers["content-language"] == "uk"


def test_the_api_accepts_the_session_cookie_but_writes_need_the_csrf_header(
        client: Any, db: Session, world: Any) -> None:
    token = logged_in(client, db, world.people["convener.admin"])
    pauses = f"/api/v1/groups/{world.group.slug}/pauses"
    assert client.get("/api/v1/me").status_code == 200
    before = _log_size(db)
    body = {"title": "x"}
    refused = client.post(pauses, json=body)
    assert refused.status_code == 403
    assert _log_size(db) == before
    with_header = client.post(pauses, json=body,
                              headers={"X-CSRF-Token": token})
    assert with_header.status_code == 422  # past the CSRF check, on to validation


def test_the_login_page_speaks_the_language_asked_for(client: Any) -> None:
    page = client.get("/login?lang=uk")
    assert page.headers["content-language"] == "uk"
    assert csrf_of(page.text)

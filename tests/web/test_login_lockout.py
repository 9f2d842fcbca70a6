"""The login lockout holds under parallel guesses: each attempt is counted in the database before
its password is checked, so of 30 wrong passwords sent at once at most 5 are checked. And a
refusal tells nothing: unknown, inactive and waiting names cost the same work as a wrong
password."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.app import create_app
from corridor.config import Settings
from corridor.groups import logins as sessions
from corridor.groups import security
from corridor.groups.models import Person
from corridor.web.auth import NONCE_COOKIE
from tests.served import served
from tests.web_helpers import PASSWORD, csrf_of, give_password

PARALLEL = 30
_REAL_VERIFY = security.verify_password
_ERROR = re.compile(r'<p class="error" role="alert" id="login-error">([^<]*)</p>')


def _attempt(http: httpx.Client, username: str, password: str) -> httpx.Response:
    form = http.get("/login")
    return http.post("/login", data={"username": username, "password": password,
                                     "csrf_token": csrf_of(form.text)}, follow_redirects=False)


def _answer(response: httpx.Response) -> tuple[int, list[str]]:
    return response.status_code, _ERROR.findall(response.text)


def test_thirty_parallel_wrong_passwords_check_at_most_five_and_lock_the_account(
        settings: Settings, engine: Any, db: Session, world: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    person = world.people["party-a.negotiator"]
    give_password(db, person)
    checked: list[str] = []
    real_verify = security.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        if password_hash == person.password_hash:
            checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(security, "verify_password", counting_verify)
    # Room for all thirty at once: the lock, not the in-flight limit, must stop them.
    app = create_app(settings.model_copy(update={"concurrency": PARALLEL + 2}), engine)
    ready = threading.Barrier(PARALLEL)

    def guess(n: int, nonce: str, token: str) -> httpx.Response:
        # Each guess its own connection and database session, all with one form's nonce.
        with httpx.Client(base_url=url, timeout=60, cookies={NONCE_COOKIE: nonce}) as http:
            ready.wait(timeout=60)
            return http.post("/login", data={"username": person.username,
                                             "password": f"guess {n}", "csrf_token": token},
                             follow_redirects=False)

    with served(app) as url, ThreadPoolExecutor(PARALLEL) as pool:
        with httpx.Client(base_url=url, timeout=60) as http:
            form = http.get("/login")
            nonce, token = form.cookies[NONCE_COOKIE], csrf_of(form.text)
        answers = list(pool.map(lambda n: guess(n, nonce, token), range(PARALLEL)))
        with httpx.Client(base_url=url, timeout=60) as http:
            right_but_locked = _attempt(http, person.username, PASSWORD)
            unknown = _attempt(http, "nobody.at.all", "guess")

    assert len(checked) <= sessions.FREE_ATTEMPTS
    wrong = _answer(answers[0])
    assert wrong == (401, ["Wrong username or password."])
    assert all(_answer(a) == wrong for a in answers)
    # A locked account answers as an unknown name does: the answer tells nothing.
    assert _answer(right_but_locked) == _answer(unknown) == wrong
    db.expire_all()
    stored = db.scalars(select(Person).where(Person.id == person.id)).one()
    assert stored.failed_logins == len(checked) == sessions.FREE_ATTEMPTS
    assert stored.locked_until is not None and stored.locked_until > clock.now()


def _work_of_one_refusal(engine: Any, db: Session, monkeypatch: pytest.MonkeyPatch,
                         username: str, password: str) -> tuple[list[str], list[str]]:
    """The SQL statements and the Argon2 parameters of the hashes checked for one attempt."""
    statements: list[str] = []
    hashes: list[str] = []

    def spying_verify(password_hash: str, given: str) -> bool:
        hashes.append(password_hash.rsplit("$", 2)[0])  # algorithm, version, cost; no salt
        return _REAL_VERIFY(password_hash, given)

    def on_execute(*args: Any) -> None:
        statements.append(args[2])

    monkeypatch.setattr(security, "verify_password", spying_verify)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        with pytest.raises(sessions.LoginRefused):
            sessions.log_in(db, username=username, password=password)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return statements, hashes


def test_unknown_inactive_and_waiting_names_cost_the_same_work_as_a_wrong_password(
        engine: Any, db: Session, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real, inactive, waiting = (world.people[name] for name in (
        "party-a.negotiator", "party-b.negotiator", "convener.admin"))
    for person in (real, inactive, waiting):
        give_password(db, person)
    inactive.active = False
    waiting.failed_logins = sessions.FREE_ATTEMPTS
    waiting.locked_until = clock.now() + sessions.MAX_WAIT
    db.commit()

    wrong = _work_of_one_refusal(engine, db, monkeypatch, real.username, "a guess")
    statements, hashes = wrong
    assert any(s.lstrip().upper().startswith("UPDATE") for s in statements)
    assert len(hashes) == 1
    # The same statements (the counting UPDATE included) and one hash of the same cost.
    for name, password in ((inactive.username, PASSWORD), (waiting.username, PASSWORD),
                           ("nobody.at.all", "a guess")):
        assert _work_of_one_refusal(engine, db, monkeypatch, name, password) == wrong, name
    db.expire_all()
    stored = db.get(Person, waiting.id)
    assert stored is not None and stored.failed_logins == sessions.FREE_ATTEMPTS

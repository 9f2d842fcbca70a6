"""The login lockout holds under parallel guesses: each attempt is counted in the database before
its password is checked, so of 30 wrong passwords sent at once at most 5 are checked."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.app import create_app
from corridor.config import Settings
from corridor.groups import security
from corridor.groups.models import Person
from corridor.web import sessions
from tests.served import served
from tests.web_helpers import PASSWORD, csrf_of, give_password

PARALLEL = 30
_ERROR = re.compile(r'<p class="error" role="alert" id="login-error">([^<]*)</p>')


def _attempt(http: httpx.Client, username: str, password: str,
             ready: threading.Barrier | None = None) -> httpx.Response:
    form = http.get("/login")
    if ready is not None:
        ready.wait(timeout=60)
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

    def guess(n: int) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=60) as http:
            return _attempt(http, person.username, f"guess {n}", ready)

    with served(app) as url, ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(guess, range(PARALLEL)))
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

"""Logging a test client in through the real login form (CSRF nonce and all)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from corridor.groups import security
from corridor.groups.models import Person

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def give_password(db: Session, person: Person, password: str = PASSWORD) -> None:
    person.password_hash = security.hash_password(password)
    db.commit()


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def log_in(client: Any, username: str, password: str = PASSWORD, next_url: str = "/") -> Any:
    """Post the login form as a browser would; returns the response (a 303 on success)."""
    form = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_of(form.text), "next": next_url},
                       follow_redirects=False)


def logged_in(client: Any, db: Session, person: Person) -> str:
    """Log a person in and return the CSRF token their pages carry."""
    give_password(db, person)
    assert log_in(client, person.username).status_code == 303
    return csrf_of(client.get("/settings").text)

"""Typed FastAPI dependencies: the database session and the settings (the calling member is
`corridor.groups.auth`'s)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from corridor.config import Settings


def get_db(request: Request) -> Iterator[Session]:
    """One session per route call; services commit, anything left uncommitted is rolled back.

    Closed when the route function returns (scope="function"), not after the response has been
    sent: a slow reader on a poor connection must not hold one of the pool's few connections (and
    on SQLite a read transaction) while its bytes trickle out. Routes therefore return plain data
    or models loaded in full, never something that loads lazily while being serialised."""
    db: Session = request.app.state.sessionmaker()
    try:
        yield db
    finally:
        db.rollback()
        db.close()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]

"""Options and openers shared by the CLI's sub-apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from corridor.config import Settings, get_settings, sqlite_url
from corridor.db import make_engine, make_sessionmaker
from corridor.errors import SchemaOutOfDate

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="SQLite file to use (default: CORRIDOR_DATABASE_URL or the data dir)"
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document for scripts")]
ServerOption = Annotated[
    str, typer.Option("--server", envvar="CORRIDOR_SERVER", help="Base URL of a Corridor server")
]
TokenOption = Annotated[
    str, typer.Option("--token", envvar="CORRIDOR_TOKEN", help="Bearer token of a member")
]


def settings_for(db: Path | None) -> Settings:
    """Settings, with --db taking precedence over CORRIDOR_DATABASE_URL."""
    settings = get_settings()
    if db is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return settings
    db = db.expanduser().resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    return settings.model_copy(update={"database_url": sqlite_url(db), "data_dir": db.parent})


@contextmanager
def open_session(settings: Settings, *, check_schema: bool = True) -> Iterator[Session]:
    """A session on the configured database, refusing an out-of-date schema."""
    from corridor.migrate import is_up_to_date

    engine = make_engine(settings.resolved_database_url)
    try:
        if check_schema and not is_up_to_date(engine):
            raise SchemaOutOfDate(
                "the database schema is not up to date; run `corridor db upgrade` "
                "(with the same --db or CORRIDOR_DATABASE_URL) first"
            )
        db = make_sessionmaker(
            engine,
            log_key_dir=settings.log_key_dir,
            checkpoint_interval=settings.checkpoint_interval_seconds,
        )()
        try:
            yield db
        finally:
            db.close()
    finally:
        engine.dispose()


# Topics add their exports (GeoJSON, HXL CSV, iCalendar, tiles) to this one sub-app.
export_app = typer.Typer(help="Export data in the field's standard formats.", no_args_is_help=True)

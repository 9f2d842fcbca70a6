"""`corridor serve` and `corridor db upgrade`.

Several workers (`--workers N`) each build the application from the environment (uvicorn needs
an import string to start them); nothing is shared between them but the database."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from corridor.cli_common import DbOption, JsonOption, settings_for
from corridor.config import Settings
from corridor.errors import SchemaOutOfDate
from corridor.output import console, emit_json

db_app = typer.Typer(help="Database schema management.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, json: JsonOption = False) -> None:
    """Create or upgrade the database schema to the newest version."""
    from corridor.migrate import upgrade

    settings = settings_for(db)
    upgrade(settings.resolved_database_url)
    if json:
        emit_json({"upgraded": True, "database": _safe_url(settings.resolved_database_url)})
    else:
        console.print(f"schema up to date: {_safe_url(settings.resolved_database_url)}")


def _safe_url(url: str) -> str:
    """The URL without a password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(
        help="Worker processes; each takes CORRIDOR_CONCURRENCY requests at once and has its "
             "own database pool (PostgreSQL; SQLite allows one writer whatever the number)",
        min=1, max=64)] = 1,
) -> None:
    """Serve the web pages and the API (the schema must be up to date)."""
    settings = settings_for(db)
    run_server(settings, host=host, port=port, workers=workers)


def run_server(settings: object, *, host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    from corridor.app import create_app
    from corridor.db import make_engine
    from corridor.log.service import sequence_all
    from corridor.migrate import is_up_to_date

    assert isinstance(settings, Settings)
    engine = make_engine(settings.resolved_database_url, pool_size=settings.pool_size)
    if not is_up_to_date(engine):
        raise SchemaOutOfDate(
            "the database schema is out of date or missing; run `corridor db upgrade` "
            "with the same --db or CORRIDOR_DATABASE_URL, then start the server again"
        )
    # Entries committed before a crash but not yet numbered get their numbers now.
    sequence_all(engine)
    console.print(f"Corridor serving on http://{host}:{port}  (API: /api/v1)")
    # Open live-update streams never end by themselves: give them 3 s at shutdown.
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning",
                               "timeout_graceful_shutdown": 3, **proxy_options(settings)}
    if workers == 1:
        uvicorn.run(create_app(settings, engine), **options)
        return
    # Each worker process builds its own application (and engine) from the environment.
    engine.dispose()
    os.environ["CORRIDOR_DATABASE_URL"] = settings.resolved_database_url
    os.environ["CORRIDOR_DATA_DIR"] = str(settings.data_dir)
    uvicorn.run("corridor.app:create_app_from_env", factory=True, workers=workers, **options)


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's handling of X-Forwarded-For and X-Forwarded-Proto: believed only from the
    trusted proxies (CORRIDOR_TRUSTED_PROXIES), and from nobody when there are none; uvicorn
    alone would believe 127.0.0.1, so any local process could claim HTTPS or another address."""
    proxies = settings.trusted_proxy_list
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or None}


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.command("serve")(serve)

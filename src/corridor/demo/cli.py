"""`corridor demo`: build the seed scenario in a fresh database and serve it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

import typer

from corridor.cli_common import JsonOption
from corridor.output import console, emit_json


def demo(
    db: Annotated[
        Path | None, typer.Option("--db", help="SQLite file for the demo (replaced if it exists)")
    ] = None,
    port: Annotated[int, typer.Option(help="Port to serve on", min=1, max=65535)] = 8000,
    host: Annotated[str, typer.Option(help="Address to serve on")] = "127.0.0.1",
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build, print, and exit")] = False,
    json: JsonOption = False,
) -> None:
    """Build the Humanitarian Contact Group of April–May 2022 in a fresh database and serve it."""
    from corridor.config import get_settings, sqlite_url
    from corridor.db import make_engine, make_sessionmaker
    from corridor.demo.seed import build
    from corridor.migrate import upgrade

    base = get_settings()
    path = (db or base.data_dir / "demo" / "corridor-demo.sqlite3").expanduser().resolve()
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    # Same layout as `corridor serve --db PATH`: the log keys beside the database.
    settings = base.model_copy(update={"database_url": sqlite_url(path), "data_dir": folder})
    key_dir = folder / "party-keys"
    for old in (key_dir, settings.log_key_dir):
        shutil.rmtree(old, ignore_errors=True)
    key_dir.mkdir(mode=0o700)
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine, log_key_dir=settings.log_key_dir)() as session:
        scenario = build(session, settings, key_dir)
        server = None if no_serve else f"http://{host}:{port}"
        summary = scenario.as_json(server)
    summary["database"] = str(path)
    engine.dispose()
    if json:
        emit_json(summary)
    else:
        _print_logins(summary)
    if not no_serve:
        from corridor.server_cli import run_server

        run_server(settings, host=host, port=port)


def _print_logins(summary: dict[str, Any]) -> None:
    """Plain aligned lines: a table would truncate passwords on a narrow or piped terminal."""
    console.print(f"[bold]{summary['group']['name']}[/] — demo logins (web passwords; "
                  "API tokens with --json)")
    for m in summary["members"]:
        for p in m["people"]:
            print(f"  {m['slug']:<9} {m['kind']:<13} {p['username']:<22} {p['role']:<11} "
                  f"{p['password']}")
    keys = [f"{m['slug']}: {', '.join(m['key_files'].values())}" for m in summary["members"]
            if m["key_files"]]
    print("Party and ICRC key files (for `corridor pauses sign --key …`):")
    for line in keys:
        print(f"  {line}")
    print(f"Database: {summary['database']}")
    if summary.get("server"):
        print(f"Serving on {summary['server']} (API: {summary['server']}/api/v1); Ctrl-C stops.")
        _print_start(summary)


START_AS = "un-ocha.coordinator"


def _print_start(summary: dict[str, Any]) -> None:
    """Where to click first: the overview, and the convener's login that shows all of it."""
    password = next((p["password"] for m in summary["members"] for p in m["people"]
                     if p["username"] == START_AS), None)
    if password is None:
        return
    # Plain print: Rich would wrap the password onto a line of its own on a narrow terminal.
    print(f"\nOpen {summary['server']}/ in a browser: the overview of the group.")
    print(f"  Log in as {START_AS}   password {password}")
    print("  (the convener sees the whole group; log in as a party or WFP above to see theirs)")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)

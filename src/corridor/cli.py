"""The `corridor` command: the root Typer app; each topic adds its own sub-app."""

from __future__ import annotations

import typer

from corridor.demo.cli import register as register_demo
from corridor.errors import CorridorError
from corridor.groups.cli import register as register_groups
from corridor.incidents.cli import register as register_incidents
from corridor.notifications.cli import register as register_notifications
from corridor.operations.cli import register as register_operations
from corridor.output import fail
from corridor.pauses.cli import register as register_pauses
from corridor.places.cli import register as register_places
from corridor.planning.cli import register as register_planning
from corridor.server_cli import register as register_server
from corridor.transparency.cli import register as register_log
from corridor.wiring import register as register_wiring

app = typer.Typer(
    name="corridor",
    help="Corridor: humanitarian pauses, notifications, counts and a verifiable log.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


# Each topic adds its commands.
register_server(app)
register_groups(app)
register_log(app)
register_pauses(app)
register_notifications(app)
register_places(app)
register_incidents(app)
register_operations(app)
register_demo(app)
register_planning(app)


@app.callback()
def _start() -> None:
    # Before any command, however it is invoked (`corridor`, `python -m corridor`, a test's
    # runner): listeners, replayers and alert sources (see corridor.wiring).
    register_wiring()


def main() -> None:
    """Entry point: domain errors become one line on stderr and exit code 2, never a traceback.

    Usage errors are Typer's own (short message, exit 2); it exits by itself on those.
    """
    try:
        app()
    except CorridorError as exc:
        fail(exc.detail, field=exc.field)

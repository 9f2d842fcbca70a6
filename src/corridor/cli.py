"""The `corridor` command: the root Typer app; each topic adds its own sub-app."""

from __future__ import annotations

import sys

import typer

from corridor.errors import CorridorError
from corridor.output import fail

app = typer.Typer(
    name="corridor",
    help="Corridor: humanitarian pauses, notifications, counts and a verifiable log.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register() -> None:
    from corridor.demo.cli import register as register_demo
    from corridor.groups.cli import register as register_groups
    from corridor.log.cli import register as register_log
    from corridor.pauses.cli import register as register_pauses
    from corridor.server_cli import register as register_server

    register_server(app)
    register_groups(app)
    register_log(app)
    register_pauses(app)
    register_demo(app)


_register()


def main() -> None:
    """Entry point: domain errors become one line on stderr and exit code 2, never a traceback."""
    try:
        code = app(standalone_mode=False)
        # Without standalone mode, click returns a typer.Exit's code instead of exiting.
        if isinstance(code, int) and code:
            sys.exit(code)
    except CorridorError as exc:
        fail(exc.detail, field=exc.field)
    except (typer.Exit, SystemExit) as exc:
        code = exc.exit_code if isinstance(exc, typer.Exit) else exc.code
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Abort:
        fail("aborted")
    except Exception as exc:  # click usage errors and the like
        from click import ClickException

        if isinstance(exc, ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise

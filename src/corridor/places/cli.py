"""`corridor places …`: add a place the registry lacks to your group's gazetteer, and look
names up in both (client commands against a server)."""

from __future__ import annotations

from typing import Annotated

import typer

from corridor.cli_common import JsonOption, ServerOption, TokenOption
from corridor.client import Client
from corridor.output import console, emit_json, table

places_app = typer.Typer(help="Places your group adds to the gazetteer (villages, checkpoints).",
                         no_args_is_help=True)
GroupOption = Annotated[str, typer.Option(envvar="CORRIDOR_GROUP", help="Group slug")]


def _path(group: str) -> str:
    return f"/api/v1/groups/{group}/places"


@places_app.command("add")
def add_place(
    server: ServerOption, token: TokenOption, group: GroupOption,
    name: Annotated[str, typer.Option(help="The name routes and sites will use")],
    lon: Annotated[float, typer.Option(help="Longitude (WGS84)")],
    lat: Annotated[float, typer.Option(help="Latitude (WGS84)")],
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 code, e.g. UA")] = None,
    kind: Annotated[str | None, typer.Option(help="e.g. village, checkpoint, plant")] = None,
    note: Annotated[str, typer.Option(help="What the place is, for the other members")] = "",
    json: JsonOption = False,
) -> None:
    """Add a place to your group's gazetteer."""
    place = Client(server, token).post(_path(group), {
        "name": name, "lon": lon, "lat": lat, "country": country, "kind": kind, "note": note})
    emit_json(place) if json else console.print(
        f"place {place['id']} added: {place['name']} ({place['lon']}, {place['lat']})")


@places_app.command("list")
def list_places(
    server: ServerOption, token: TokenOption, group: GroupOption,
    search: Annotated[str | None, typer.Option(
        "--search", "-q", help="Names starting like this, the group's and the registry's")] = None,
    json: JsonOption = False,
) -> None:
    """List your group's places, or search them and the registry by name."""
    params = {"q": search} if search else None
    result = Client(server, token).get(_path(group), params=params)
    if json:
        emit_json(result)
        return
    table("Places", ["name", "lon", "lat", "country", "source", "kind", "note"],
          [[p["name"], p["lon"], p["lat"], p["country"] or "", p["source"], p["kind"] or "",
            p["note"]] for p in result])


def register(root: typer.Typer) -> None:
    root.add_typer(places_app, name="places")

"""`corridor sites …` and `corridor movements …`: client commands against a server."""

from __future__ import annotations

import json as jsonlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from corridor.cli_common import JsonOption, ServerOption, TokenOption
from corridor.client import Client
from corridor.errors import InvalidInput
from corridor.output import console, emit_json, table

sites_app = typer.Typer(help="Notify sites (hospitals, shelters...) and acknowledge them.",
                        no_args_is_help=True)
movements_app = typer.Typer(help="Notify convoys and missions, acknowledge, and check them.",
                            no_args_is_help=True)
GroupOption = Annotated[str, typer.Option(envvar="CORRIDOR_GROUP", help="Group slug")]
GeoJsonOption = Annotated[bool, typer.Option("--geojson", help="Print an RFC 7946 GeoJSON list")]
HxlOption = Annotated[bool, typer.Option("--hxl", help="Print CSV with HXL hashtags")]
PartyOption = Annotated[str | None, typer.Option(help="Your own party (the default)")]


def _base(group: str, what: str) -> str:
    return f"/api/v1/groups/{group}/{what}"


def _receipts(subject: dict[str, Any]) -> str:
    return ", ".join(f"{a['party']} {a['status']}" for a in subject["acknowledgements"])


def _export(client: Client, path: str, geojson: bool, hxl: bool) -> bool:
    """Print the server's GeoJSON or HXL export as it is; False when neither was asked for."""
    if not (geojson or hxl):
        return False
    sys.stdout.write(client.export_all(path + (".geojson" if geojson else ".csv")))
    return True


@sites_app.command("notify")
def notify_site(
    server: ServerOption, token: TokenOption, group: GroupOption,
    name: Annotated[str, typer.Option(help="Name of the site")],
    type: Annotated[str, typer.Option(
        help="hospital, shelter, warehouse, office, distribution_point or other")],
    lon: Annotated[float, typer.Option(help="Longitude (WGS84)")],
    lat: Annotated[float, typer.Option(help="Latitude (WGS84)")],
    people: Annotated[int | None, typer.Option(help="People usually present (a count)")] = None,
    json: JsonOption = False,
) -> None:
    """Notify the parties of a site of your organisation."""
    body = {"name": name, "type": type, "lon": lon, "lat": lat, "people_present": people}
    site = Client(server, token).post(_base(group, "sites"), body)
    if json:
        emit_json(site)
    else:
        console.print(f"site {site['id']} notified: {site['name']} ({site['type']}); "
                      f"awaiting {_receipts(site)}")


@sites_app.command("list")
def list_sites(server: ServerOption, token: TokenOption, group: GroupOption,
               json: JsonOption = False, geojson: GeoJsonOption = False,
               hxl: HxlOption = False) -> None:
    """List the sites you may see."""
    client = Client(server, token)
    if _export(client, _base(group, "sites"), geojson, hxl):
        return
    result = client.get_all(_base(group, "sites"))
    if json:
        emit_json(result)
        return
    table("Sites", ["id", "organisation", "name", "type", "lon", "lat", "stale", "receipts"],
          [[s["id"], s["organisation"], s["name"], s["type"], s["lon"], s["lat"],
            "stale" if s["stale"] else "", _receipts(s)] for s in result])


@sites_app.command("ack")
def ack_site(site_id: int, server: ServerOption, token: TokenOption, group: GroupOption,
             party: PartyOption = None, json: JsonOption = False) -> None:
    """Acknowledge receipt of a site for your party (receipt, not a guarantee)."""
    site = Client(server, token).post(f"{_base(group, 'sites')}/{site_id}/acknowledgements",
                                      {"party": party})
    emit_json(site) if json else console.print(f"site {site_id}: {_receipts(site)}")


@sites_app.command("confirm")
def confirm_site(site_id: int, server: ServerOption, token: TokenOption, group: GroupOption,
                 json: JsonOption = False) -> None:
    """Re-confirm that your organisation's site is still there, so it is not shown stale."""
    site = Client(server, token).post(f"{_base(group, 'sites')}/{site_id}/confirmations")
    emit_json(site) if json else console.print(f"site {site_id} confirmed "
                                               f"{site['confirmed_at']}")


VersionOption = Annotated[int, typer.Option(
    "--version", help="The version you read (see `list --json`); a stale one is refused")]
ReasonOption = Annotated[str, typer.Option(help="Why, for the parties")]


@sites_app.command("amend")
def amend_site(
    site_id: int, version: VersionOption, server: ServerOption, token: TokenOption,
    group: GroupOption,
    name: Annotated[str | None, typer.Option(help="New name")] = None,
    type: Annotated[str | None, typer.Option(help="New type")] = None,
    lon: Annotated[float | None, typer.Option(help="New longitude")] = None,
    lat: Annotated[float | None, typer.Option(help="New latitude")] = None,
    place: Annotated[str | None, typer.Option(help="New point, by place name")] = None,
    people: Annotated[int | None, typer.Option(help="People usually present")] = None,
    json: JsonOption = False,
) -> None:
    """Amend your organisation's site: what you leave out stays as it is."""
    client = Client(server, token)
    path = f"{_base(group, 'sites')}/{site_id}"
    site = client.get(path)
    body: dict[str, Any] = {"version": version, "name": name or site["name"],
                            "type": type or site["type"],
                            "people_present": site["people_present"] if people is None
                            else people}
    if place is not None:
        body["place"] = place
    else:
        body.update(lon=site["lon"] if lon is None else lon, lat=site["lat"] if lat is None
                    else lat)
    site = client.post(f"{path}/amend", body)
    emit_json(site) if json else console.print(
        f"site {site_id} amended, now version {site['version']}; awaiting {_receipts(site)}")


@sites_app.command("withdraw")
def withdraw_site(site_id: int, version: VersionOption, server: ServerOption,
                  token: TokenOption, group: GroupOption, reason: ReasonOption = "",
                  json: JsonOption = False) -> None:
    """Withdraw your organisation's site (no longer active; its record stays)."""
    site = Client(server, token).post(f"{_base(group, 'sites')}/{site_id}/withdraw",
                                      {"version": version, "reason": reason})
    emit_json(site) if json else console.print(
        f"site {site_id} withdrawn {site['withdrawn_at']}")


def _read_json(path: Path) -> Any:
    try:
        return jsonlib.loads(path.read_text())
    except FileNotFoundError as exc:
        raise InvalidInput(f"no such file: {path}", field="file") from exc
    except ValueError as exc:
        raise InvalidInput(f"{path} is not valid JSON: {exc}", field="file") from exc


def _movement_line(m: dict[str, Any]) -> str:
    late = f", [red]late by {m['late_by']}[/]" if m["late"] else ""
    emergency = ", [yellow]emergency[/]" if m["emergency"] else ""
    return (f"movement {m['id']}: {m['length_km']} km, {m['departure']} → {m['arrival']}"
            f"{emergency}{late}; receipts: {_receipts(m) or 'not shown to you'}")


@movements_app.command("notify")
def notify_movement(file: Path, server: ServerOption, token: TokenOption, group: GroupOption,
                    json: JsonOption = False) -> None:
    """Notify a movement from a JSON file (route or via, departure, arrival, vehicles...)."""
    movement = Client(server, token).post(_base(group, "movements"), _read_json(file))
    emit_json(movement) if json else console.print(_movement_line(movement))


@movements_app.command("list")
def list_movements(server: ServerOption, token: TokenOption, group: GroupOption,
                   json: JsonOption = False, geojson: GeoJsonOption = False,
                   hxl: HxlOption = False) -> None:
    """List the movements you may see, by departure."""
    client = Client(server, token)
    if _export(client, _base(group, "movements"), geojson, hxl):
        return
    result = client.get_all(_base(group, "movements"))
    if json:
        emit_json(result)
        return
    table("Movements", ["id", "organisation", "departure", "arrival", "km", "phase", "notice",
                        "receipts"],
          [[m["id"], m["organisation"], m["departure"], m["arrival"], m["length_km"], m["phase"],
            f"late by {m['late_by']}" if m["late"] else "in time", _receipts(m)]
           for m in result])


@movements_app.command("ack")
def ack_movement(movement_id: int, server: ServerOption, token: TokenOption, group: GroupOption,
                 party: PartyOption = None, json: JsonOption = False) -> None:
    """Acknowledge receipt of a movement for your party (receipt, not a guarantee)."""
    movement = Client(server, token).post(
        f"{_base(group, 'movements')}/{movement_id}/acknowledgements", {"party": party})
    emit_json(movement) if json else console.print(_movement_line(movement))


@movements_app.command("amend")
def amend_movement(movement_id: int, file: Path, version: VersionOption, server: ServerOption,
                   token: TokenOption, group: GroupOption, json: JsonOption = False) -> None:
    """Amend your organisation's movement from a JSON file of the whole notice, as `notify`."""
    body = _read_json(file)
    if not isinstance(body, dict):
        raise InvalidInput(f"{file} must hold a JSON object", field="file")
    movement = Client(server, token).post(
        f"{_base(group, 'movements')}/{movement_id}/amend", {**body, "version": version})
    emit_json(movement) if json else console.print(
        f"version {movement['version']} of " + _movement_line(movement))


@movements_app.command("withdraw")
def withdraw_movement(movement_id: int, version: VersionOption, server: ServerOption,
                      token: TokenOption, group: GroupOption, reason: ReasonOption = "",
                      json: JsonOption = False) -> None:
    """Withdraw your organisation's movement (no longer active or checked; its record stays)."""
    movement = Client(server, token).post(
        f"{_base(group, 'movements')}/{movement_id}/withdraw",
        {"version": version, "reason": reason})
    emit_json(movement) if json else console.print(
        f"movement {movement_id} withdrawn {movement['withdrawn_at']}")


@movements_app.command("check")
def check_movement(
    movement_id: int, server: ServerOption, token: TokenOption, group: GroupOption,
    radius_km: Annotated[float, typer.Option(help="Report sites within this distance")] = 10.0,
    json: JsonOption = False,
) -> None:
    """Is the movement covered by an agreed pause (or why not), and which sites does it pass?"""
    result = Client(server, token).get(f"{_base(group, 'movements')}/{movement_id}/check",
                                       params={"radius_km": radius_km})
    if json:
        emit_json(result)
        return
    colour = "green" if result["covered"] else "red"
    console.print(f"[bold {colour}]{result['summary']['reason']}[/]")
    for finding in result["pauses"] + result["sites"] + result["incidents"]:
        console.print(f"  • {finding['reason']}")


def register(root: typer.Typer) -> None:
    root.add_typer(sites_app, name="sites")
    root.add_typer(movements_app, name="movements")

"""`corridor incidents …` and `corridor alerts`: client commands against a server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from corridor import clock
from corridor.cli_common import JsonOption, ServerOption, TokenOption
from corridor.client import Client
from corridor.errors import InvalidInput
from corridor.output import console, emit_json, table

app = typer.Typer(help="Report incidents, answer and close their follow-ups.",
                  no_args_is_help=True)
GroupOption = Annotated[str, typer.Option(envvar="CORRIDOR_GROUP", help="Group slug")]
Count = Annotated[int, typer.Option(min=0, help="A count of people (no names)")]


def _base(group: str) -> str:
    return f"/api/v1/groups/{group}/incidents"


def _line(i: dict[str, Any]) -> str:
    links = "; ".join(f"{k['kind']} {k['subject']} ({k['distance_m']} m)" for k in i["links"])
    return (f"incident {i['id']}: {i['type']} at {i['occurred_at']} reported by "
            f"{i['reported_by']}; killed {i['killed']}, injured {i['injured']}; "
            f"follow-up {i['status']}{'; ' + links if links else ''}")


def _upload(client: Client, group: str, incident_id: int, path: Path) -> Any:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInput(f"no such file: {path}", field="evidence") from exc
    return client.request("POST", f"{_base(group)}/{incident_id}/evidence", content=data,
                          headers={"Content-Type": "application/octet-stream"}).json()


@app.command("report")
def report(
    server: ServerOption, token: TokenOption, group: GroupOption,
    type: Annotated[str, typer.Option(help="shelling, air_strike, small_arms_fire, mines_uxo, "
                                           "blocked_passage, detention or other")],
    lon: Annotated[float, typer.Option(help="Longitude (WGS84)")],
    lat: Annotated[float, typer.Option(help="Latitude (WGS84)")],
    occurred_at: Annotated[str | None, typer.Option(
        help="When, ISO 8601 with zone (default: now)")] = None,
    uncertainty_m: Annotated[int, typer.Option(min=0, help="Radius of uncertainty, m")] = 0,
    place: Annotated[str, typer.Option(help="Place name")] = "",
    narrative: Annotated[str, typer.Option(help="Free text: your account")] = "",
    killed_children: Count = 0, killed_adults: Count = 0, killed_age_unknown: Count = 0,
    injured_children: Count = 0, injured_adults: Count = 0, injured_age_unknown: Count = 0,
    evidence: Annotated[list[Path] | None, typer.Option(help="A file to attach (repeatable)")
                        ] = None,
    json: JsonOption = False,
) -> None:
    """Report an incident as your organisation's claim; it is linked to what it touches."""
    client = Client(server, token)
    body = {
        "type": type, "lon": lon, "lat": lat, "uncertainty_m": uncertainty_m, "place": place,
        "occurred_at": occurred_at or clock.now().isoformat(), "narrative": narrative,
        "casualties": {
            "killed": {"children": killed_children, "adults": killed_adults,
                       "age_unknown": killed_age_unknown},
            "injured": {"children": injured_children, "adults": injured_adults,
                        "age_unknown": injured_age_unknown}},
    }
    incident = client.post(_base(group), body)
    for path in evidence or []:
        incident = _upload(client, group, incident["id"], path)
    emit_json(incident) if json else console.print(_line(incident))


@app.command("list")
def list_incidents(
    server: ServerOption, token: TokenOption, group: GroupOption, json: JsonOption = False,
    geojson: Annotated[bool, typer.Option("--geojson", help="RFC 7946 GeoJSON")] = False,
    hxl: Annotated[bool, typer.Option("--hxl", help="CSV with HXL hashtags")] = False,
) -> None:
    """List the group's incident reports, most recent first."""
    client = Client(server, token)
    if geojson or hxl:
        sys.stdout.write(client.export_all(_base(group) + (".geojson" if geojson else ".csv")))
        return
    result = client.get_all(_base(group))
    if json:
        emit_json(result)
        return
    table("Incidents", ["id", "occurred", "type", "reported by", "killed", "injured",
                        "follow-up", "links"],
          [[i["id"], i["occurred_at"], i["type"], i["reported_by"], i["killed"], i["injured"],
            i["status"], len(i["links"])] for i in result])


@app.command("show")
def show(incident_id: int, server: ServerOption, token: TokenOption, group: GroupOption,
         json: JsonOption = False) -> None:
    """One report, its links with their reasons, its evidence and its follow-up."""
    i = Client(server, token).get(f"{_base(group)}/{incident_id}")
    if json:
        emit_json(i)
        return
    console.print(_line(i))
    if i["narrative"]:
        console.print(f"  narrative ({i['narrative_is']}): {i['narrative']}", highlight=False)
    for link in i["links"]:
        console.print(f"  • {link['reason']}", highlight=False)
    for e in i["evidence"]:
        console.print(f"  evidence sha256:{e['sha256']} ({e['size']} bytes, {e['media_type']})")
    if i["followup"]:
        f = i["followup"]
        console.print(f"  follow-up {f['status']}; awaiting: {', '.join(f['awaiting']) or '—'}")
        for a in f["answers"]:
            console.print(f"    {a['party']} ({a['at']}): {a['text']}", highlight=False)


@app.command("answer")
def answer(incident_id: int, text: Annotated[str, typer.Option(help="Your party's answer")],
           server: ServerOption, token: TokenOption, group: GroupOption,
           json: JsonOption = False) -> None:
    """Put your party's answer to the follow-up on record."""
    i = Client(server, token).post(f"{_base(group)}/{incident_id}/answers", {"text": text})
    emit_json(i) if json else console.print(_line(i))


@app.command("close")
def close(incident_id: int, reason: Annotated[str, typer.Option(help="Why it is closed")],
          server: ServerOption, token: TokenOption, group: GroupOption,
          json: JsonOption = False) -> None:
    """Close the follow-up (the convener), with the reason."""
    i = Client(server, token).post(f"{_base(group)}/{incident_id}/close", {"reason": reason})
    emit_json(i) if json else console.print(_line(i))


@app.command("evidence")
def add_evidence(incident_id: int, file: Path, server: ServerOption, token: TokenOption,
                 group: GroupOption, json: JsonOption = False) -> None:
    """Attach a file to your organisation's report (kept by its SHA-256 digest)."""
    i = _upload(Client(server, token), group, incident_id, file)
    emit_json(i) if json else console.print(_line(i))


def alerts(server: ServerOption, token: TokenOption, group: GroupOption,
           json: JsonOption = False) -> None:
    """What waits for your organisation: consents, acknowledgements, follow-ups, counts."""
    result = Client(server, token).get(f"/api/v1/groups/{group}/alerts")
    if json:
        emit_json(result)
        return
    if not result["alerts"]:
        console.print(f"nothing waits for {result['organisation']}")
    for a in result["alerts"]:
        console.print(f"[bold]{a['kind']}[/] {a['subject']['type']} {a['subject']['id']}: "
                      f"{a['message']}", highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="incidents")
    root.command("alerts")(alerts)

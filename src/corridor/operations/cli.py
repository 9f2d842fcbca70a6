"""`corridor ops …`: evacuation counts and aid manifests, as client commands against a server."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from corridor.cli_common import JsonOption, ServerOption, TokenOption
from corridor.client import Client
from corridor.errors import InvalidInput
from corridor.output import console, emit_json, table

app = typer.Typer(help="Operations: count evacuations stage by stage, report aid manifests, "
                       "say who records them.",
                  no_args_is_help=True)
GroupOption = Annotated[str, typer.Option(envvar="CORRIDOR_GROUP", help="Group slug")]
StageOption = Annotated[str, typer.Option(help="Stage id or name (see `ops show`)")]
VehicleOption = Annotated[str, typer.Option(help="Vehicle or convoy label, same at every stage")]
AtOption = Annotated[str | None, typer.Option(help="When counted, ISO 8601 with zone; now if "
                                                   "omitted")]
NoteOption = Annotated[str, typer.Option("--free-text", help="Free text (no personal data)")]
Num = Annotated[int, typer.Option(min=0)]


def _base(group: str) -> str:
    return f"/api/v1/groups/{group}/operations"


def _stage_id(client: Client, group: str, operation: int, stage: str) -> int:
    if stage.isdigit():
        return int(stage)
    op = client.get(f"{_base(group)}/{operation}")
    for s in op["stages"]:
        if s["name"].casefold() == stage.casefold():
            return int(s["id"])
    names = ", ".join(s["name"] for s in op["stages"])
    raise InvalidInput(f"operation {operation} has no stage '{stage}'; its stages: {names}",
                       field="stage")


def _parse_stage(text: str) -> dict[str, Any]:
    """`kind:name` or `kind:name@lon,lat`."""
    kind, _, rest = text.partition(":")
    name, _, where = rest.partition("@")
    stage: dict[str, Any] = {"kind": kind.strip(), "name": name.strip()}
    if where:
        try:
            stage["lon"], stage["lat"] = (float(v) for v in where.split(","))
        except ValueError as exc:
            raise InvalidInput(f"'{where}' is not lon,lat", field="stage") from exc
    return stage


@app.command("create")
def create(
    server: ServerOption, token: TokenOption, group: GroupOption,
    kind: Annotated[str, typer.Option(help="evacuation or aid_delivery")],
    pause: Annotated[int, typer.Option(help="The pause it relies on")],
    title: Annotated[str, typer.Option(help="A short title")],
    stage: Annotated[list[str] | None, typer.Option(
        help="kind:name[@lon,lat] in route order; kind is pickup, checkpoint or destination")
    ] = None,
    movement: Annotated[list[int] | None, typer.Option(help="A notified movement it uses")] = None,
    free_text: NoteOption = "", json: JsonOption = False,
) -> None:
    """Start an operation led by your organisation."""
    body = {"kind": kind, "pause": pause, "title": title, "free_text": free_text,
            "stages": [_parse_stage(s) for s in stage or []], "movements": movement or []}
    _show(Client(server, token).post(_base(group), body), json)


def _summary(op: dict[str, Any]) -> str:
    s = op["summary"]
    if op["kind"] == "evacuation":
        return (f"boarded {s['boarded']}, arrived {s['arrived']}, departed {s['departed']}, "
                f"en route {s['en_route']}, unaccounted {s['unaccounted']}")
    done = "complete" if s["complete"] else "open"
    return f"{s['items']} items, {done}, {s['unaccounted_items']} with cargo unaccounted"


def _show(op: dict[str, Any], json: bool) -> None:
    if json:
        emit_json(op)
        return
    flag = "  [bold red]ALERT[/]" if op["alert"] else ""
    console.print(f"[bold]Operation {op['id']}[/] — {op['title']} ({op['kind']}, led by "
                  f"{op['lead']}, pause {op['pause']}){flag}")
    console.print(f"  {_summary(op)}; discrepancies: {op['summary']['discrepancies']}")
    for s in op["stages"]:
        console.print(f"  stage {s['id']}: {s['name']} ({s['kind']})")
    for w in op["warnings"]:
        console.print(f"  [yellow]warning:[/] {w}")


@app.command("list")
def list_operations(server: ServerOption, token: TokenOption, group: GroupOption,
                    json: JsonOption = False) -> None:
    """List the group's operations with their reconciliation in brief."""
    result = Client(server, token).get_all(_base(group))
    if json:
        emit_json(result)
        return
    table("Operations", ["id", "kind", "title", "lead", "pause", "reconciliation", "alert"],
          [[o["id"], o["kind"], o["title"], o["lead"], o["pause"], _summary(o),
            "ALERT" if o["alert"] else ""] for o in result])


def _people_table(rec: dict[str, Any]) -> None:
    figures = ("boarded", "arrived", "departed", "en_route", "unaccounted")
    rows = [[v["vehicle"], *(v["figures"][f]["total"] for f in figures),
             v["finished_at"] or f"last seen {v['last_seen']}"] for v in rec["vehicles"]]
    rows.append(["total", *(rec["total"][f]["total"] for f in figures), ""])
    table("Reconciliation", ["vehicle", *figures, "where"], rows)
    for d in rec["discrepancies"]:
        others = "; ".join(f"{c['organisation']} {c['people']['total']}" for c in d["others"])
        console.print(f"  [yellow]discrepancy[/] {d['vehicle']} at {d['stage_name']} "
                      f"({d['what']}): {d['used']['organisation']} {d['used']['people']['total']}"
                      f" (used) vs {others}")


def _cargo_table(m: dict[str, Any]) -> None:
    figures = ("dispatched", "delivered", "lost_or_damaged", "in_transit", "unaccounted")
    table("Manifest" + (" (complete)" if m["complete"] else ""),
          ["item", "unit", *figures],
          [[f"{i['item']} ({i['category']})", i["unit"], *(i[f] for f in figures)]
           for i in m["items"]])


@app.command("show")
def show(operation: int, server: ServerOption, token: TokenOption, group: GroupOption,
         hxl: Annotated[bool, typer.Option("--hxl", help="Print CSV with HXL hashtags")] = False,
         json: JsonOption = False) -> None:
    """Show an operation with its full reconciliation (or manifest)."""
    client = Client(server, token)
    op = client.get(f"{_base(group)}/{operation}")
    part = "counts" if op["kind"] == "evacuation" else "cargo"
    if hxl:
        sys.stdout.write(client.request("GET", f"{_base(group)}/{operation}/{part}.csv").text)
        return
    detail = client.get(f"{_base(group)}/{operation}/{part}")
    if json:
        emit_json({"operation": op, part: detail})
        return
    _show(op, False)
    _people_table(detail) if part == "counts" else _cargo_table(detail)


def _people(children: int, adults: int, older_people: int, wounded_or_sick: int,
            disabilities: int) -> dict[str, int]:
    return {"children": children, "adults": adults, "older_people": older_people,
            "wounded_or_sick": wounded_or_sick, "disabilities": disabilities}


def _report(client: Client, group: str, operation: int, body: dict[str, Any],
            json: bool) -> None:
    rec = client.post(f"{_base(group)}/{operation}/counts", body)
    if json:
        emit_json(rec)
        return
    t = rec["total"]
    console.print(f"recorded; operation {operation}: boarded {t['boarded']['total']}, arrived "
                  f"{t['arrived']['total']}, departed {t['departed']['total']}, en route "
                  f"{t['en_route']['total']}, unaccounted {t['unaccounted']['total']}")
    if rec["alert"]:
        _people_table(rec)


@app.command("count")
def count(
    operation: int, server: ServerOption, token: TokenOption, group: GroupOption,
    stage: StageOption, vehicle: VehicleOption, children: Num = 0, adults: Num = 0,
    older_people: Num = 0, wounded_or_sick: Num = 0, disabilities: Num = 0,
    not_last_stop: Annotated[bool, typer.Option(
        "--not-last-stop", help="At a destination: the vehicle goes on afterwards")] = False,
    at: AtOption = None, free_text: NoteOption = "", json: JsonOption = False,
) -> None:
    """Record people boarding (pickup), counted aboard (checkpoint) or arrived (destination)."""
    client = Client(server, token)
    body = {"type": "count", "stage": _stage_id(client, group, operation, stage),
            "vehicle": vehicle, "last_stop": not not_last_stop, "at": at,
            "free_text": free_text,
            "people": _people(children, adults, older_people, wounded_or_sick, disabilities)}
    _report(client, group, operation, body, json)


@app.command("depart")
def depart(
    operation: int, server: ServerOption, token: TokenOption, group: GroupOption,
    stage: StageOption, vehicle: VehicleOption,
    reason: Annotated[str, typer.Option(
        help="chose_to_stay, held_at_checkpoint, medical or other")],
    children: Num = 0, adults: Num = 0, older_people: Num = 0, wounded_or_sick: Num = 0,
    disabilities: Num = 0, place: Annotated[str, typer.Option(help="Where, if not at the "
                                                                   "stage")] = "",
    at: AtOption = None, free_text: NoteOption = "", json: JsonOption = False,
) -> None:
    """Record people who left a vehicle, with the reason they gave."""
    client = Client(server, token)
    body = {"type": "departure", "stage": _stage_id(client, group, operation, stage),
            "vehicle": vehicle, "reason": reason, "place": place, "at": at,
            "free_text": free_text,
            "people": _people(children, adults, older_people, wounded_or_sick, disabilities)}
    _report(client, group, operation, body, json)


def _line(text: str) -> dict[str, Any]:
    """`category:item:quantity:unit`, e.g. `food:wheat flour:500:kg`."""
    parts = text.split(":")
    if len(parts) != 4 or not parts[2].strip().isdigit():
        raise InvalidInput(f"'{text}' is not category:item:quantity:unit", field="item")
    category, item, quantity, unit = (p.strip() for p in parts)
    return {"category": category, "item": item, "quantity": int(quantity), "unit": unit}


@app.command("cargo")
def cargo(
    operation: int, server: ServerOption, token: TokenOption, group: GroupOption,
    stage: Annotated[str, typer.Option(help="dispatched, delivered or lost_or_damaged")],
    item: Annotated[list[str], typer.Option(help="category:item:quantity:unit (repeat)")],
    reason: Annotated[str | None, typer.Option(
        help="When lost or damaged: damaged, spoiled, lost_in_transit, seized, other")] = None,
    complete: Annotated[bool, typer.Option(help="Of a delivery: nothing more is coming")] = False,
    place: Annotated[str, typer.Option(help="Where")] = "",
    at: AtOption = None, free_text: NoteOption = "", json: JsonOption = False,
) -> None:
    """Report cargo dispatched, delivered, or lost or damaged."""
    body = {"stage": stage, "lines": [_line(i) for i in item], "reason": reason,
            "complete": complete, "place": place, "at": at, "free_text": free_text}
    result = Client(server, token).post(f"{_base(group)}/{operation}/cargo", body)
    emit_json(result) if json else _cargo_table(result)


participants_app = typer.Typer(
    help="Who records an operation: the lead, and the participants that the lead or the "
         "convener adds.", no_args_is_help=True)
app.add_typer(participants_app, name="participants")


def _show_participants(result: dict[str, Any], json: bool) -> None:
    if json:
        emit_json(result)
        return
    table(f"Operation {result['operation']}: led by {result['lead']}",
          ["participant", "name", "kind", "added by", "added at"],
          [[p["organisation"], p["name"], p["kind"], p["added_by"], p["added_at"]]
           for p in result["participants"]])


@participants_app.command("list")
def participants_list(operation: int, server: ServerOption, token: TokenOption,
                      group: GroupOption, json: JsonOption = False) -> None:
    """List the organisations that record the operation next to its lead."""
    _show_participants(Client(server, token).get(f"{_base(group)}/{operation}/participants"),
                       json)


@participants_app.command("add")
def participants_add(
    operation: int, server: ServerOption, token: TokenOption, group: GroupOption,
    organisation: Annotated[str, typer.Argument(help="The member organisation's slug")],
    json: JsonOption = False,
) -> None:
    """Let a member organisation record counts, departures and cargo (lead or convener)."""
    result = Client(server, token).post(f"{_base(group)}/{operation}/participants",
                                        {"organisation": organisation})
    _show_participants(result, json)


@participants_app.command("remove")
def participants_remove(
    operation: int, server: ServerOption, token: TokenOption, group: GroupOption,
    organisation: Annotated[str, typer.Argument(help="The participant's slug")],
    json: JsonOption = False,
) -> None:
    """Stop a participant recording; what it recorded stays (lead or convener)."""
    result = Client(server, token).request(
        "DELETE", f"{_base(group)}/{operation}/participants/{organisation}").json()
    _show_participants(result, json)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="ops")

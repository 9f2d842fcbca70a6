"""`corridor plan`: plan an evacuation from an instance file on this machine, or from an agreed
pause on a server; a Rich table and timeline for people, one JSON document with --json."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from corridor.cli_common import JsonOption
from corridor.client import Client
from corridor.errors import InvalidInput
from corridor.output import console, emit_json
from corridor.planning.instance import CATEGORIES, parse_instance

EXAMPLE = Path(__file__).parent / "examples" / "azovstal.json"


def _read(path: Path) -> Any:
    try:
        return jsonlib.loads(path.read_text())
    except FileNotFoundError as exc:
        raise InvalidInput(f"no such file: {path}", field="instance") from exc
    except ValueError as exc:
        raise InvalidInput(f"{path} is not valid JSON: {exc}", field="instance") from exc


def plan(
    instance: Annotated[Path | None, typer.Argument(
        help=f"Instance JSON (try {EXAMPLE}); with --pause, the fleet and people waiting")] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.1,
                                              help="Seconds for the solver")] = 10.0,
    step: Annotated[int | None, typer.Option("--step", min=1, max=60,
                                             help="Time step in minutes")] = None,
    safety: Annotated[str | None, typer.Option(
        "--safety", help="Plan with percentile checkpoint delays, e.g. P80")] = None,
    monte_carlo: Annotated[int, typer.Option(
        "--monte-carlo", min=0, max=100_000,
        help="Simulate the plan this many times with random checkpoint delays")] = 0,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the itineraries as CSV")] = None,
    geojson: Annotated[Path | None, typer.Option("--geojson",
                                                 help="Write the plan as GeoJSON")] = None,
    pause: Annotated[int | None, typer.Option("--pause", help="Plan for this agreed pause")] = None,
    server: Annotated[str | None, typer.Option("--server", envvar="CORRIDOR_SERVER")] = None,
    token: Annotated[str | None, typer.Option("--token", envvar="CORRIDOR_TOKEN")] = None,
    group: Annotated[str | None, typer.Option("--group", envvar="CORRIDOR_GROUP")] = None,
    json: JsonOption = False,
) -> None:
    """Plan who boards which vehicle when, inside the window: a plan, its bound and its check."""
    from corridor.planning import export
    from corridor.planning.service import PlanRequest, plan_instance

    options = {"time_limit": time_limit, "step_minutes": step, "safety": safety,
               "monte_carlo": monte_carlo}
    if pause is not None:
        if not (server and token and group):
            raise InvalidInput("--pause needs --server, --token and --group", field="server")
        body: dict[str, Any] = {"pause": pause, **{k: v for k, v in options.items()
                                                   if v is not None}}
        if instance is not None:
            body["instance"] = _read(instance)
        result = Client(server, token).post(f"/api/v1/groups/{group}/plans", body)
        inst_data = result.get("instance")
    else:
        if instance is None:
            raise InvalidInput(f"give an instance file (e.g. {EXAMPLE}) or --pause",
                               field="instance")
        data = _read(instance)
        request = PlanRequest.model_validate({"instance": data, **{
            k: v for k, v in options.items() if v is not None}})
        result = plan_instance(request)
        inst_data = result["instance"]
    if csv is not None or geojson is not None:
        inst = parse_instance(inst_data)
        if csv is not None:
            csv.write_text(export.to_csv(inst, result))
        if geojson is not None:
            geojson.write_text(jsonlib.dumps(export.to_geojson(inst, result), indent=1))
    if json:
        emit_json(result)
        return
    show(result)


def show(p: dict[str, Any]) -> None:
    bound = p["bound"]
    solver = p.get("solver") or {}
    gap = solver.get("gap")
    console.print(f"[bold]{p['name']}[/] — {p['people']} people brought out "
                  f"(weighted {p['weighted']:g}) by the {p['method']} plan")
    console.print(f"  upper bound {bound['people']} people (weighted {bound['weighted']:g}); "
                  f"{p['gap_to_bound'] * 100:.1f} % below it"
                  + (f"; solver gap {gap * 100:.2f} % ({solver.get('status')})"
                     if gap is not None else ""))
    console.print(f"  greedy {p['greedy']['people']}"
                  + (f"; naive convoy {p['naive_convoy']['people']} with "
                     f"{p['naive_convoy']['stranded_vehicles']} vehicle(s) stranded"
                     if "naive_convoy" in p else "")
                  + f"; check: {'passed' if p['check']['ok'] else 'FAILED'}")
    for note in p["notes"]:
        console.print(f"  [yellow]•[/] {note}")
    if "robustness" in p:
        r = p["robustness"]
        console.print(f"  Monte Carlo ({r['samples']} runs): {r['p_any_inside'] * 100:.1f} % "
                      "chance that a vehicle is still inside the pause area at its end")
    t = Table(title="People brought out and left waiting, by site", title_justify="left")
    t.add_column("site")
    for c in CATEGORIES:
        t.add_column(c.replace("_", " "), justify="right")
    t.add_column("left waiting", justify="right")
    for site, row in p["by_site"].items():
        left = sum(p["left_waiting"][site].values())
        t.add_row(site, *[str(row[c]) for c in CATEGORIES], str(left))
    console.print(t)
    timeline(p)


def timeline(p: dict[str, Any]) -> None:
    """One line per vehicle: ─ driving empty, ▶ loaded, · at the depot."""
    width = max(20, min(96, console.width - 30))
    total = float(p["window"]["minutes"])
    t = Table(title="Timeline (─ out, L load, ▶ loaded back, · depot)", title_justify="left")
    t.add_column("vehicle", no_wrap=True)
    t.add_column("trips", justify="right", no_wrap=True)
    t.add_column("people", justify="right", no_wrap=True)
    t.add_column("0 → " + _hours(total), no_wrap=True)
    shown = p["itineraries"][:40]
    for it in shown:
        cells = ["·"] * width
        state, since = "·", 0.0
        for e in it["events"]:
            col = min(width - 1, int(e["min"] / total * width))
            start = min(width - 1, int(since / total * width))
            for i in range(start, col):
                cells[i] = state
            if e["event"] == "depart":
                state = "─"
            elif e["event"] == "load":
                cells[col] = "L"
                state = "[green]▶[/]"
            elif e["event"] == "back":
                state = "·"
            since = e["min"]
        t.add_row(it["vehicle"], str(it["trips"]), str(it["people"]), "".join(cells))
    console.print(t)
    if len(p["itineraries"]) > len(shown):
        console.print(f"  … and {len(p['itineraries']) - len(shown)} more vehicles (--json "
                      "or --csv for all)")


def _hours(minutes: float) -> str:
    return f"{minutes / 60:g} h"


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)

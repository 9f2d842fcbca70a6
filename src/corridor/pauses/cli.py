"""`corridor pauses …`: client commands against a server; signing happens on this machine."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from corridor.cli_common import JsonOption, ServerOption, TokenOption
from corridor.client import Client
from corridor.errors import InvalidInput
from corridor.log import signing
from corridor.output import console, emit_json, table
from corridor.pauses import consent
from corridor.pauses.content import version_hash

app = typer.Typer(help="Negotiate pauses: propose, amend, sign, decline, withdraw.",
                  no_args_is_help=True)
GroupOption = Annotated[str, typer.Option(envvar="CORRIDOR_GROUP", help="Group slug")]


def _base(group: str) -> str:
    return f"/api/v1/groups/{group}/pauses"


def _read_json(path: Path) -> Any:
    try:
        return jsonlib.loads(path.read_text())
    except FileNotFoundError as exc:
        raise InvalidInput(f"no such file: {path}", field="file") from exc
    except ValueError as exc:
        raise InvalidInput(f"{path} is not valid JSON: {exc}", field="file") from exc


def _show(p: dict[str, Any], json: bool) -> None:
    if json:
        emit_json(p)
        return
    c = p["content"]
    console.print(f"[bold]Pause {p['id']}[/] — {c['title']}  [{p['status']}]  "
                  f"version {p['current_version']} ({p['version_hash'][:16]}…)")
    for w in p["windows"]:
        who = ", ".join(w.get("for", [])) or "UTC"
        console.print(f"  {w['zone']:<16} {w['start']} → {w['end']}  ({who})")
    console.print(f"  signatories: {', '.join(c['required_signatories'])};  awaiting: "
                  f"{', '.join(p['awaiting']) or 'nobody'}")
    for d in p["consents"]:
        void = " [red](void: older version)[/]" if d["void"] else ""
        console.print(f"  {d['decision']:<8} {d['organisation']} v{d['version']} "
                      f"{d['key_fingerprint']} log #{d['log_index']}{void}")


def _area(area: dict[str, Any] | None) -> str:
    if not area:
        return "—"
    polygons = area["coordinates"] if area["type"] == "MultiPolygon" else [area["coordinates"]]
    xs = [x for polygon in polygons for ring in polygon for x, _ in ring]
    ys = [y for polygon in polygons for ring in polygon for _, y in ring]
    n = len(polygons)
    return (f"{n} polygon{'s' if n > 1 else ''} within lon {min(xs):.4f}…{max(xs):.4f}, "
            f"lat {min(ys):.4f}…{max(ys):.4f} (the exact coordinates are in --json)")


def terms(c: dict[str, Any], windows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Every field of the signed content as (field, label, text), in the order people read
    them: what `sign` shows before asking, so that what is signed is what was read."""
    corridor = c.get("corridor")
    route = "—" if not corridor else (
        " → ".join(w["name"] for w in corridor["waypoints"]) or "a drawn route"
    ) + f" · half-width {corridor['half_width_m'] / 1000:g} km"
    window = "".join(f"\n    {w['zone']}: {w['start']} → {w['end']}" for w in windows)
    return [
        ("title", "Title", c["title"]),
        ("window", "Window", window),
        ("purposes", "Purposes", ", ".join(c["purposes"])),
        ("area", "Area", _area(c.get("area"))),
        ("corridor", "Corridor", route),
        ("required_signatories", "Required signatories", ", ".join(c["required_signatories"])),
        ("who_may_leave", "Who may leave", c.get("who_may_leave") or "—"),
        ("destinations", "Destinations", "; ".join(c.get("destinations") or []) or "—"),
        ("aid_may_enter", "Aid may enter", "yes" if c.get("aid_may_enter") else "no"),
        ("vehicle_marking", "Vehicle marking", c.get("vehicle_marking") or "—"),
        ("conditions", "Conditions", c.get("conditions") or "—"),
    ]


@app.command("list")
def list_pauses(server: ServerOption, token: TokenOption, group: GroupOption,
                status: Annotated[str | None, typer.Option(help="Filter by status")] = None,
                json: JsonOption = False) -> None:
    """List the group's pauses."""
    params = {"status": status} if status else {}
    result = Client(server, token).get(_base(group), params=params)
    if json:
        emit_json(result)
        return
    table("Pauses", ["id", "title", "status", "version", "start (UTC)", "end (UTC)", "awaiting"],
          [[p["id"], p["content"]["title"], p["status"], p["current_version"],
            p["content"]["window"]["start"], p["content"]["window"]["end"],
            ", ".join(p["awaiting"])] for p in result])


@app.command("show")
def show(pause_id: int, server: ServerOption, token: TokenOption, group: GroupOption,
         json: JsonOption = False) -> None:
    """Show one pause: window in every zone, consents and what is awaited."""
    _show(Client(server, token).get(f"{_base(group)}/{pause_id}"), json)


@app.command("propose")
def propose(file: Path, server: ServerOption, token: TokenOption, group: GroupOption,
            draft: Annotated[bool, typer.Option(help="Keep it a private draft")] = False,
            json: JsonOption = False) -> None:
    """Propose a pause from a JSON file of its content."""
    body = {"content": _read_json(file), "propose": not draft}
    _show(Client(server, token).post(_base(group), body), json)


@app.command("amend")
def amend(pause_id: int, file: Path, server: ServerOption, token: TokenOption,
          group: GroupOption,
          base_version: Annotated[int, typer.Option(help="The version you amended")],
          json: JsonOption = False) -> None:
    """Amend a pause (a new version; earlier consents become void)."""
    body = {"content": _read_json(file), "base_version": base_version}
    _show(Client(server, token).post(f"{_base(group)}/{pause_id}/versions", body), json)


@app.command("diff")
def diff(pause_id: int, server: ServerOption, token: TokenOption, group: GroupOption,
         from_version: Annotated[int, typer.Option("--from")],
         to_version: Annotated[int, typer.Option("--to")], json: JsonOption = False) -> None:
    """What changed between two versions."""
    result = Client(server, token).get(f"{_base(group)}/{pause_id}/diff",
                                       params={"from": from_version, "to": to_version})
    if json:
        emit_json(result)
        return
    table(f"Pause {pause_id}: v{from_version} → v{to_version}", ["field", "from", "to"],
          [[c["field"], jsonlib.dumps(c["from"], ensure_ascii=False)[:60],
            jsonlib.dumps(c["to"], ensure_ascii=False)[:60]] for c in result["changes"]])


def _decide(decision: str, endpoint: str) -> Any:
    def command(
        pause_id: int,
        key: Annotated[Path, typer.Option(help="Your private key file (stays on this machine)")],
        server: ServerOption, token: TokenOption, group: GroupOption,
        yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
        json: JsonOption = False,
    ) -> None:
        client = Client(server, token)
        me = client.get("/api/v1/me")
        private = signing.read_private_key(key)
        pause = client.get(f"{_base(group)}/{pause_id}")
        # Recompute the hash from the content we were shown: we sign what we read, not a label.
        local_hash = version_hash(pause["content"])
        if local_hash != pause["version_hash"]:
            raise InvalidInput("the server's version hash does not match the content it sent; "
                               "not signing", field="version_hash")
        stmt = consent.statement(group=group, pause=pause_id, version=pause["current_version"],
                                 version_hash=local_hash, party=me["organisation"],
                                 decision=decision)
        if not json:
            console.print(f"[bold]Pause {pause_id}[/] ({pause['status']}), version "
                          f"{stmt['version']}: every term you sign")
            for _, label, text in terms(pause["content"], pause["windows"]):
                # The content is the proposer's text: shown as written, never as markup.
                console.print(f"  [bold]{label}:[/] {escape(text)}", highlight=False)
            console.print(f"\nYou are about to sign, as [bold]{me['organisation']}[/]: "
                          f"[bold]{decision}[/] version {stmt['version']} "
                          f"(hash {local_hash}).")
        if not yes and not typer.confirm("Sign and send?"):
            raise typer.Abort()
        raw = signing.public_key_bytes(private)
        body = {"statement": stmt, "signature": signing.sign_statement(private, stmt),
                "key": signing.fingerprint(raw)}
        result = client.post(f"{_base(group)}/{pause_id}/{endpoint}", body)
        if json:
            emit_json(result)
        else:
            console.print(f"[green]{decision} recorded[/]; pause {pause_id} is now "
                          f"{result['status']}")

    command.__doc__ = f"Sign '{decision}' for the current version with your key and send it."
    return command


app.command("sign")(_decide("agree", "consents"))
app.command("decline")(_decide("decline", "declines"))
app.command("withdraw")(_decide("withdraw", "withdrawals"))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="pauses")

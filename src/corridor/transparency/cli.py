"""`corridor audit` (the independent auditor) and `corridor export tiles`."""

from __future__ import annotations

import json as jsonlib
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy import select

from corridor import clock
from corridor.cli_common import DbOption, JsonOption, export_app, open_session, settings_for
from corridor.client import Client, ServerError
from corridor.errors import InvalidInput
from corridor.groups import service as groups
from corridor.log import checkpoints, mirror, note, signing, tiles
from corridor.log.audit import AuditFailure, AuditState, Redacted, audit
from corridor.log.audit_compare import compare
from corridor.log.mirror import Audience
from corridor.log.models import LogEntry
from corridor.log.sources import ServerSource, TilesSource, fetch_tiles
from corridor.output import console, emit_json, err_console


def audit_command(
    state: Annotated[Path, typer.Option(help="Directory where this auditor keeps what it trusts")],
    group: Annotated[str, typer.Option(help="Group slug")],
    server: Annotated[str | None, typer.Option(envvar="CORRIDOR_SERVER",
                                               help="Server base URL")] = None,
    tiles_dir: Annotated[
        str | None, typer.Option("--tiles", help="Audit a tiles export (directory or URL)")
    ] = None,
    token: Annotated[str | None, typer.Option(envvar="CORRIDOR_TOKEN",
                                              help="Token of a member")] = None,
    log_key: Annotated[str | None, typer.Option(help="Pin this log verifier key")] = None,
    cosign_key: Annotated[Path | None, typer.Option(help="Witness key file to cosign with")] = None,
    json: JsonOption = False,
) -> None:
    """Verify a group's log independently; exit 0 only when everything holds."""
    if (server is None) == (tiles_dir is None):
        raise InvalidInput("give exactly one of --server URL or --tiles DIR", field="server")
    state.mkdir(parents=True, exist_ok=True)
    state_file, entries_file = state / "state.json", state / "entries.jsonl"
    client = Client(server, token) if server else None
    if state_file.exists():
        saved = AuditState(**jsonlib.loads(state_file.read_text()))
        if log_key and log_key != saved.vkey:
            raise InvalidInput("--log-key differs from the key pinned in --state", field="log_key")
    else:
        saved = AuditState(vkey=log_key or _discover_key(client, group))
    stored = [line.encode() for line in entries_file.read_text().splitlines()] if (
        entries_file.exists()) else []
    source = ServerSource(client, group) if client else TilesSource(_tiles_dir(tiles_dir, state))
    started = time.perf_counter()
    try:
        with Progress(TextColumn("verifying entries"), BarColumn(), MofNCompleteColumn(),
                      console=err_console, transient=True, disable=json) as progress:
            task = progress.add_task("entries", total=None)
            result = audit(source, saved, group=group, stored_entries=stored,
                           entries_seen=lambda n: progress.advance(task, n))
        disagreements = _compare_with_api(client, group, result.replay.state) if client else []
        if disagreements:
            raise AuditFailure("state-mismatch", "; ".join(disagreements))
    except AuditFailure as failure:
        evidence = _keep_evidence(state, failure)
        report = {"ok": False, "failure": failure.kind, "message": failure.message,
                  "evidence": str(evidence) if evidence else None}
        emit_json(report) if json else err_console.print(
            f"[bold red]AUDIT FAILED[/] ({failure.kind}): {failure.message}"
            + (f"\nevidence kept in {evidence}" if evidence else ""))
        raise typer.Exit(1) from None
    with entries_file.open("a") as fh:
        for data in result.new_data:
            fh.write(data.decode() + "\n")
    state_file.write_text(jsonlib.dumps(saved.to_json(), indent=2))
    cosigned = _cosign(client, group, result.checkpoint, cosign_key) if cosign_key else None
    elapsed = time.perf_counter() - started
    summary: dict[str, Any] = {
        "ok": True, "group": group, "size": result.size, "new_entries": result.new_entries,
        "signatures_checked": result.replay.signatures_checked, "cosigned": cosigned,
        "redacted": result.redacted,
        "seconds": round(elapsed, 3),
    }
    if json:
        emit_json(summary)
    else:
        console.print(f"[green]log of {group} verified[/]: {result.size} entries "
                      f"({result.new_entries} new), {result.replay.signatures_checked} client "
                      f"signatures checked" + (f", cosigned as {cosigned}" if cosigned else ""))


def _tiles_dir(where: str | None, state: Path) -> Path:
    """A local directory of tiles, fetching a mirror over HTTP(S) into the state dir first."""
    assert where is not None
    if where.startswith(("http://", "https://")):
        import shutil

        cache = state / "mirror"
        shutil.rmtree(cache, ignore_errors=True)
        return fetch_tiles(where, cache)
    return Path(where)


def _discover_key(client: Client | None, group: str) -> str:
    if client is None:
        raise InvalidInput("first run on a tiles export: pin the log with --log-key",
                           field="log_key")
    key = client.get(f"/api/v1/groups/{group}")["log_verifier_key"]
    err_console.print(f"pinning log key {key} (first run; compare it with what the convener "
                      "published)")
    return str(key)


def _compare_with_api(client: Client | None, group: str, state: dict[str, Any]) -> list[str]:
    """Each topic that replays state compares it with the API here (see corridor.wiring)."""
    return compare(client, group, state) if client else []


def _keep_evidence(state: Path, failure: AuditFailure) -> Path | None:
    if not failure.evidence:
        return None
    folder = state / "evidence" / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    folder.mkdir(parents=True, exist_ok=True)
    for name, value in failure.evidence.items():
        text = value if isinstance(value, str) else jsonlib.dumps(value, indent=2)
        (folder / name).write_text(text)
    (folder / "failure.txt").write_text(f"{failure.kind}: {failure.message}\n")
    return folder


def _cosign(client: Client | None, group: str, checkpoint: str, key_file: Path) -> str:
    if client is None:
        raise InvalidInput("cosigning needs --server and --token", field="cosign_key")
    me = client.get("/api/v1/me")
    name = f"{group}/{me['organisation']}"
    signer = note.CosignatureSigner(name, signing.read_private_key(key_file))
    body = note.parse_note_text(checkpoint)
    size = note.parse_checkpoint(body).size
    line = note.cosign(body, signer, int(clock.now().timestamp()))
    try:
        client.post(f"/api/v1/groups/{group}/log/cosignatures", {"size": size, "cosignature": line})
    except ServerError as exc:
        if exc.status != 409:
            raise
        return f"{name} (had already cosigned size {size})"
    return name


@export_app.command("tiles")
def export_tiles(
    directory: Path,
    group: Annotated[str, typer.Option(help="Group slug")],
    audience: Annotated[Audience, typer.Option(
        help="Who reads the mirror: public (hashes only), members (need-to-know entries "
             "withheld) or parties (every entry, as the API serves them)")] = Audience.PUBLIC,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Write a group's log as C2SP tlog-tiles for any static file server to mirror, withholding
    (by leaf hash) what the API would not serve the audience."""
    with open_session(settings_for(db)) as session:
        g = groups.get_group(session, slug=group)
        cp = checkpoints.current(session, group_id=g.id)
        rows = session.execute(
            select(LogEntry.type, LogEntry.data, LogEntry.leaf_hash)
            .where(LogEntry.group_id == g.id, LogEntry.seq < cp.size).order_by(LogEntry.seq))
        entries = mirror.entries_for(audience, ((t, d, h) for t, d, h in rows))
        text = checkpoints.with_cosignatures(session, cp)
    tiles.write_tiles(directory, entries, text)
    withheld = sum(isinstance(e, Redacted) for e in entries)
    out = {"directory": str(directory), "size": cp.size, "audience": audience.value,
           "withheld": withheld}
    emit_json(out) if json else console.print(
        f"wrote {cp.size} entries as tiles to {directory} for {audience.value} readers "
        f"({withheld} withheld, by leaf hash)")


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_command)
    app.add_typer(export_app, name="export")

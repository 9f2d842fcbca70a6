"""Administration on the server's own database (groups, members, people, tokens) and `keys`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridor.cli_common import (
    DbOption,
    JsonOption,
    ServerOption,
    TokenOption,
    open_session,
    settings_for,
)
from corridor.client import Client
from corridor.groups import service as groups
from corridor.groups.principal import OPERATOR
from corridor.log import signing
from corridor.output import console, emit_json, table

groups_app = typer.Typer(help="Contact groups (on the server's database).", no_args_is_help=True)
members_app = typer.Typer(help="Member organisations of a group.", no_args_is_help=True)
people_app = typer.Typer(help="People of a member organisation.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens of people.", no_args_is_help=True)
keys_app = typer.Typer(help="Ed25519 signing keys: generate, fingerprint, register.",
                       no_args_is_help=True)


@groups_app.command("create")
def create_group(
    slug: str,
    name: Annotated[str, typer.Option(help="Name shown to members")],
    timezone: Annotated[str, typer.Option(help="Display zone, e.g. Europe/Kyiv")] = "UTC",
    lead_time_hours: Annotated[int, typer.Option(help="Notice needed before a movement")] = 48,
    max_pause_hours: Annotated[int, typer.Option(help="Longest pause window allowed")] = 168,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Create a contact group with its own log key."""
    settings = settings_for(db)
    with open_session(settings) as session:
        group = groups.create_group(
            session, slug=slug, name=name, timezone=timezone, key_dir=settings.log_key_dir,
            origin_host=settings.log_origin_host, lead_time_hours=lead_time_hours,
            max_pause_hours=max_pause_hours,
        )
        out = {"slug": group.slug, "name": group.name, "log_verifier_key": group.log_verifier_key}
    if json:
        emit_json(out)
    else:
        console.print(f"group {out['slug']} created; log key {out['log_verifier_key']}")


@members_app.command("add")
def add_member(
    group: str,
    slug: str,
    name: Annotated[str, typer.Option(help="Organisation name")],
    kind: Annotated[
        str, typer.Option(help="convener, party, intermediary, humanitarian, observer")
    ],
    timezone: Annotated[str, typer.Option(help="Display zone, e.g. Europe/Moscow")] = "UTC",
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add a member organisation to a group."""
    with open_session(settings_for(db)) as session:
        g = groups.get_group(session, slug=group)
        org = groups.add_organisation(
            session, group=g, actor=OPERATOR, slug=slug, name=name, kind=kind, timezone=timezone
        )
        out = {"group": group, "slug": org.slug, "kind": org.kind}
    emit_json(out) if json else console.print(f"member {slug} ({kind}) added to {group}")


@people_app.command("add")
def add_person(
    group: str,
    organisation: str,
    username: str,
    role: Annotated[str, typer.Option(help="viewer, operator, negotiator, admin")],
    display_name: Annotated[str, typer.Option(help="Name shown to colleagues")] = "",
    password: Annotated[str | None, typer.Option(help="Web password (10+ characters)")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add a person to a member organisation."""
    with open_session(settings_for(db)) as session:
        g = groups.get_group(session, slug=group)
        org = groups.get_organisation(session, group=g, slug=organisation)
        person = groups.add_person(
            session, organisation=org, actor=OPERATOR, username=username,
            display_name=display_name, role=role, password=password,
        )
        out = {"username": person.username, "organisation": organisation, "role": person.role}
    emit_json(out) if json else console.print(f"{username} ({role}) added to {organisation}")


@tokens_app.command("issue")
def issue_token(
    group: str,
    username: str,
    label: Annotated[str, typer.Option(help="What the token is for")] = "cli",
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Issue an API token; the secret is printed once."""
    with open_session(settings_for(db)) as session:
        g = groups.get_group(session, slug=group)
        person = groups.get_person(session, group=g, username=username)
        token, secret = groups.issue_token(session, person=person, actor=OPERATOR, label=label)
        out = {"id": token.id, "username": username, "token": secret}
    if json:
        emit_json(out)
    else:
        console.print(f"token {out['id']} for {username} (shown once):\n{secret}")


@tokens_app.command("revoke")
def revoke_token(group: str, token_id: int, db: DbOption = None, json: JsonOption = False) -> None:
    """Revoke an API token."""
    with open_session(settings_for(db)) as session:
        g = groups.get_group(session, slug=group)
        groups.revoke_token(session, token=groups.get_token(session, group=g, token_id=token_id),
                            actor=OPERATOR)
    emit_json({"revoked": token_id}) if json else console.print(f"token {token_id} revoked")


@keys_app.command("generate")
def generate_key(
    out: Annotated[Path, typer.Option("--out", help="Private key file to create (mode 0600)")],
    json: JsonOption = False,
) -> None:
    """Create a private key file on this machine; only its public half is ever sent."""
    key = signing.generate_private_key()
    signing.write_private_key(out, key)
    raw = signing.public_key_bytes(key)
    result = {"file": str(out), "public_key": signing.encode_public_key(raw),
              "fingerprint": signing.fingerprint(raw)}
    if json:
        emit_json(result)
    else:
        console.print(f"wrote {out} (readable only by you)\npublic key  {result['public_key']}\n"
                      f"fingerprint {result['fingerprint']}")


@keys_app.command("fingerprint")
def key_fingerprint(file: Path, json: JsonOption = False) -> None:
    """Print the fingerprint of a private key file's public key."""
    raw = signing.public_key_bytes(signing.read_private_key(file))
    result = {"public_key": signing.encode_public_key(raw), "fingerprint": signing.fingerprint(raw)}
    emit_json(result) if json else console.print(result["fingerprint"])


@keys_app.command("register")
def register_key(
    file: Path,
    group: Annotated[str, typer.Option(help="Group slug")],
    member: Annotated[str, typer.Option(help="Your organisation's slug")],
    server: ServerOption,
    token: TokenOption,
    purpose: Annotated[str, typer.Option(help="signing or witness")] = "signing",
    label: Annotated[str, typer.Option(help="A name for the key")] = "",
    json: JsonOption = False,
) -> None:
    """Register the public half of a local key file with the server (an admin of the member)."""
    raw = signing.public_key_bytes(signing.read_private_key(file))
    body = {"public_key": signing.encode_public_key(raw), "purpose": purpose, "label": label}
    result = Client(server, token).post(f"/api/v1/groups/{group}/members/{member}/keys", body)
    emit_json(result) if json else console.print(
        f"registered key {result['id']} {result['fingerprint']} for {member}")


@keys_app.command("list")
def list_keys(
    group: Annotated[str, typer.Option(help="Group slug")],
    server: ServerOption,
    token: TokenOption,
    json: JsonOption = False,
) -> None:
    """List the keys registered in a group, with fingerprints."""
    result = Client(server, token).get(f"/api/v1/groups/{group}/keys")
    if json:
        emit_json(result)
        return
    table("Keys", ["id", "member", "purpose", "fingerprint", "revoked"],
          [[k["id"], k["organisation"], k["purpose"], k["fingerprint"], k["revoked_at"]]
           for k in result])


def register(app: typer.Typer) -> None:
    app.add_typer(groups_app, name="groups")
    app.add_typer(members_app, name="members")
    app.add_typer(people_app, name="people")
    app.add_typer(tokens_app, name="tokens")
    app.add_typer(keys_app, name="keys")

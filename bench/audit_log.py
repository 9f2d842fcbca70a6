"""A realistic group log for the audit benchmark: parties' keys, then pauses each signed by both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.common import log_db, sqlite_database
from corridor.groups import service as groups
from corridor.groups.models import Group
from corridor.groups.principal import OPERATOR
from corridor.log import checkpoints, signing
from corridor.log import service as log
from corridor.log.models import LogEntry
from corridor.log.service import LogActor
from corridor.pauses.consent import statement
from corridor.pauses.content import version_hash

PARTIES = ("party-a", "party-b")
CHUNK = 500  # pauses appended per transaction before the sequencer numbers them
Key = tuple[Ed25519PrivateKey, str]  # private key, fingerprint


@dataclass(frozen=True)
class BuiltLog:
    slug: str
    vkey: str
    checkpoint: str
    entries: list[bytes]


def content(i: int, start: datetime) -> dict[str, Any]:
    """A pause version's content in the service's normal form (see pauses/content.py)."""
    iso, end = "%Y-%m-%dT%H:%M:%SZ", start + timedelta(hours=36)
    return {
        "title": f"Evacuation pause {i}", "purposes": ["aid", "evacuation"],
        "window": {"start": start.strftime(iso), "end": end.strftime(iso)},
        "required_signatories": list(PARTIES), "destinations": ["Zaporizhzhia"],
        "aid_may_enter": True, "who_may_leave": "civilians",
        "vehicle_marking": "white flags, blue cross", "conditions": "", "area": None,
        "corridor": {
            "route": {"type": "LineString", "coordinates": [
                [37.6003, 47.0956], [37.2861, 47.1158], [36.7957, 46.7555], [35.1396, 47.8388]]},
            "waypoints": [{"name": "Mariupol", "lon": 37.6003, "lat": 47.0956},
                          {"name": "Zaporizhzhia", "lon": 35.1396, "lat": 47.8388}],
            "half_width_m": 500,
        },
    }


def _pause(db: Session, group: Group, i: int, keys: dict[str, Key]) -> None:
    """Proposed, signed by each party (a real Ed25519 signature over the consent statement),
    then agreed: four entries, two of them signed."""
    body = content(i, datetime(2026, 5, 1, tzinfo=UTC) + timedelta(days=i % 300))
    vhash = version_hash(body)

    def add(actor: LogActor, kind: str, payload: dict[str, Any],
            signature: dict[str, Any] | None = None) -> None:
        log.append(db, group_id=group.id, group_slug=group.slug, actor=actor, type=kind,
                   payload=payload, signature=signature)

    add(LogActor("convener", "convener.negotiator"), "pause.proposed",
        {"pause": i, "version": 1, "version_hash": vhash, "content": body})
    for party in PARTIES:
        key, fp = keys[party]
        stmt = statement(group=group.slug, pause=i, version=1, version_hash=vhash, party=party,
                         decision="agree")
        add(LogActor(party, f"{party}.negotiator", fp), "pause.consented",
            {"pause": i, "version": 1, "party": party},
            {"key": fp, "statement": stmt, "value": signing.sign_statement(key, stmt)})
    add(LogActor(PARTIES[-1], f"{PARTIES[-1]}.negotiator"), "pause.agreed",
        {"pause": i, "version": 1, "version_hash": vhash})


def build(tmp: Path, pauses: int) -> BuiltLog:
    """Members and keys through the real service; pauses appended and sequenced in chunks."""
    with sqlite_database(tmp) as url, log_db(url, tmp / "keys", checkpoint_interval=0.0) as ldb:
        keys: dict[str, Key] = {}
        with ldb.sessions() as db:
            group = groups.get_group(db, slug=ldb.group.slug)
            for slug in ("convener", *PARTIES):
                org = groups.add_organisation(
                    db, group=group, actor=OPERATOR, slug=slug, name=slug.title(),
                    kind="convener" if slug == "convener" else "party", timezone="Europe/Kyiv")
                if slug in PARTIES:
                    key = signing.generate_private_key()
                    raw = signing.public_key_bytes(key)
                    groups.register_key(db, organisation=org, actor=OPERATOR,
                                        public_key=signing.encode_public_key(raw))
                    keys[slug] = (key, signing.fingerprint(raw))
            for first in range(1, pauses + 1, CHUNK):
                for i in range(first, min(pauses + 1, first + CHUNK)):
                    _pause(db, group, i, keys)
                db.commit()
                log.sequence(db, group_id=group.id)
                db.expunge_all()
                group = groups.get_group(db, slug=ldb.group.slug)
            cp = checkpoints.current(db, group_id=group.id)
            entries = list(db.scalars(select(LogEntry.data).where(
                LogEntry.group_id == group.id, LogEntry.seq < cp.size).order_by(LogEntry.seq)))
            return BuiltLog(group.slug, group.log_verifier_key, cp.note, entries)

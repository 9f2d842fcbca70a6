"""The log's pages: the current signed checkpoint with its cosignatures and the member witnesses,
the entries (paged, filterable by type), and one entry with its inclusion proof.

Entries are shown with the API's need-to-know redaction (`transparency.reads.visible_data`): another
humanitarian organisation's notification shows only its leaf hash, which is all an auditor needs.
The proof is drawn by the server and checked again in the browser (`static/log.js`), against the
root in the signed checkpoint text, whose Ed25519 signature the browser checks too with the group's
log key (the verifier key registered in entry 0, shown so a reader can compare it with the one their
auditor pinned), so the reader need not trust this page's own verdict.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.deps import SessionDep
from corridor.groups.models import Organisation, SigningKey
from corridor.groups.principal import Principal
from corridor.log import checkpoints, proofs
from corridor.log.models import Checkpoint, Cosignature, LogEntry
from corridor.transparency import cosign, reads
from corridor.web.deps import WebUser
from corridor.web.render import error_page, gettext, render

router = APIRouter(include_in_schema=False)
PAGE = 50


@dataclass
class Entry:
    index: int
    type: str | None  # None when withheld
    time: datetime | None
    organisation: str | None
    person: str | None
    data: str | None
    leaf_hash: str


@dataclass
class Witness:
    organisation: str
    name: str
    fingerprint: str
    label: str
    cosigned_size: int | None  # the largest checkpoint it cosigned
    cosigned: datetime | None  # and when
    current: bool  # whether that is the current checkpoint


def type_labels(request: Request) -> dict[str, str]:
    """What each kind of entry is, in words."""
    _ = gettext(request)
    return {
        "group.created": _("Group created"), "member.added": _("Member added"),
        "person.added": _("Person added"), "token.issued": _("API token issued"),
        "token.revoked": _("API token revoked"), "key.registered": _("Key registered"),
        "key.revoked": _("Key revoked"), "place.added": _("Place added"),
        "pause.drafted": _("Pause drafted"), "pause.proposed": _("Pause proposed"),
        "pause.amended": _("Pause amended"), "pause.consented": _("Consent signed"),
        "pause.declined": _("Pause declined"), "pause.withdrawn": _("Consent withdrawn"),
        "pause.agreed": _("Pause agreed"), "pause.lapsed": _("Pause lapsed"),
        "site.notified": _("Site notified"), "site.confirmed": _("Site re-confirmed"),
        "site.acknowledged": _("Site acknowledged"),
        "movement.notified": _("Movement notified"),
        "movement.acknowledged": _("Movement acknowledged"),
        "operation.created": _("Operation created"), "operation.counted": _("People counted"),
        "operation.departure_recorded": _("Departure from a convoy recorded"),
        "operation.cargo_reported": _("Cargo reported"),
        "operation.participant_added": _("Participant added to an operation"),
        "operation.participant_removed": _("Participant removed from an operation"),
        "incident.reported": _("Incident reported"),
        "incident.evidence_added": _("Evidence added"),
        "incident.answered": _("Incident answered"),
        "incident.followup_closed": _("Follow-up closed"),
    }


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _entry(principal: Principal, row: LogEntry) -> Entry:
    text = reads.visible_data(principal, row)
    if text is None:
        return Entry(row.seq, None, None, None, None, None, b64(row.leaf_hash))
    envelope = json.loads(text)
    who = envelope.get("actor") or {}
    when = envelope.get("time")
    return Entry(row.seq, row.type,
                 datetime.fromisoformat(when.replace("Z", "+00:00")) if when else None,
                 who.get("organisation"), who.get("person"), text, b64(row.leaf_hash))


def _entries(db: Session, principal: Principal, size: int, kind: str, page: int
             ) -> tuple[list[Entry], int]:
    """One page of entries, newest first, and how many pages there are."""
    group_id = principal.group.id
    if not kind:
        end = max(size - (page - 1) * PAGE, 0)
        rows = proofs.entries(db, group_id=group_id, start=max(end - PAGE, 0),
                              end=end) if end else []
        return [_entry(principal, r) for r in reversed(rows)], max(1, -(-size // PAGE))
    # A filter by type lists only entries the reader may read, so it never tells the type
    # of a withheld one.
    query = (select(LogEntry).where(LogEntry.group_id == group_id, LogEntry.type == kind,
                                    LogEntry.seq < size).order_by(LogEntry.seq.desc()))
    shown = [e for e in (_entry(principal, r) for r in db.scalars(query)) if e.data is not None]
    start = (page - 1) * PAGE
    return shown[start:start + PAGE], max(1, -(-len(shown) // PAGE))


def _witnesses(db: Session, cp: Checkpoint) -> list[Witness]:
    """Every member's witness key, and the newest checkpoint it cosigned (a witness cosigns
    when it has checked a checkpoint, so the current one may not be cosigned yet)."""
    signed = {c.signing_key_id: c for c in db.scalars(select(Cosignature).where(
        Cosignature.group_id == cp.group_id).order_by(Cosignature.size))}
    keys = db.scalars(select(SigningKey).join(Organisation).where(
        Organisation.group_id == cp.group_id, SigningKey.purpose == "witness",
        SigningKey.revoked_at.is_(None)).order_by(Organisation.slug, SigningKey.id))
    out = []
    for key in keys:
        cosig = signed.get(key.id)
        out.append(Witness(key.organisation.name, cosign.witness_name(key.organisation),
                           key.fingerprint, key.label, cosig.size if cosig else None,
                           datetime.fromtimestamp(cosig.timestamp, UTC) if cosig else None,
                           cosig is not None and cosig.size == cp.size))
    return out


def _current(db: Session, principal: Principal) -> Checkpoint:
    return reads.current_checkpoint(db, principal=principal)


@router.get("/log")
def log_page(request: Request, login: WebUser, db: SessionDep,
             type: str = Query("", max_length=64),
             page: int = Query(1, ge=1, le=1_000_000)) -> Response:
    principal = login.principal
    cp = _current(db, principal)
    entries, pages = _entries(db, principal, cp.size, type, page)
    kinds = sorted(db.scalars(select(LogEntry.type).where(
        LogEntry.group_id == principal.group.id).distinct()))
    witnesses = _witnesses(db, cp)
    return render(request, "log/page.html", login=login, cp=cp, root=b64(cp.root),
                  note=checkpoints.with_cosignatures(db, cp), witnesses=witnesses,
                  cosigned=sum(1 for w in witnesses if w.current), entries=entries,
                  page=page, pages=pages, kind=type, kinds=kinds,
                  types=type_labels(request), vkey=principal.group.log_verifier_key)


@router.get("/log/entries/{index:int}")
def entry_page(request: Request, login: WebUser, db: SessionDep, index: int) -> Response:
    principal = login.principal
    cp = _current(db, principal)
    group_id = principal.group.id
    size = proofs.head(db, group_id=group_id).size
    if not 0 <= index < size:
        _ = gettext(request)
        return error_page(request, 404, _("Not found"),
                          _("The log has %(size)s entries, numbered from 0.") % {"size": size})
    row = proofs.entries(db, group_id=group_id, start=index, end=index + 1)[0]
    included = index < cp.size
    proof = proofs.inclusion(db, group_id=group_id, index=index, size=cp.size) if included \
        else []
    return render(request, "log/entry.html", login=login, cp=cp, root=b64(cp.root),
                  note=checkpoints.with_cosignatures(db, cp), entry=_entry(principal, row),
                  included=included, proof=[b64(p) for p in proof], pretty=_pretty,
                  types=type_labels(request), vkey=principal.group.log_verifier_key,
                  api=f"/api/v1/groups/{principal.group.slug}/log/proofs/inclusion")


def _pretty(text: str) -> str:
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False)


"""The printable agreement of one pause version: full text, window in every zone, and each
signature with organisation, person, key fingerprint, time, log index and inclusion proof."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from corridor.errors import NotFound
from corridor.groups.principal import Principal
from corridor.log import proofs, refs
from corridor.pauses import views
from corridor.pauses.models import Pause, PauseVersion
from corridor.pauses.service import decisions
from corridor.pauses.window import Window, in_zones

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def render(db: Session, pause: Pause, viewer: Principal, number: int) -> str:
    version = db.get(PauseVersion, (pause.id, number))
    if version is None:
        raise NotFound(f"pause {pause.id} has no version {number}", field="version")
    content = json.loads(version.content)
    window = Window(*(views.datetime_of(content["window"][k]) for k in ("start", "end")))
    size = proofs.head(db, group_id=pause.group_id).size
    signatures = []
    signed = [d for d in decisions(db, pause) if d.version == number]
    indexes = refs.indexes(db, [d.log_pending_id for d in signed])
    for d in signed:
        index = indexes.get(d.log_pending_id)
        proof = (proofs.inclusion(db, group_id=pause.group_id, index=index, size=size)
                 if index is not None else [])
        signatures.append({
            "organisation": d.organisation.name, "slug": d.organisation.slug,
            "decision": d.decision, "person": d.person.username,
            "fingerprint": d.key.fingerprint, "at": d.created_at.isoformat(),
            "log_index": index, "tree_size": size,
            "proof": [base64.b64encode(p).decode() for p in proof],
            "signature": d.signature,
        })
    view = views.pause_out(db, pause, viewer)
    return _env.get_template("agreement.html").render(
        group=viewer.group, pause=pause, view=view, version=version, content=content,
        windows=in_zones(window, views.zones_for(db, pause, content, viewer)),
        signatures=signatures, current=number == pause.current_version,
    )

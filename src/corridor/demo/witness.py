"""The demo's last step: both parties' auditors cosign the newest checkpoint as witnesses."""

from __future__ import annotations

from sqlalchemy.orm import Session

from corridor import clock
from corridor.db import begin_for_write
from corridor.demo.scenario import Scenario
from corridor.log import checkpoints, note, signing
from corridor.log import service as log
from corridor.log.service import lock_head
from corridor.transparency import cosign


def cosign_by_parties(db: Session, scenario: Scenario) -> int:
    """Issue a checkpoint of the whole log and have each party's witness key cosign it."""
    log.integrate(db, scenario.group.id)  # everything pending gets its place first
    begin_for_write(db)
    head = lock_head(db, scenario.group.id)
    assert head is not None
    cp = checkpoints.issue_if_due(db, head=head, force=True)
    db.commit()
    assert cp is not None
    body = note.parse_note_text(cp.note)
    for party in ("ukraine", "russia"):
        member = scenario.members[party]
        key = signing.read_private_key(member.key_files["witness"])
        signer = note.CosignatureSigner(cosign.witness_name(member.org), key)
        line = note.cosign(body, signer, int(clock.now().timestamp()))
        cosign.add_cosignature(db, group=scenario.group, organisation=member.org,
                              size=cp.size, line=line)
    return cp.size

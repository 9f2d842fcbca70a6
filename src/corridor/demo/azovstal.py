"""The Azovstal evacuation pause of April–May 2022, replayed with every date shifted by the same
amount so that the pause is under way when the demo starts.

Proposed by UN OCHA, amended once (window extended by a day), signed by both parties on the
final version; Ukraine's signature on the first version stays on record, visibly void.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from corridor import clock
from corridor.clock import FixedClock
from corridor.demo.scenario import Scenario
from corridor.log import signing
from corridor.pauses import consent
from corridor.pauses import service as pauses
from corridor.pauses.models import Pause
from corridor.pauses.schemas import PauseContentIn, SignedStatementIn
from corridor.pauses.service import current_version

# The seed's "now": mid-pause, 1 May 2022 12:00 UTC. Every seed time moves by (now - SEED_NOW).
SEED_NOW = datetime(2022, 5, 1, 12, 0, tzinfo=UTC)

# Places of the corridor (lon, lat), from the public record.
WAYPOINTS = [
    ("Mariupol (Azovstal)", 37.6100, 47.0980),
    ("Bezimenne", 38.0060, 47.1070),
    ("Manhush", 37.3000, 47.0530),
    ("Berdiansk", 36.7880, 46.7580),
    ("Tokmak", 35.7050, 47.2550),
    ("Vasylivka", 35.2740, 47.4430),
    ("Zaporizhzhia", 35.1390, 47.8380),
]


def shift() -> timedelta:
    """How far the seed's dates move so that SEED_NOW is the current hour."""
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    return now - SEED_NOW


def _content(delta: timedelta, end: datetime) -> PauseContentIn:
    start = datetime(2022, 4, 30, 3, 0, tzinfo=UTC) + delta
    return PauseContentIn.model_validate({
        "title": "Evacuation of civilians from the Azovstal plant, Mariupol",
        "purposes": ["evacuation", "medical"],
        "corridor": {
            "waypoints": [{"name": n, "lon": lon, "lat": lat} for n, lon, lat in WAYPOINTS],
            "half_width_m": 3000,
        },
        "window": {"start": start.isoformat(), "end": (end + delta).isoformat()},
        "required_signatories": ["russia", "ukraine"],
        "destinations": ["Zaporizhzhia"],
        "aid_may_enter": False,
        "who_may_leave": "all civilians sheltering at the Azovstal plant and in Mariupol",
        "vehicle_marking": "UN and ICRC emblems on buses and ambulances",
        "conditions": "Convoy led by the ICRC with the UN. Evacuees choose their destination.",
    })


def build_pause(db: Session, scenario: Scenario, max_vertices: int) -> int:
    """Propose, amend and sign the Azovstal pause; return its id."""
    delta = shift()
    fixed = FixedClock(datetime(2022, 4, 27, 9, 0, tzinfo=UTC) + delta)
    clock.set_clock(fixed)
    try:
        ocha = scenario.members["un-ocha"].principal("negotiator")
        pause = pauses.create(
            db, principal=ocha, max_vertices=max_vertices, propose=True,
            content=_content(delta, datetime(2022, 5, 2, 15, 0, tzinfo=UTC)))
        fixed.advance(timedelta(hours=20))
        _sign(db, scenario, pause, "ukraine")  # to version 1: voided by the amendment below
        fixed.advance(timedelta(hours=6))
        pause = pauses.amend(
            db, principal=ocha, pause=pause, base_version=1, max_vertices=max_vertices,
            content=_content(delta, datetime(2022, 5, 3, 15, 0, tzinfo=UTC)))
        fixed.advance(timedelta(hours=10))
        _sign(db, scenario, pause, "ukraine")
        fixed.advance(timedelta(hours=3))
        _sign(db, scenario, pause, "russia")
        return pause.id
    finally:
        clock.reset_clock()


def _sign(db: Session, scenario: Scenario, pause: Pause, party: str) -> None:
    member = scenario.members[party]
    principal = member.principal("negotiator")
    key = signing.read_private_key(member.key_files["signing"])
    version = current_version(db, pause)
    stmt = consent.statement(group=scenario.group.slug, pause=pause.id, version=version.number,
                             version_hash=version.version_hash, party=party, decision="agree")
    body = SignedStatementIn(statement=stmt, signature=signing.sign_statement(key, stmt),
                             key=signing.fingerprint(signing.public_key_bytes(key)))
    pauses.decide(db, principal=principal, pause=pause, body=body, decision="agree")

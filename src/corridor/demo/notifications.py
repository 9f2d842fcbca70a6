"""The seed's notifications: the ICRC's Azovstal convoy along the agreed corridor, and a hospital
in Zaporizhzhia notified by UNICEF, each acknowledged by both parties.

Dates shift with the Azovstal pause (taken from the pause itself, so the two never drift apart);
the notices follow the pause's agreement, as they did in 2022.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from corridor import clock
from corridor.clock import FixedClock
from corridor.demo.azovstal import WAYPOINTS
from corridor.demo.scenario import Scenario
from corridor.notifications import service as notifications
from corridor.notifications.models import Movement, Site
from corridor.notifications.schemas import MovementIn, SiteIn
from corridor.pauses.models import Pause

# The Azovstal pause's window opened at this seed time; its stored start gives the shift.
SEED_WINDOW_START = datetime(2022, 4, 30, 3, 0, tzinfo=UTC)


def _convoy(pause_id: int, delta: timedelta) -> MovementIn:
    return MovementIn.model_validate({
        "route": {"type": "LineString", "coordinates": [[lon, lat] for _, lon, lat in WAYPOINTS]},
        "departure": (datetime(2022, 5, 1, 6, 0, tzinfo=UTC) + delta).isoformat(),
        "arrival": (datetime(2022, 5, 3, 10, 0, tzinfo=UTC) + delta).isoformat(),
        # Vehicle and staff numbers are the seed's planning figures, not from the public record.
        "vehicles": {"count": 8, "type": "buses and ambulances",
                     "marking": "UN and ICRC emblems on buses and ambulances"},
        "staff": 12,
        "passengers": 159,  # the seed's 101 boarding at Azovstal and 58 at Manhush
        "cargo": "",
        "pause": pause_id,
        "emergency": False,
    })


def _hospital() -> SiteIn:
    _, lon, lat = WAYPOINTS[-1]
    return SiteIn(name="Hospital in Zaporizhzhia (receiving evacuees)", type="hospital",
                  lon=lon, lat=lat)


def _acknowledged(db: Session, scenario: Scenario, subject: Site | Movement,
                  fixed: FixedClock) -> None:
    for party in ("ukraine", "russia"):
        fixed.advance(timedelta(hours=3))
        notifications.acknowledge(db, principal=scenario.members[party].principal("operator"),
                                  subject=subject, party=party)


def build_notifications(db: Session, scenario: Scenario, max_vertices: int) -> tuple[int, int]:
    """Notify and acknowledge the convoy and the hospital; return (movement id, site id)."""
    pause = db.get(Pause, scenario.pause_ids[0])
    assert pause is not None
    delta = pause.window_start - SEED_WINDOW_START
    fixed = FixedClock(datetime(2022, 4, 29, 2, 0, tzinfo=UTC) + delta)  # 2 h after agreement
    clock.set_clock(fixed)
    try:
        icrc = scenario.members["icrc"].principal("operator")
        convoy = notifications.notify_movement(db, principal=icrc, body=_convoy(pause.id, delta),
                                               max_vertices=max_vertices)
        _acknowledged(db, scenario, convoy, fixed)
        fixed.advance(timedelta(hours=2))
        unicef = scenario.members["unicef"].principal("operator")
        hospital = notifications.notify_site(db, principal=unicef, body=_hospital())
        _acknowledged(db, scenario, hospital, fixed)
        return convoy.id, hospital.id
    finally:
        clock.reset_clock()

"""The seed's incident: the missile strike on Kyiv of 28 April 2022, during the UN
Secretary-General's visit to the city, reported by UN OCHA from the public record. Kyiv lies some
600 km from the Azovstal corridor, so the report is linked to no pause, site or movement.

Dates shift with the Azovstal pause (taken from the pause itself). The narrative states what
public reports said happened; it attributes the strike to no one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from corridor import clock
from corridor.clock import FixedClock
from corridor.demo.scenario import Scenario
from corridor.incidents import service as incidents
from corridor.incidents.schemas import IncidentIn
from corridor.pauses.models import Pause

SEED_WINDOW_START = datetime(2022, 4, 30, 3, 0, tzinfo=UTC)
# About 20:00 Kyiv time (UTC+3), 28 April 2022.
SEED_OCCURRED = datetime(2022, 4, 28, 17, 0, tzinfo=UTC)


def _kyiv_strike(delta: timedelta) -> IncidentIn:
    return IncidentIn.model_validate({
        "type": "air_strike",
        "occurred_at": (SEED_OCCURRED + delta).isoformat(),
        "lon": 30.466, "lat": 50.458, "uncertainty_m": 1500,
        "place": "Shevchenkivskyi district, Kyiv",
        "casualties": {"killed": {"adults": 1}, "injured": {"age_unknown": 10}},
        "narrative": (
            "Missile strike on the Shevchenkivskyi district of Kyiv in the evening, during the "
            "visit of the UN Secretary-General to the city; a residential building was hit. "
            "Public reports: one civilian killed, at least ten injured."),
    })


def build_incidents(db: Session, scenario: Scenario) -> int:
    """Report the Kyiv strike as UN OCHA; return its id."""
    pause = db.get(Pause, scenario.pause_ids[0])
    assert pause is not None
    delta = pause.window_start - SEED_WINDOW_START
    # Reported the next night, after the pause's agreement and before the convoy's notice, so
    # the seeded log stays in time order.
    clock.set_clock(FixedClock(SEED_OCCURRED + timedelta(hours=8) + delta))
    try:
        ocha = scenario.members["un-ocha"].principal("operator")
        return incidents.report(db, principal=ocha, body=_kyiv_strike(delta)).id
    finally:
        clock.reset_clock()

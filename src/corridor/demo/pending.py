"""What still waits in the seed scenario, so that every member opens onto something to do: a
second pause proposed by the convener and awaiting both parties' consent, a WFP movement whose
acknowledgement by one party is overdue, and an incident report whose follow-up awaits the
parties' answers.

Each follows the spring of 2022, with the same date shift as the Azovstal pause (taken from the
pause itself):
- the second pause follows the second UN–ICRC evacuation operation, which in early May 2022
  brought civilians from Mariupol and the towns on the road west to Zaporizhzhia; its window
  (4–6 May) and conditions here are the seed's, not the record's;
- the WFP trucks from Dnipro are ILLUSTRATIVE (WFP did supply the Zaporizhzhia reception
  centre; this trip, its date and its loads are the seed's), as is which party has not
  acknowledged it;
- the incident relays what defenders of the plant publicly said on 1 May 2022: that shelling
  resumed after the evacuation buses left. It was not independently verified, and the report
  attributes it to no one.

Each part is built at its place in the seed's timeline (see `seed.build`), so the log stays in
time order, and every record lies before the demo's "now".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from corridor import clock
from corridor.clock import FixedClock
from corridor.incidents import service as incidents
from corridor.incidents.schemas import IncidentIn
from corridor.notifications import service as notifications
from corridor.notifications.schemas import MovementIn
from corridor.pauses import service as pauses
from corridor.pauses.models import Pause
from corridor.pauses.schemas import PauseContentIn

SEED_WINDOW_START = datetime(2022, 4, 30, 3, 0, tzinfo=UTC)

# Places of the second operation's road (lon, lat), from the public record.
ROAD_WEST = [
    ("Mariupol", 37.5440, 47.0960),
    ("Manhush", 37.3000, 47.0530),
    ("Berdiansk", 36.7880, 46.7580),
    ("Tokmak", 35.7050, 47.2550),
    ("Vasylivka", 35.2740, 47.4430),
    ("Zaporizhzhia", 35.1390, 47.8380),
]
DNIPRO = ("Dnipro", 35.0460, 48.4640)
ZAPORIZHZHIA = ROAD_WEST[-1]
AZOVSTAL = (37.6100, 47.0980)


def _delta(db: Session, scenario: Any) -> timedelta:
    pause = db.get(Pause, scenario.pause_ids[0])
    assert pause is not None
    return pause.window_start - SEED_WINDOW_START


def _second_operation(delta: timedelta) -> PauseContentIn:
    start = datetime(2022, 5, 4, 3, 0, tzinfo=UTC) + delta
    return PauseContentIn.model_validate({
        "title": "Evacuation of civilians from Mariupol and the towns on the road west",
        "purposes": ["evacuation"],
        "corridor": {
            "waypoints": [{"name": n, "lon": lon, "lat": lat} for n, lon, lat in ROAD_WEST],
            "half_width_m": 3000,
        },
        "window": {"start": start.isoformat(),
                   "end": (start + timedelta(hours=63)).isoformat()},
        "required_signatories": ["russia", "ukraine"],
        "destinations": ["Zaporizhzhia"],
        "aid_may_enter": False,
        "who_may_leave": "civilians in Mariupol, Manhush, Berdiansk, Tokmak and Vasylivka",
        "vehicle_marking": "UN and ICRC emblems on buses and ambulances",
        "conditions": "Convoy led by the ICRC with the UN, as in the first operation. Pick-up "
                      "points agreed with both parties the day before departure.",
    })


def _trucks(delta: timedelta) -> MovementIn:
    departure = datetime(2022, 5, 2, 22, 0, tzinfo=UTC) + delta
    return MovementIn.model_validate({
        # By name, as a logistician would give it: the notice keeps the names for its title.
        "via": [DNIPRO[0], ZAPORIZHZHIA[0]],
        "departure": departure.isoformat(),
        "arrival": (departure + timedelta(hours=10)).isoformat(),
        "vehicles": {"count": 4, "type": "trucks", "marking": "WFP emblem and flags"},
        "staff": 6,
        "passengers": 0,
        "cargo": "food rations, high-energy biscuits and drinking water for the reception "
                 "centre",
        "pause": None,
        "emergency": False,
    })


def _shelling(delta: timedelta) -> IncidentIn:
    return IncidentIn.model_validate({
        "type": "shelling",
        "occurred_at": (datetime(2022, 5, 1, 9, 30, tzinfo=UTC) + delta).isoformat(),
        "lon": AZOVSTAL[0], "lat": AZOVSTAL[1], "uncertainty_m": 1000,
        "place": "Azovstal plant, Mariupol",
        "casualties": {},
        "narrative": (
            "Defenders of the plant said publicly that shelling of the plant resumed after the "
            "evacuation buses had left, while civilians were still sheltering inside. Relayed "
            "as reported; not independently verified. No casualty figures given."),
    })


def build_trucks(db: Session, scenario: Any, max_vertices: int) -> int:
    """WFP notifies its trucks from Dnipro; Ukraine acknowledges, Russia's receipt is overdue.
    Built right after the seed's other notices (29 April)."""
    delta = _delta(db, scenario)
    fixed = FixedClock(datetime(2022, 4, 29, 18, 0, tzinfo=UTC) + delta)
    clock.set_clock(fixed)
    try:
        wfp = scenario.members["wfp"].principal("operator")
        trucks = notifications.notify_movement(db, principal=wfp, body=_trucks(delta),
                                               max_vertices=max_vertices)
        fixed.advance(timedelta(hours=3))
        notifications.acknowledge(db, principal=scenario.members["ukraine"].principal("operator"),
                                  subject=trucks, party="ukraine")
        return trucks.id
    finally:
        clock.reset_clock()


def build_proposal_and_report(db: Session, scenario: Any, max_vertices: int) -> tuple[int, int]:
    """The convener proposes the second operation's pause; Ukraine reports the shelling at the
    plant. Built last, after the seed's counts (1 May, before noon); returns both ids."""
    delta = _delta(db, scenario)
    fixed = FixedClock(datetime(2022, 5, 1, 11, 45, tzinfo=UTC) + delta)
    clock.set_clock(fixed)
    try:
        ocha = scenario.members["un-ocha"].principal("negotiator")
        pause = pauses.create(db, principal=ocha, max_vertices=max_vertices, propose=True,
                              content=_second_operation(delta))
        fixed.advance(timedelta(minutes=5))
        ukraine = scenario.members["ukraine"].principal("operator")
        report = incidents.report(db, principal=ukraine, body=_shelling(delta))
        return pause.id, report.id
    finally:
        clock.reset_clock()

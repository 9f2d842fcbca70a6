"""The seed's operations on the Azovstal pause: the ICRC's evacuation, counted stage by stage, and
WFP's aid delivery to the reception centre in Zaporizhzhia with its manifest.

From the seed: 101 boarded at Azovstal and 58 at Manhush, 127 arrived in Zaporizhzhia, the rest
(32) recorded as having chosen to stay: zero unaccounted; a second convoy of 51 from Azovstal is
still en route. The public record gives totals only; the split by category below is
ILLUSTRATIVE (chosen so that every category reconciles), as is where the 32 left the convoy
(Bezimenne, the first stop) and the whole aid manifest. Dates shift with the pause (taken from
the pause itself), and every report lies before the demo's "now". The seed compresses time: the
first convoy is counted off in Zaporizhzhia by mid-day of 1 May, before its notified arrival.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.clock import FixedClock
from corridor.demo.azovstal import WAYPOINTS
from corridor.demo.scenario import Scenario
from corridor.groups.principal import Principal
from corridor.notifications.models import Movement
from corridor.operations import facts
from corridor.operations import service as operations
from corridor.operations.models import Operation
from corridor.operations.schemas import CargoIn, CountIn, DepartureIn, OperationIn
from corridor.pauses.models import Pause

SEED_WINDOW_START = datetime(2022, 4, 30, 3, 0, tzinfo=UTC)
_PLACES = {name: (lon, lat) for name, lon, lat in WAYPOINTS}
AZOVSTAL, BEZIMENNE, MANHUSH, ZAPORIZHZHIA = (
    "Mariupol (Azovstal)", "Bezimenne", "Manhush", "Zaporizhzhia")
STAGES = [(AZOVSTAL, "pickup"), (BEZIMENNE, "checkpoint"), (MANHUSH, "pickup"),
          (ZAPORIZHZHIA, "destination")]


def _people(children: int, adults: int, older: int, wounded: int, disabled: int
            ) -> dict[str, int]:
    # ILLUSTRATIVE split by category; the totals are the seed's.
    return {"children": children, "adults": adults, "older_people": older,
            "wounded_or_sick": wounded, "disabilities": disabled}


# (seed time, stage, convoy, what, people): counts in the order they were taken.
EVACUATION: list[tuple[datetime, str, str, str, dict[str, int]]] = [
    (datetime(2022, 5, 1, 6, 0, tzinfo=UTC), AZOVSTAL, "convoy 1", "count",
     _people(17, 58, 26, 6, 2)),  # 101
    (datetime(2022, 5, 1, 7, 30, tzinfo=UTC), BEZIMENNE, "convoy 1", "chose_to_stay",
     _people(4, 18, 10, 1, 0)),  # 32
    (datetime(2022, 5, 1, 9, 0, tzinfo=UTC), MANHUSH, "convoy 1", "count",
     _people(11, 30, 17, 3, 1)),  # 58
    (datetime(2022, 5, 1, 11, 0, tzinfo=UTC), ZAPORIZHZHIA, "convoy 1", "count",
     _people(24, 70, 33, 8, 3)),  # 127 = 101 + 58 - 32
    (datetime(2022, 5, 1, 11, 30, tzinfo=UTC), AZOVSTAL, "convoy 2", "count",
     _people(9, 29, 13, 4, 1)),  # 51, still en route
]

# ILLUSTRATIVE manifest: plausible quantities for one day at a reception centre.
_RATIONS = {"category": "food", "item": "ready-to-eat food rations", "unit": "rations"}
_BISCUITS = {"category": "food", "item": "high-energy biscuits", "unit": "kg"}
_WATER = {"category": "water", "item": "bottled drinking water", "unit": "litres"}
CARGO: list[tuple[datetime, dict[str, Any]]] = [
    (datetime(2022, 4, 30, 22, 0, tzinfo=UTC), {
        "stage": "dispatched", "place": "Dnipro",
        "lines": [{**_RATIONS, "quantity": 1500}, {**_BISCUITS, "quantity": 600},
                  {**_WATER, "quantity": 3000}]}),
    (datetime(2022, 5, 1, 10, 0, tzinfo=UTC), {
        "stage": "lost_or_damaged", "place": "on the road to Zaporizhzhia", "reason": "damaged",
        "lines": [{**_WATER, "quantity": 120}], "free_text": "Bottles split in transit."}),
    (datetime(2022, 5, 1, 10, 30, tzinfo=UTC), {
        "stage": "delivered", "place": "Zaporizhzhia reception centre", "complete": True,
        "lines": [{**_RATIONS, "quantity": 1500}, {**_BISCUITS, "quantity": 600},
                  {**_WATER, "quantity": 2880}]}),
]


def _create(db: Session, scenario: Any, pause: Pause) -> tuple[Operation, Operation]:
    icrc = scenario.members["icrc"].principal("operator")
    convoy = db.scalar(select(Movement.id).where(Movement.pause_id == pause.id)
                       .order_by(Movement.id))
    evacuation = operations.create(db, principal=icrc, body=OperationIn.model_validate({
        "kind": "evacuation", "title": "Evacuation of civilians from the Azovstal plant",
        "pause": pause.id, "movements": [convoy] if convoy else [],
        "stages": [{"kind": kind, "name": name, "lon": _PLACES[name][0],
                    "lat": _PLACES[name][1]} for name, kind in STAGES]}))
    clock.set_clock(FixedClock(clock.now() + timedelta(hours=1)))
    aid = operations.create(
        db, principal=scenario.members["wfp"].principal("operator"),
        body=OperationIn.model_validate({
            "kind": "aid_delivery", "pause": pause.id,
            "title": "Food and water for evacuees arriving in Zaporizhzhia"}))
    return evacuation, aid


def _people_report(db: Session, icrc: Principal, op: Operation, at: datetime,
                   row: tuple[str, str, str, dict[str, int]]) -> None:
    stage, vehicle, what, people = row
    stage_ids = {s.name: s.id for s in facts.stages(db, op)}
    common = {"stage": stage_ids[stage], "vehicle": vehicle, "people": people,
              "at": at.isoformat()}
    body: CountIn | DepartureIn
    if what == "count":
        body = CountIn.model_validate({"type": "count", **common})
    else:
        body = DepartureIn.model_validate({"type": "departure", "reason": what, **common})
    operations.record_people(db, principal=icrc, operation=op, body=body)


def build_operations(db: Session, scenario: Scenario) -> tuple[int, int]:
    """Count the Azovstal evacuation and report WFP's delivery; return both operations' ids."""
    pause = db.get(Pause, scenario.pause_ids[0])
    assert pause is not None
    delta = pause.window_start - SEED_WINDOW_START
    clock.set_clock(FixedClock(datetime(2022, 4, 30, 20, 0, tzinfo=UTC) + delta))
    try:
        evacuation, aid = _create(db, scenario, pause)
        icrc = scenario.members["icrc"].principal("operator")
        wfp = scenario.members["wfp"].principal("operator")
        timeline = [(at, 0, i) for i, (at, *_) in enumerate(EVACUATION)]
        timeline += [(at, 1, i) for i, (at, _) in enumerate(CARGO)]
        for at, which, i in sorted(timeline):
            # Each report is recorded a few minutes after the count it gives.
            clock.set_clock(FixedClock(at + delta + timedelta(minutes=10)))
            if which == 0:
                _people_report(db, icrc, evacuation, at + delta, EVACUATION[i][1:])
            else:
                body = CargoIn.model_validate({**CARGO[i][1], "at": (at + delta).isoformat()})
                operations.record_cargo(db, principal=wfp, operation=aid, body=body)
        return evacuation.id, aid.id
    finally:
        clock.reset_clock()

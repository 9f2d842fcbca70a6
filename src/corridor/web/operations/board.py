"""What the operations pages show, built from the operations package's own views (the same
reconciliation the API answers with): labels in the reader's language, each vehicle's reports in
route order, and the numbers a count form starts from.

A form is prefilled with what the reconciliation believes is aboard the vehicle (its "still en
route" figure) at a checkpoint or destination, and with nothing at a pickup point (people board
there, so there is nothing to expect); the counter then changes only what differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from corridor.operations import schemas
from corridor.operations.people import CATEGORIES

Gettext = Callable[[str], str]
FIGURES = ("boarded", "departed", "arrived", "en_route", "unaccounted")


def labels(_: Gettext) -> dict[str, dict[str, str]]:
    """Every enum of operations as the reader reads it."""
    return {
        "category": {
            "children": _("Children"), "adults": _("Adults"), "older_people": _("Older people"),
            "wounded_or_sick": _("Wounded or sick"),
            "disabilities": _("People with disabilities"), "total": _("Total"),
        },
        "stage": {"pickup": _("Boarding (pickup point)"), "checkpoint": _("Checkpoint"),
                  "destination": _("Arrival (destination)")},
        "event": {"pickup": _("Boarded"), "checkpoint": _("Counted aboard"),
                  "destination": _("Arrived"), "departure": _("Left the convoy")},
        "figure": {"boarded": _("Boarded"), "departed": _("Left the convoy"),
                   "arrived": _("Arrived"), "en_route": _("Still en route"),
                   "unaccounted": _("Unaccounted for")},
        "reason": {"chose_to_stay": _("Chose to stay"),
                   "held_at_checkpoint": _("Held at a checkpoint"), "medical": _("Medical"),
                   "other": _("Other reason")},
        "kind": {"evacuation": _("Evacuation"), "aid_delivery": _("Aid delivery")},
        "cargo_category": {"food": _("Food"), "medicine": _("Medicine"), "water": _("Water"),
                           "shelter": _("Shelter"), "fuel": _("Fuel"), "other": _("Other")},
        "cargo_stage": {"dispatched": _("Dispatched"), "delivered": _("Delivered"),
                        "lost_or_damaged": _("Lost or damaged")},
        "loss_reason": {"damaged": _("Damaged"), "spoiled": _("Spoiled"),
                        "lost_in_transit": _("Lost in transit"), "seized": _("Seized"),
                        "other": _("Other reason")},
        "what": {"count": _("Count"), "departures": _("Departures")},
    }


@dataclass(frozen=True)
class VehicleBoard:
    """One vehicle or convoy: its figures and its reports in route order."""

    name: str
    figures: schemas.FiguresOut
    finished_at: str | None
    last_seen: str | None
    reports: list[schemas.PeopleReportOut]

    @property
    def unaccounted(self) -> int:
        return self.figures.unaccounted.total


def vehicles(rec: schemas.ReconciliationOut,
             stages: list[schemas.StageOut]) -> list[VehicleBoard]:
    """Vehicles with anyone unaccounted first, then by name; reports by stage, then time."""
    position = {s.id: s.position for s in stages}
    out = []
    for v in rec.vehicles:
        rows = [r for r in rec.reports if r.vehicle == v.vehicle]
        rows.sort(key=lambda r: (position.get(r.stage, 0), r.type != "departure", r.id))
        out.append(VehicleBoard(v.vehicle, v.figures, v.finished_at, v.last_seen, rows))
    out.sort(key=lambda b: (b.unaccounted == 0, b.name))
    return out


def expected(rec: schemas.ReconciliationOut | None, vehicle: str,
             stage: schemas.StageOut) -> dict[str, int]:
    """The numbers a count form at this stage starts from, for this vehicle."""
    if rec is None or stage.kind == "pickup":
        return dict.fromkeys(CATEGORIES, 0)
    for v in rec.vehicles:
        if v.vehicle == vehicle:
            aboard = v.figures.en_route
            return {c: int(getattr(aboard, c)) for c in CATEGORIES}
    return dict.fromkeys(CATEGORIES, 0)


def kind_of(stages: list[schemas.StageOut], stage_id: int) -> str:
    return next((s.kind for s in stages if s.id == stage_id), "checkpoint")


def claims_table(d: schemas.DiscrepancyOut) -> list[dict[str, Any]]:
    """A discrepancy as columns side by side: the figure used, then each other claim."""
    return [{"organisation": c.organisation, "used": i == 0, "people": c.people,
             "reports": c.reports} for i, c in enumerate([d.used, *d.others])]

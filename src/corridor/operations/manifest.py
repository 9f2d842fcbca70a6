"""Reconciling an aid delivery's manifest, item by item, at every moment:

    dispatched − delivered − lost or damaged − still in transit = unaccounted

Plain data in, plain data out. Quantities are whole numbers in the unit the manifest gives (so
count in kg rather than tonnes); an item is its category, name and unit together. Until a
delivery report says the delivery is complete, whatever is neither delivered nor recorded lost is
in transit; from then on it is unaccounted. Several organisations may report the same stage of
the same item: each organisation's lines add up to its figure, the lead organisation's figure is
used where it reported (else the first organisation's), and any other differing figure is shown as
a discrepancy, never merged. Delivering or losing more than was dispatched is refused with the
numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from corridor.errors import InvalidInput


class CargoCategory(StrEnum):
    FOOD = "food"
    MEDICINE = "medicine"
    WATER = "water"
    SHELTER = "shelter"
    FUEL = "fuel"
    OTHER = "other"


class CargoStage(StrEnum):
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
    LOST_OR_DAMAGED = "lost_or_damaged"


class LossReason(StrEnum):
    DAMAGED = "damaged"
    SPOILED = "spoiled"
    LOST_IN_TRANSIT = "lost_in_transit"
    SEIZED = "seized"
    OTHER = "other"


@dataclass(frozen=True, order=True)
class Item:
    category: CargoCategory
    name: str
    unit: str

    def label(self) -> str:
        return f"{self.name} ({self.category}, {self.unit})"


@dataclass(frozen=True)
class Line:
    report: int
    organisation: str
    stage: CargoStage
    item: Item
    quantity: int
    complete: bool = False  # of a delivery report: nothing more is coming


@dataclass(frozen=True)
class ItemFigures:
    item: Item
    dispatched: int
    delivered: int
    lost_or_damaged: int
    in_transit: int
    unaccounted: int


@dataclass(frozen=True)
class CargoClaim:
    organisation: str
    quantity: int
    reports: tuple[int, ...]


@dataclass(frozen=True)
class CargoDiscrepancy:
    stage: CargoStage
    item: Item
    used: CargoClaim
    others: tuple[CargoClaim, ...]


@dataclass(frozen=True)
class ManifestReconciliation:
    items: tuple[ItemFigures, ...]
    complete: bool
    discrepancies: tuple[CargoDiscrepancy, ...]

    @property
    def unaccounted_items(self) -> int:
        return sum(1 for i in self.items if i.unaccounted)


def _claims(lines: list[Line], lead: str) -> tuple[CargoClaim, tuple[CargoClaim, ...]]:
    by_org: dict[str, list[Line]] = defaultdict(list)
    for line in sorted(lines, key=lambda x: x.report):
        by_org[line.organisation].append(line)
    claims = {org: CargoClaim(org, sum(x.quantity for x in ls),
                              tuple(sorted({x.report for x in ls})))
              for org, ls in by_org.items()}
    first = min(lines, key=lambda x: x.report).organisation
    used = claims[lead if lead in claims else first]
    others = tuple(c for o, c in sorted(claims.items())
                   if o != used.organisation and c.quantity != used.quantity)
    return used, others


def reconcile_cargo(lines: Sequence[Line], *, lead: str) -> ManifestReconciliation:
    """The reconciliation of a manifest, or InvalidInput naming the item and the numbers."""
    slots: dict[tuple[Item, CargoStage], list[Line]] = defaultdict(list)
    for line in lines:
        slots[(line.item, line.stage)].append(line)
    complete = any(x.complete for x in lines if x.stage is CargoStage.DELIVERED)
    used: dict[tuple[Item, CargoStage], int] = {}
    discrepancies = []
    for (item, stage), slot in sorted(slots.items()):
        claim, others = _claims(slot, lead)
        used[(item, stage)] = claim.quantity
        if others:
            discrepancies.append(CargoDiscrepancy(stage, item, claim, others))
    figures = []
    for item in sorted({item for item, _ in slots}):
        sent, arrived, lost = (used.get((item, s), 0) for s in CargoStage)
        if arrived + lost > sent:
            raise InvalidInput(
                f"{item.label()}: {arrived} delivered and {lost} lost or damaged, but only "
                f"{sent} dispatched; record the dispatch first, or check the unit",
                field="/lines", extra={"item": item.name, "category": str(item.category),
                                      "unit": item.unit, "dispatched": sent,
                                      "delivered": arrived, "lost_or_damaged": lost})
        in_transit = 0 if complete else sent - arrived - lost
        figures.append(ItemFigures(item, sent, arrived, lost, in_transit,
                                   sent - arrived - lost - in_transit))
    return ManifestReconciliation(tuple(figures), complete, tuple(discrepancies))

"""What counters report about an evacuation, as plain data: people by category, the stages of a
route, counts and departures. reconcile.py works on these."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CATEGORIES = ("children", "adults", "older_people", "wounded_or_sick", "disabilities")
AGE_GROUPS = ("children", "adults", "older_people")


class StageKind(StrEnum):
    PICKUP = "pickup"
    CHECKPOINT = "checkpoint"
    DESTINATION = "destination"


class Reason(StrEnum):
    CHOSE_TO_STAY = "chose_to_stay"
    HELD_AT_CHECKPOINT = "held_at_checkpoint"
    MEDICAL = "medical"
    OTHER = "other"


@dataclass(frozen=True)
class People:
    """A count by category; `total` is the sum of the three age groups."""

    children: int = 0
    adults: int = 0
    older_people: int = 0
    wounded_or_sick: int = 0
    disabilities: int = 0

    @property
    def total(self) -> int:
        return self.children + self.adults + self.older_people

    def get(self, category: str) -> int:
        return int(getattr(self, category))

    def __add__(self, other: People) -> People:
        return People(*(self.get(c) + other.get(c) for c in CATEGORIES))

    def __sub__(self, other: People) -> People:
        return People(*(self.get(c) - other.get(c) for c in CATEGORIES))

    def floor_zero(self) -> People:
        return People(*(max(self.get(c), 0) for c in CATEGORIES))

    def as_dict(self) -> dict[str, int]:
        return {**{c: self.get(c) for c in CATEGORIES}, "total": self.total}


NOBODY = People()


@dataclass(frozen=True)
class Stage:
    id: int
    position: int
    kind: StageKind
    name: str


@dataclass(frozen=True)
class Count:
    """People boarding (pickup), counted aboard (checkpoint) or counted off (destination)."""

    id: int
    stage: Stage
    vehicle: str
    organisation: str
    people: People
    last_stop: bool = True  # only read at a destination


@dataclass(frozen=True)
class Departure:
    """People who left a vehicle at (or just after) a stage, with the reason given."""

    id: int
    stage: Stage
    vehicle: str
    organisation: str
    people: People
    reason: Reason

"""What the planner is asked: pickup sites and the people waiting there by category, the fleet,
the corridor with its checkpoints, the window and the time step.

The corridor is one line from the depot (km 0, outside the pause area: where vehicles wait,
unload and must be back) to the far end; sites and checkpoints are placed by km along it. That is
how a pause's corridor is agreed (one route through named waypoints), and it keeps the
time-expanded network a path with branches, small enough to solve exactly.

Input is parsed with pydantic, and every refusal becomes one `InvalidInput` naming the field, in
the same dotted form the API uses (`sites.1.waiting.children`).
"""

from __future__ import annotations

import math
from datetime import datetime
from itertools import pairwise
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corridor.errors import InvalidInput
from corridor.inputs import dotted_to_pointer, pointer

Category = Literal["wounded_or_sick", "older_or_disabled", "children", "others"]
CATEGORIES: tuple[str, ...] = ("wounded_or_sick", "older_or_disabled", "children", "others")
DEFAULT_WEIGHTS: dict[str, float] = {
    "wounded_or_sick": 10.0, "older_or_disabled": 5.0, "children": 3.0, "others": 1.0}
Name = Field(min_length=1, max_length=120)
People = Field(default=0, ge=0, le=10_000_000)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Waiting(_In):
    """People waiting at a site, by category (counts only: never names)."""

    wounded_or_sick: int = People
    older_or_disabled: int = People
    children: int = People
    others: int = People

    def get(self, category: str) -> int:
        return int(getattr(self, category))

    @property
    def total(self) -> int:
        return sum(self.get(c) for c in CATEGORIES)


class Site(_In):
    name: str = Name
    km: float = Field(ge=0, le=5000, allow_inf_nan=False,
                      description="Distance along the corridor from the depot")
    waiting: Waiting = Field(default_factory=Waiting)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)


class Checkpoint(_In):
    name: str = Name
    km: float = Field(gt=0, le=5000, allow_inf_nan=False)
    delay_minutes: float = Field(ge=0, le=24 * 60, allow_inf_nan=False,
                                 description="Mean time to pass, queue excluded")
    throughput_per_hour: int = Field(ge=1, le=10_000,
                                     description="Vehicles per hour, in each direction")
    outbound_per_hour: int | None = Field(default=None, ge=1, le=10_000,
                                          description="Towards the depot, if it differs")
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)

    def throughput(self, direction: str) -> int:
        if direction == "outbound" and self.outbound_per_hour is not None:
            return self.outbound_per_hour
        return self.throughput_per_hour


class SlowStretch(_In):
    """A stretch of the corridor where no vehicle goes faster than `max_speed_kmh`."""

    from_km: float = Field(ge=0, allow_inf_nan=False)
    to_km: float = Field(gt=0, allow_inf_nan=False)
    max_speed_kmh: float = Field(gt=0, le=200, allow_inf_nan=False)


class Corridor(_In):
    length_km: float = Field(gt=0, le=5000, allow_inf_nan=False)
    checkpoints: list[Checkpoint] = Field(default_factory=list, max_length=50)
    slow_stretches: list[SlowStretch] = Field(default_factory=list, max_length=200)
    route: list[tuple[float, float]] | None = Field(
        default=None, description="lon/lat points from the far end to the depot, for maps")


class VehicleType(_In):
    name: str = Name
    count: int = Field(ge=0, le=100_000)
    seats: int = Field(ge=0, le=500)
    stretchers: int = Field(default=0, ge=0, le=50)
    speed_kmh: float = Field(gt=0, le=200, allow_inf_nan=False)
    categories: list[Category] | None = Field(
        default=None, description="Categories it may carry; all if omitted")
    load_minutes: float = Field(default=20, ge=0, le=24 * 60, allow_inf_nan=False)
    unload_minutes: float = Field(default=15, ge=0, le=24 * 60, allow_inf_nan=False)

    def may_carry(self, category: str, stretcher_categories: frozenset[str]) -> bool:
        if self.categories is not None and category not in self.categories:
            return False
        places = self.stretchers if category in stretcher_categories else self.seats
        return places > 0


class Depot(_In):
    name: str = Name
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)


class Window(_In):
    start: datetime | None = Field(default=None, description="For clock times in the plan")
    hours: float = Field(gt=0, le=24 * 30, allow_inf_nan=False)


def _default_weights() -> dict[Category, float]:
    return {"wounded_or_sick": 10.0, "older_or_disabled": 5.0, "children": 3.0, "others": 1.0}


def _default_stretcher() -> list[Category]:
    return ["wounded_or_sick"]


class Instance(_In):
    name: str = Field(default="plan", max_length=200)
    window: Window
    step_minutes: int = Field(default=10, ge=1, le=60)
    depot: Depot
    corridor: Corridor
    sites: list[Site] = Field(min_length=1, max_length=200)
    vehicles: list[VehicleType] = Field(max_length=50)
    priority_weights: dict[Category, float] = Field(default_factory=_default_weights)
    stretcher_categories: list[Category] = Field(default_factory=_default_stretcher)

    @model_validator(mode="after")
    def _consistent(self) -> Instance:
        _check(self)
        return self

    @property
    def window_minutes(self) -> float:
        return self.window.hours * 60

    @property
    def steps(self) -> int:
        """Whole steps in the window (rounded down: a plan never counts on a part step)."""
        return math.floor(self.window_minutes / self.step_minutes + 1e-9)

    def weight(self, category: str) -> float:
        given: dict[str, float] = dict(self.priority_weights.items())
        return float(given.get(category, DEFAULT_WEIGHTS[category]))

    @property
    def stretcher_set(self) -> frozenset[str]:
        return frozenset(self.stretcher_categories)

    @property
    def checkpoints(self) -> list[Checkpoint]:
        """Checkpoints in order from the depot outwards."""
        return sorted(self.corridor.checkpoints, key=lambda c: c.km)


class _Refused(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _check(inst: Instance) -> None:
    if inst.window_minutes < inst.step_minutes:
        raise _Refused("window.hours", f"the window ({inst.window.hours:g} h) is shorter than "
                       f"one time step ({inst.step_minutes} min)")
    if not any(v.count > 0 for v in inst.vehicles):
        raise _Refused("vehicles", "no vehicles: give at least one vehicle type with count ≥ 1")
    for i, v in enumerate(inst.vehicles):
        if v.seats + v.stretchers == 0:
            raise _Refused(f"vehicles.{i}.seats", f"'{v.name}' has neither seats nor "
                           "stretcher places")
    _unique([v.name for v in inst.vehicles], "vehicles")
    _unique([s.name for s in inst.sites], "sites")
    _unique([c.name for c in inst.corridor.checkpoints], "corridor.checkpoints")
    length = inst.corridor.length_km
    for i, s in enumerate(inst.sites):
        if s.km > length + 1e-9:
            raise _Refused(f"sites.{i}.km", f"'{s.name}' is at km {s.km:g}, beyond the end of "
                           f"the corridor (km {length:g})")
    for i, c in enumerate(inst.corridor.checkpoints):
        if c.km >= length:
            raise _Refused(f"corridor.checkpoints.{i}.km", f"'{c.name}' is at km {c.km:g}, not "
                           f"inside the corridor (0 < km < {length:g})")
        if any(abs(c.km - s.km) < 1e-9 for s in inst.sites):
            raise _Refused(f"corridor.checkpoints.{i}.km", f"'{c.name}' is at the same km as a "
                           "site; put the site before or after the checkpoint")
    for i, st in enumerate(inst.corridor.slow_stretches):
        if st.to_km <= st.from_km:
            raise _Refused(f"corridor.slow_stretches.{i}.to_km", "must be after from_km")


def _unique(names: list[str], field: str) -> None:
    seen: set[str] = set()
    for i, n in enumerate(names):
        if n in seen:
            raise _Refused(f"{field}.{i}.name", f"the name '{n}' is used twice")
        seen.add(n)


def parse_instance(data: Any, *, at: str = "") -> Instance:
    """An Instance from JSON-like data, or InvalidInput naming the first wrong field as a JSON
    pointer: into the file itself (the CLI), or below `at` (the API's body has it at
    /instance)."""
    if not isinstance(data, dict):
        raise InvalidInput("an instance is a JSON object", field=at or "body")
    try:
        return Instance.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        ctx = first.get("ctx") or {}
        refused = ctx.get("error")
        if isinstance(refused, _Refused):
            field = at + dotted_to_pointer(refused.field)
            raise InvalidInput(f"{field}: {refused}", field=field) from None
        where = pointer(first.get("loc", ()), data)
        field = (at or "body") if where == "body" else at + where
        raise InvalidInput(f"{field}: {first.get('msg', 'invalid')}", field=field) from None


def travel_minutes(inst: Instance, vehicle: VehicleType, a_km: float, b_km: float) -> float:
    """Driving time between two km marks at the vehicle's speed, slowed on slow stretches."""
    lo, hi = min(a_km, b_km), max(a_km, b_km)
    if hi <= lo:
        return 0.0
    cuts = {lo, hi}
    for st in inst.corridor.slow_stretches:
        cuts.update(k for k in (st.from_km, st.to_km) if lo < k < hi)
    marks = sorted(cuts)
    minutes = 0.0
    for x, y in pairwise(marks):
        mid = (x + y) / 2
        speed = vehicle.speed_kmh
        for st in inst.corridor.slow_stretches:
            if st.from_km <= mid <= st.to_km:
                speed = min(speed, st.max_speed_kmh)
        minutes += (y - x) / speed * 60
    return minutes


def format_minutes(minutes: float) -> str:
    """'12 h 30 min', '45 min', '3 h'."""
    total = round(minutes)
    h, m = divmod(total, 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h else f"{m} min"

"""The time-expanded network of one vehicle type: places × time steps, and the arcs between them.

Places are the depot and a queue before each checkpoint in each direction. A vehicle waits at a
place (a wait arc), or takes a *leg*: drive to the next queue, cross a checkpoint (the crossing
starts at the queue; its delay and the drive on are one leg), or *visit* a site: from the last
queue before it, drive there, load, and drive back to the queue on the other side of the road.
Sites need no nodes: people wait there from the start, so a vehicle that would wait at a site
can as well load at once and wait in the outbound queue (same times, same crossings). Between
checkpoints nothing else can constrain a vehicle. That keeps the network 1 + 2 × checkpoints places
wide, however many sites and kilometres — the difference between seconds and minutes for HiGHS.

Durations are rounded **up** to whole steps (at least one), so a plan on the grid is never faster
than the road. Arcs exist only when they end inside the window and the vehicle can still be back
at the depot from where they end, so no solution of the network can strand a vehicle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from corridor.planning.instance import CATEGORIES, Instance, VehicleType, travel_minutes

DEPOT = 0
INF = 10**9


@dataclass(frozen=True)
class Leg:
    """One way of leaving a place, with its duration on the grid and on the road."""

    tail: int
    head: int
    steps: int
    minutes: float
    km: float
    kind: str  # "move", "cross", "visit" (a site: there, load, and back to the next queue)
    checkpoint: int | None = None  # crossed at the start of the leg
    direction: str | None = None  # "inbound" (away from the depot) or "outbound"
    site: int | None = None
    in_steps: int = 0  # of a visit: steps until loading starts at the site

    @property
    def returns(self) -> bool:
        """Ends at the depot: the vehicle is back, and unloads."""
        return self.head == DEPOT


@dataclass(frozen=True)
class Layout:
    """Where the places are: the same for every vehicle type."""

    n_checkpoints: int
    n_sites: int
    site_zone: tuple[int, ...]  # checkpoints between the depot and each site

    def inbound(self, j: int) -> int:
        return 1 + j

    def outbound(self, j: int) -> int:
        return 1 + self.n_checkpoints + j

    @property
    def n_places(self) -> int:
        return 1 + 2 * self.n_checkpoints

    def describe(self, place: int) -> tuple[str, int]:
        """("depot"|"inbound"|"outbound", checkpoint index)."""
        k = self.n_checkpoints
        if place == DEPOT:
            return "depot", 0
        if place <= k:
            return "inbound", place - 1
        return "outbound", place - 1 - k


def layout_of(inst: Instance) -> Layout:
    cps = inst.checkpoints
    zones = tuple(sum(1 for c in cps if c.km < s.km) for s in inst.sites)
    return Layout(len(cps), len(inst.sites), zones)


def to_steps(minutes: float, step: int) -> int:
    return max(1, math.ceil(minutes / step - 1e-9))


def legs_for(inst: Instance, v: VehicleType, layout: Layout, sites: list[int]) -> list[Leg]:
    """Every leg of vehicle type `v` towards and back from the given sites."""
    cps = inst.checkpoints
    step = inst.step_minutes
    legs: list[Leg] = []
    k = layout.n_checkpoints
    farthest = max((layout.site_zone[s] for s in sites), default=-1)
    # Inbound: from the depot or a checkpoint's queue (crossing it) to the next queue, or to a
    # site in that stretch and back to the queue on the other side.
    for j in range(-1, min(k, farthest)):
        here_km = 0.0 if j < 0 else cps[j].km
        delay = 0.0 if j < 0 else cps[j].delay_minutes
        tail = DEPOT if j < 0 else layout.inbound(j)
        crossing: dict[str, int | str] = {} if j < 0 else {"checkpoint": j,
                                                           "direction": "inbound"}
        if j + 1 < farthest:
            nxt = cps[j + 1].km
            minutes = delay + travel_minutes(inst, v, here_km, nxt)
            legs.append(Leg(tail, layout.inbound(j + 1), to_steps(minutes, step), minutes,
                            nxt - here_km, "cross" if crossing else "move",
                            **crossing))  # type: ignore[arg-type]
        for s in sites:
            if layout.site_zone[s] != j + 1:
                continue
            skm = inst.sites[s].km
            there = delay + travel_minutes(inst, v, here_km, skm)
            back = v.load_minutes + travel_minutes(inst, v, skm, here_km)
            head = DEPOT if j < 0 else layout.outbound(j)
            legs.append(Leg(tail, head, to_steps(there, step) + to_steps(back, step),
                            there + back, 2 * (skm - here_km), "visit", site=s,
                            in_steps=to_steps(there, step), **crossing))  # type: ignore[arg-type]
    # Outbound crossings towards the depot.
    for j in range(min(k, farthest)):
        to_km = 0.0 if j == 0 else cps[j - 1].km
        head = DEPOT if j == 0 else layout.outbound(j - 1)
        minutes = cps[j].delay_minutes + travel_minutes(inst, v, cps[j].km, to_km)
        legs.append(Leg(layout.outbound(j), head, to_steps(minutes, step), minutes,
                        cps[j].km - to_km, "cross", checkpoint=j, direction="outbound"))
    return legs


def servable_sites(inst: Instance, v: VehicleType) -> list[int]:
    """Sites where someone waits whom this type may carry."""
    stretcher = inst.stretcher_set
    return [s for s, site in enumerate(inst.sites)
            if any(site.waiting.get(c) > 0 and v.may_carry(c, stretcher) for c in CATEGORIES)]


def shortest(n: int, legs: list[Leg], start: int, reverse: bool) -> list[int]:
    """Fewest steps from `start` to every place (or to `start`, with reverse), no waiting."""
    dist = [INF] * n
    dist[start] = 0
    for _ in range(n + 1):
        changed = False
        for leg in legs:
            a, b = (leg.head, leg.tail) if reverse else (leg.tail, leg.head)
            if dist[a] < INF and dist[a] + leg.steps < dist[b] and not (
                    not reverse and b == start):
                dist[b] = dist[a] + leg.steps
                changed = True
        if not changed:
            break
    return dist


@dataclass
class TypeNetwork:
    """Arcs of one vehicle type. Arc a goes from (tail place, t) to (head place, head time)."""

    vtype: int
    vehicle: VehicleType
    steps: int  # T: the window in steps
    unload_steps: int
    legs: list[Leg]
    earliest: list[int]
    to_depot: list[int]
    sites: list[int]
    tail_place: list[int] = field(default_factory=list)
    tail_t: list[int] = field(default_factory=list)
    head_place: list[int] = field(default_factory=list)
    head_t: list[int] = field(default_factory=list)
    leg: list[int] = field(default_factory=list)  # index into legs, -1 for a wait

    @property
    def n_arcs(self) -> int:
        return len(self.leg)

    def alive(self, place: int, t: int) -> bool:
        return self.earliest[place] <= t and t + self.to_depot[place] <= self.steps

    def arrival_time(self, leg: Leg, t: int) -> int:
        """When a vehicle that takes `leg` at t is at its head (at the depot: unloaded)."""
        end = t + leg.steps
        return min(end + self.unload_steps, self.steps) if leg.returns else end


def build_type(inst: Instance, layout: Layout, vtype: int, vehicle: VehicleType | None = None,
               sites: list[int] | None = None) -> TypeNetwork:
    """The network of type `vtype` (or of a stand-in `vehicle`, for the pooled bound)."""
    v = vehicle or inst.vehicles[vtype]
    sites = servable_sites(inst, v) if sites is None else sites
    legs = legs_for(inst, v, layout, sites)
    n = layout.n_places
    earliest = shortest(n, legs, DEPOT, reverse=False)
    to_depot = shortest(n, legs, DEPOT, reverse=True)
    T = inst.steps
    net = TypeNetwork(vtype, v, T, to_steps(v.unload_minutes, inst.step_minutes)
                      if v.unload_minutes > 0 else 0, legs, earliest, to_depot, sites)
    used_places = {DEPOT} | {leg.tail for leg in legs} | {leg.head for leg in legs}
    for p in sorted(used_places):
        first = earliest[p]
        last = T - to_depot[p]
        for t in range(max(first, 0), last):
            net.tail_place.append(p)
            net.tail_t.append(t)
            net.head_place.append(p)
            net.head_t.append(t + 1)
            net.leg.append(-1)
    for i, leg in enumerate(legs):
        for t in range(earliest[leg.tail], T - to_depot[leg.tail] + 1):
            end = t + leg.steps
            if end > T or not (leg.returns or net.alive(leg.head, end)):
                continue
            net.tail_place.append(leg.tail)
            net.tail_t.append(t)
            net.head_place.append(leg.head)
            net.head_t.append(net.arrival_time(leg, t))
            net.leg.append(i)
    return net


def round_trip_steps(net: TypeNetwork, layout: Layout, site: int) -> int:
    """Fewest steps for depot → site → depot (arrival, before unloading)."""
    return min((net.earliest[leg.tail] + leg.steps + net.to_depot[leg.head]
                for leg in net.legs if leg.site == site), default=INF)


@dataclass
class Network:
    inst: Instance
    layout: Layout
    types: list[TypeNetwork]

    @property
    def n_arcs(self) -> int:
        return sum(t.n_arcs for t in self.types)


def build(inst: Instance) -> Network:
    layout = layout_of(inst)
    types = [build_type(inst, layout, i) for i, v in enumerate(inst.vehicles) if v.count > 0]
    return Network(inst, layout, types)

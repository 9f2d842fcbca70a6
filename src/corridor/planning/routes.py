"""Vehicle routes on the step grid: what the greedy dispatcher builds, what the flows of the MIP
decompose into, and what becomes a plan's itineraries. Also the shared pieces both dispatchers
need: the legs of a round trip, checkpoint reservations, and filling a vehicle by priority.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from corridor.planning.instance import CATEGORIES, Instance, VehicleType
from corridor.planning.network import DEPOT, Layout, Network, TypeNetwork


@dataclass
class Trip:
    """Depot → site → depot: each leg taken at a step; people loaded by category."""

    site: int
    moves: list[tuple[int, int]]  # (leg index in the type's network, step it is taken)
    people: dict[str, int] = field(default_factory=dict)

    def load_step(self, net: TypeNetwork) -> int:
        """When loading starts at the site."""
        leg, t = next(m for m in self.moves if net.legs[m[0]].kind == "visit")
        return t + net.legs[leg].in_steps

    def back(self, net: TypeNetwork) -> int:
        """Step of arrival at the depot (before unloading)."""
        leg, t = self.moves[-1]
        return t + net.legs[leg].steps


@dataclass
class Route:
    vtype: int
    number: int  # 1.. within the type
    trips: list[Trip] = field(default_factory=list)


def trip_legs(net: TypeNetwork, layout: Layout, site: int) -> list[int]:
    """The legs of a round trip to `site`, in order (the corridor is a line: one way there)."""
    by_tail: dict[int, list[int]] = {}
    for i, leg in enumerate(net.legs):
        by_tail.setdefault(leg.tail, []).append(i)
    path: list[int] = []
    place = DEPOT
    while True:
        options = by_tail[place]
        visit = next((i for i in options if net.legs[i].site == site), None)
        nxt = visit if visit is not None else next(
            i for i in options if layout.describe(net.legs[i].head)[0] == "inbound")
        path.append(nxt)
        place = net.legs[nxt].head
        if visit is not None:
            break
    while place != DEPOT:
        nxt = by_tail[place][0]  # an outbound queue has one leg: its crossing
        path.append(nxt)
        place = net.legs[nxt].head
    return path


class Reservations:
    """Checkpoint crossings per step and direction, with the hourly limit over any 60 minutes."""

    def __init__(self, inst: Instance, horizon: int | None = None) -> None:
        self.T = inst.steps if horizon is None else horizon
        self.window = math.ceil(60 / inst.step_minutes)
        cps = inst.checkpoints
        self.cap = {(j, d): c.throughput(d) for j, c in enumerate(cps)
                    for d in ("inbound", "outbound")}
        # sums[(j, d)][k]: crossings in steps k .. k+window-1
        self.sums = {key: [0] * (self.T + 2) for key in self.cap}

    def free(self, j: int, direction: str, t: int) -> bool:
        sums = self.sums[(j, direction)]
        lo = max(0, t - self.window + 1)
        return max(sums[lo:t + 1]) < self.cap[(j, direction)]

    def take(self, j: int, direction: str, t: int) -> None:
        sums = self.sums[(j, direction)]
        for k in range(max(0, t - self.window + 1), t + 1):
            sums[k] += 1

    def first_free(self, j: int, direction: str, t: int, latest: int) -> int | None:
        while t <= latest:
            if self.free(j, direction, t):
                return t
            t += 1
        return None


def plan_trip(net: TypeNetwork, legs: list[int], t0: int,
              booked: Reservations) -> list[tuple[int, int]] | None:
    """Earliest timing of a round trip leaving the depot at t0, queueing at checkpoints for
    free capacity; None if it cannot be back in time."""
    moves: list[tuple[int, int]] = []
    t = t0
    for i in legs:
        leg = net.legs[i]
        latest = net.steps - net.to_depot[leg.tail]
        if leg.checkpoint is not None:
            assert leg.direction is not None
            found = booked.first_free(leg.checkpoint, leg.direction, t, latest)
            if found is None:
                return None
            t = found
        if t > latest:
            return None
        moves.append((i, t))
        t += leg.steps
    return moves if t <= net.steps else None


def book(net: TypeNetwork, moves: list[tuple[int, int]], booked: Reservations) -> None:
    for i, t in moves:
        leg = net.legs[i]
        if leg.checkpoint is not None:
            assert leg.direction is not None
            booked.take(leg.checkpoint, leg.direction, t)


def fill(inst: Instance, v: VehicleType, remaining: dict[str, int]) -> dict[str, int]:
    """People one load takes, highest priority first, within seats and stretcher places."""
    stretcher = inst.stretcher_set
    places = {"stretcher": v.stretchers, "seat": v.seats}
    taken: dict[str, int] = {}
    for c in sorted(CATEGORIES, key=lambda c: -inst.weight(c)):
        if not v.may_carry(c, stretcher):
            continue
        kind = "stretcher" if c in stretcher else "seat"
        n = min(places[kind], remaining.get(c, 0))
        if n > 0:
            taken[c] = n
            places[kind] -= n
    return taken


def routes_to_flows(network: Network, routes: list[Route]) -> list[dict[tuple[int, int, int], int]]:
    """Per type, the flow on each arc keyed (tail place, tail step, leg or -1 for a wait)."""
    flows: list[dict[tuple[int, int, int], int]] = [{} for _ in network.types]
    index = {net.vtype: k for k, net in enumerate(network.types)}
    for r in routes:
        k = index[r.vtype]
        net = network.types[k]
        place, t = DEPOT, 0
        for trip in r.trips:
            for leg_i, at in trip.moves:
                leg = net.legs[leg_i]
                assert leg.tail == place and at >= t
                for w in range(t, at):
                    key = (place, w, -1)
                    flows[k][key] = flows[k].get(key, 0) + 1
                key = (place, at, leg_i)
                flows[k][key] = flows[k].get(key, 0) + 1
                place, t = leg.head, net.arrival_time(leg, at)
        for w in range(t, net.steps):
            key = (DEPOT, w, -1)
            flows[k][key] = flows[k].get(key, 0) + 1
    return flows

"""The naive convoy: the spreadsheet plan this planner replaces, as the benchmark's baseline.

The whole fleet leaves together, goes to the site with the most people still waiting, loads, and
comes back together; the next convoy leaves when the last vehicle is back. Each convoy is planned
with nominal times (driving and checkpoint delays, no queue) and sent while that nominal round trip
fits the window. In reality a checkpoint passes only so many vehicles an hour, so the convoy
queues: simulated here with the same reservations as everyone else, its vehicles come back late,
and those are the *stranded* vehicles the baseline is counted for. People on a trip that ends
after the window are not counted as brought out.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.planning.instance import CATEGORIES
from corridor.planning.network import Network
from corridor.planning.routes import Reservations, Route, Trip, fill, trip_legs


@dataclass
class NaiveResult:
    routes: list[Route]
    stranded: int  # vehicles still inside the pause area when it ends
    people: int  # brought out before the end
    weighted: float


def naive_convoy(network: Network) -> NaiveResult:
    inst, layout = network.inst, network.layout
    T = inst.steps
    remaining = [{c: s.waiting.get(c) for c in CATEGORIES} for s in inst.sites]
    booked = Reservations(inst, horizon=4 * T + 1000)
    routes = [Route(net.vtype, n + 1) for net in network.types for n in range(net.vehicle.count)]
    kinds = [k for k, net in enumerate(network.types) for _ in range(net.vehicle.count)]
    stranded: set[int] = set()
    people, weighted = 0, 0.0
    t = 0
    while True:
        def waiting(s: int) -> float:
            return sum(inst.weight(c) * n for c, n in remaining[s].items())

        candidates = [s for s in range(len(inst.sites)) if waiting(s) > 0 and any(
            s in net.sites for net in network.types)]
        if not candidates:
            break
        s = max(candidates, key=waiting)
        nominal = max(sum(net.legs[i].steps for i in trip_legs(net, layout, s))
                      for net in network.types if s in net.sites)
        if t + nominal > T:
            break
        latest_free = t
        for r, k in enumerate(kinds):
            net = network.types[k]
            if r in stranded or s not in net.sites:
                continue
            moves, clock = [], t
            for i in trip_legs(net, layout, s):
                leg = net.legs[i]
                if leg.checkpoint is not None:
                    assert leg.direction is not None
                    while not booked.free(leg.checkpoint, leg.direction, clock):
                        clock += 1
                    booked.take(leg.checkpoint, leg.direction, clock)
                moves.append((i, clock))
                clock += leg.steps
            take = fill(inst, net.vehicle, remaining[s])
            for c, n in take.items():
                remaining[s][c] -= n
            routes[r].trips.append(Trip(s, moves, take))
            if clock > T:
                stranded.add(r)
            else:
                people += sum(take.values())
                weighted += sum(inst.weight(c) * n for c, n in take.items())
            unloaded = clock + (net.unload_steps if clock <= T else 0)
            latest_free = max(latest_free, unloaded)
        if latest_free <= t:
            break
        t = latest_free
    return NaiveResult(routes, len(stranded), people, weighted)

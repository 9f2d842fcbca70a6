"""An integer plan from the LP relaxation: round its loads, dispatch them like the greedy, repair.

On the large instances HiGHS's simplex needs minutes for the root LP of the MIP, while the
interior-point method solves the same LP in seconds. The LP value is an upper bound on every plan
(the MIP only adds integrality, and we maximise), so what remains is a good integer plan to
compare with it. The LP's flows are fractional mostly in *timing* (half a bus every step instead
of one every other step), not in *how many* loads each site gets, so:

1. per type and site, the LP's loads (flow on the site's visit arcs) are accumulated in time
   order, and the i-th whole load is requested at the step where the accumulated flow reaches
   i − θ (θ = ½ rounds the site's total to the nearest whole load; other θ are tried too);
2. the requests are dispatched in time order through the greedy's own machinery — a free vehicle
   of that type, the earliest timing with room at every checkpoint (`plan_trip`, which reserves
   the crossings and never takes a trip that cannot be back in time), people by priority;
3. the greedy then adds what still fits after each vehicle's last trip.

Every trip is built by the same code as the greedy's and booked against the same reservations,
so the plan is feasible by construction (and the checker verifies it again, as for every plan);
the bound stays the LP value, whatever the rounding loses.
"""

from __future__ import annotations

import heapq

import numpy as np

from corridor.planning.greedy import greedy
from corridor.planning.instance import CATEGORIES
from corridor.planning.network import Network
from corridor.planning.routes import Reservations, Route, Trip, book, fill, plan_trip, trip_legs


def requests(network: Network, flows: list[np.ndarray],
             theta: float) -> list[tuple[int, float, int, int]]:
    """(depot departure step, −value order key, type k, site) for each whole load."""
    out: list[tuple[int, float, int, int]] = []
    for k, (net, flow) in enumerate(zip(network.types, flows, strict=True)):
        legs = np.asarray(net.leg, dtype=np.int64)
        tail_t = np.asarray(net.tail_t, dtype=np.int64)
        for li, leg in enumerate(net.legs):
            if leg.site is None:
                continue
            arcs = np.flatnonzero((legs == li) & (np.asarray(flow) > 1e-9))
            if len(arcs) == 0:
                continue
            arcs = arcs[np.argsort(tail_t[arcs], kind="stable")]
            mass = np.cumsum(np.asarray(flow, dtype=np.float64)[arcs])
            lead = net.earliest[leg.tail]  # fastest way from the depot to the visit's start
            i = 1
            for a, m in zip(arcs.tolist(), mass.tolist(), strict=True):
                while m + 1e-9 >= i - theta:
                    out.append((max(0, int(tail_t[a]) - lead), -float(i), k, leg.site))
                    i += 1
    out.sort()
    return out


def dispatch(network: Network, wanted: list[tuple[int, float, int, int]]) -> list[Route]:
    """The requested loads, in time order, each by a free vehicle of its type."""
    inst, layout = network.inst, network.layout
    remaining = [{c: site.waiting.get(c) for c in CATEGORIES} for site in inst.sites]
    booked = Reservations(inst)
    legs = {(k, s): trip_legs(net, layout, s)
            for k, net in enumerate(network.types) for s in net.sites}
    routes: list[Route] = []
    free: list[list[tuple[int, int]]] = []  # per type: (free from step, route index)
    for net in network.types:
        free.append([(0, len(routes) + n) for n in range(net.vehicle.count)])
        routes.extend(Route(net.vtype, n + 1) for n in range(net.vehicle.count))
    for t0, _, k, s in wanted:
        net = network.types[k]
        if not free[k]:
            continue
        take = fill(inst, net.vehicle, remaining[s])
        if not take:
            continue
        at, r = heapq.heappop(free[k])
        moves = plan_trip(net, legs[(k, s)], max(at, t0), booked)
        if moves is None:
            # Too late for that site (the integer timing lags the LP's near the end): the most
            # valuable load that still fits instead.
            options = []
            for s2 in net.sites:
                take2 = fill(inst, net.vehicle, remaining[s2])
                moves2 = plan_trip(net, legs[(k, s2)], max(at, t0), booked) if take2 else None
                if moves2 is not None:
                    value = sum(inst.weight(c) * n for c, n in take2.items())
                    options.append((value, -moves2[-1][1], s2, moves2, take2))
            if not options:
                heapq.heappush(free[k], (at, r))
                continue
            _, _, s, moves, take = max(options, key=lambda o: (o[0], o[1]))
        book(net, moves, booked)
        for c, n in take.items():
            remaining[s][c] -= n
        routes[r].trips.append(Trip(s, moves, take))
        last_leg, last_t = moves[-1]
        back = net.arrival_time(net.legs[last_leg], last_t)
        if back < net.steps:
            heapq.heappush(free[k], (back, r))
    return routes


def round_lp(network: Network, flows: list[np.ndarray],
             thetas: tuple[float, ...] = (0.5, 0.7, 0.9)) -> list[Route]:
    """The best of the rounded-and-repaired LP plans over the given θ."""
    inst = network.inst
    best: list[Route] = []
    best_value = -1.0
    for theta in thetas:
        routes = greedy(network, start=dispatch(network, requests(network, flows, theta)))
        value = sum(inst.weight(c) * n for r in routes for t in r.trips
                    for c, n in t.people.items())
        if value > best_value + 1e-9:
            best, best_value = routes, value
    return best

"""From the MIP's arc flows to one route per vehicle, and from its totals Y[site, category, type]
to who boards each load.

The network is acyclic in time, so following arcs with flow left from the depot at step 0 always
reaches the depot at the end: each walk is one vehicle's day (vehicles of a type are
interchangeable, so any such decomposition is a valid assignment). People are then given out in
time order at each site, highest priority first: the wounded leave on the earliest loads.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from corridor.planning.instance import CATEGORIES, Instance
from corridor.planning.network import DEPOT, Network
from corridor.planning.routes import Route, Trip, fill


def routes_from_flows(network: Network, flows: list[np.ndarray]) -> list[Route]:
    routes: list[Route] = []
    for net, flow in zip(network.types, flows, strict=True):
        T = net.steps
        out: dict[tuple[int, int], list[int]] = defaultdict(list)
        left = flow.astype(np.int64).copy()
        for arc in np.flatnonzero(left > 0).tolist():
            out[(net.tail_place[arc], net.tail_t[arc])].append(arc)
        for number in range(1, net.vehicle.count + 1):
            route = Route(net.vtype, number)
            place, t = DEPOT, 0
            moves: list[tuple[int, int]] = []
            while not (place == DEPOT and t == T):
                arcs = out[(place, t)]
                # Prefer taking a leg over waiting, so busy vehicles stay busy (any order works).
                a: int = next((x for x in arcs if left[x] > 0 and net.leg[x] >= 0),
                              next((x for x in arcs if left[x] > 0), -1))
                if a < 0:
                    raise AssertionError(f"flow not conserved at place {place}, step {t}")
                left[a] -= 1
                leg_i = net.leg[a]
                if leg_i >= 0:
                    moves.append((leg_i, t))
                    leg = net.legs[leg_i]
                    if leg.returns:
                        visit = next(i for i, _ in moves if net.legs[i].kind == "visit")
                        site = net.legs[visit].site
                        assert site is not None
                        route.trips.append(Trip(site, moves))
                        moves = []
                place, t = net.head_place[a], net.head_t[a]
            routes.append(route)
    return routes


def assign_people(inst: Instance, network: Network, routes: list[Route],
                  totals: dict[tuple[int, str, int], int]) -> None:
    """Fill each trip's load from the totals, earliest loads first, highest priority first."""
    index = {net.vtype: k for k, net in enumerate(network.types)}
    pools: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for (s, c, k), n in totals.items():
        pools[(s, k)][c] = pools[(s, k)].get(c, 0) + n
    loads: list[tuple[int, int, Trip]] = []
    for r in routes:
        k = index[r.vtype]
        net = network.types[k]
        for trip in r.trips:
            loads.append((trip.load_step(net), k, trip))
    for _, k, trip in sorted(loads, key=lambda x: x[0]):
        pool = pools[(trip.site, k)]
        taken = fill(inst, network.types[k].vehicle, pool)
        for c, n in taken.items():
            pool[c] -= n
        trip.people = taken
    for (s, k), pool in pools.items():
        if any(pool.get(c, 0) > 0 for c in CATEGORIES):
            raise AssertionError(f"people left unassigned at site {s} for type {k}: {pool}")

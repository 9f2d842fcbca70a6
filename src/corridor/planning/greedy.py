"""The greedy dispatcher: CCRP-style (Capacity Constrained Route Planner, Lu, George & Shekhar
2005), adapted to round trips. Whenever a vehicle is free at the depot it takes, among the sites
it can still serve, the round trip that brings the most priority-weighted people per hour,
queueing at each checkpoint for the first step with room and *reserving* that room, so later
vehicles plan around it. A trip that cannot be back before the end is never taken.

It is fast (no solver), always feasible, the warm start of the MIP, and the fallback when the
solver runs out of time without anything better.
"""

from __future__ import annotations

import heapq

from corridor.planning.instance import CATEGORIES
from corridor.planning.network import Network
from corridor.planning.routes import Reservations, Route, Trip, book, fill, plan_trip, trip_legs


def greedy(network: Network, start: list[Route] | None = None) -> list[Route]:
    """The greedy plan; from `start` (routes of every vehicle, e.g. a rounded LP plan), it only
    adds trips after each vehicle's last one, around the crossings `start` already reserves."""
    inst, layout = network.inst, network.layout
    remaining = [{c: site.waiting.get(c) for c in CATEGORIES} for site in inst.sites]
    booked = Reservations(inst)
    legs = {(k, s): trip_legs(net, layout, s)
            for k, net in enumerate(network.types) for s in net.sites}
    index = {net.vtype: k for k, net in enumerate(network.types)}
    routes: list[Route] = []
    free: list[tuple[int, int, int, int]] = []  # (step, -places, type k, route index)
    if start is None:
        start = [Route(net.vtype, n + 1) for net in network.types
                 for n in range(net.vehicle.count)]
    for given in start:
        k = index[given.vtype]
        net = network.types[k]
        v = net.vehicle
        at = 0
        for trip in given.trips:
            book(net, trip.moves, booked)
            for c, n in trip.people.items():
                remaining[trip.site][c] -= n
            last_leg, last_t = trip.moves[-1]
            at = net.arrival_time(net.legs[last_leg], last_t)
        route = Route(given.vtype, given.number, list(given.trips))
        if at < net.steps:
            free.append((at, -(v.seats + v.stretchers), k, len(routes)))
        routes.append(route)
    heapq.heapify(free)
    while free:
        t0, places, k, r = heapq.heappop(free)
        net = network.types[k]
        best: tuple[float, int, int, list[tuple[int, int]], dict[str, int]] | None = None
        for s in net.sites:
            take = fill(inst, net.vehicle, remaining[s])
            if not take:
                continue
            moves = plan_trip(net, legs[(k, s)], t0, booked)
            if moves is None:
                continue
            last_leg, last_t = moves[-1]
            free_again = net.arrival_time(net.legs[last_leg], last_t)
            value = sum(inst.weight(c) * n for c, n in take.items())
            rate = value / max(1, free_again - t0)
            if best is None or (rate, -free_again) > (best[0], -best[1]):
                best = (rate, free_again, s, moves, take)
        if best is None:
            continue  # nothing it can still do in time: it stays at the depot
        _, free_again, s, moves, take = best
        book(net, moves, booked)
        for c, n in take.items():
            remaining[s][c] -= n
        routes[r].trips.append(Trip(s, moves, take))
        if free_again < net.steps:
            heapq.heappush(free, (free_again, places, k, r))
    return routes

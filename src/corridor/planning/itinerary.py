"""Routes on the step grid → the plan's itineraries, in minutes from the window's start (and clock
times when the window's start is known): the form people read, the checker verifies and the
exports write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from corridor.planning.instance import CATEGORIES, Instance
from corridor.planning.network import DEPOT, Network
from corridor.planning.routes import Route


def vehicle_label(inst: Instance, vtype: int, number: int) -> str:
    return f"{inst.vehicles[vtype].name} {number}"


def clock(inst: Instance, minutes: float) -> str | None:
    if inst.window.start is None:
        return None
    return (inst.window.start + timedelta(minutes=minutes)).isoformat()


def itineraries(network: Network, routes: list[Route]) -> list[dict[str, Any]]:
    inst = network.inst
    step = inst.step_minutes
    cps = inst.checkpoints
    index = {net.vtype: k for k, net in enumerate(network.types)}
    out = []
    for r in routes:
        net = network.types[index[r.vtype]]
        events: list[dict[str, Any]] = []

        def event(t: int, kind: str, place: str, events: list[dict[str, Any]] = events,
                  **extra: Any) -> None:
            e = {"min": t * step, "at": clock(inst, t * step), "event": kind, "place": place}
            e.update(extra)
            events.append(e)

        for trip in r.trips:
            site = inst.sites[trip.site].name
            people = {c: trip.people.get(c, 0) for c in CATEGORIES}
            for leg_i, t in trip.moves:
                leg = net.legs[leg_i]
                if leg.tail == DEPOT:
                    event(t, "depart", inst.depot.name)
                if leg.checkpoint is not None:
                    event(t, "cross", cps[leg.checkpoint].name, direction=leg.direction)
                if leg.kind == "visit":
                    at = t + leg.in_steps
                    event(at, "arrive", site)
                    event(at, "load", site, people=people,
                          until=at * step + inst.vehicles[r.vtype].load_minutes)
                if leg.returns:
                    event(t + leg.steps, "back", inst.depot.name, people=people)
        carried = sum(sum(t.people.values()) for t in r.trips)
        out.append({"vehicle": vehicle_label(inst, r.vtype, r.number),
                    "type": inst.vehicles[r.vtype].name, "trips": len(r.trips),
                    "people": carried, "events": events})
    return out


def totals(inst: Instance, routes: list[Route]) -> dict[str, dict[str, int]]:
    """People brought out, by site and category."""
    by_site = {s.name: dict.fromkeys(CATEGORIES, 0) for s in inst.sites}
    for r in routes:
        for trip in r.trips:
            for c, n in trip.people.items():
                by_site[inst.sites[trip.site].name][c] += n
    return by_site


def left_waiting(inst: Instance, by_site: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {s.name: {c: s.waiting.get(c) - by_site[s.name][c] for c in CATEGORIES}
            for s in inst.sites}


def utilisation(network: Network, routes: list[Route]) -> dict[str, Any]:
    """Share of the window each type spends away from the depot; busiest hour at checkpoints."""
    inst = network.inst
    index = {net.vtype: k for k, net in enumerate(network.types)}
    busy: dict[str, list[int]] = {}
    crossings: dict[tuple[int, str], list[int]] = {}
    for r in routes:
        net = network.types[index[r.vtype]]
        away = 0
        for trip in r.trips:
            away += trip.back(net) - trip.moves[0][1]
            for leg_i, t in trip.moves:
                leg = net.legs[leg_i]
                if leg.checkpoint is not None:
                    assert leg.direction is not None
                    crossings.setdefault((leg.checkpoint, leg.direction), []).append(
                        t * inst.step_minutes)
        busy.setdefault(inst.vehicles[r.vtype].name, []).append(away)
    vehicles = {name: round(sum(a) / (len(a) * max(1, inst.steps)), 4)
                for name, a in busy.items()}
    checkpoints: dict[str, dict[str, Any]] = {}
    for j, cp in enumerate(inst.checkpoints):
        row: dict[str, Any] = {}
        for d in ("inbound", "outbound"):
            times = sorted(crossings.get((j, d), []))
            peak = max((sum(1 for u in times if t <= u < t + 60) for t in times), default=0)
            row[d] = {"crossings": len(times), "busiest_hour": peak,
                      "throughput_per_hour": cp.throughput(d)}
        checkpoints[cp.name] = row
    return {"vehicles": vehicles, "checkpoints": checkpoints}

"""One call from an instance to a checked plan: network, greedy, bounds, MIP, itineraries, check.

The MIP result is used only when it is at least as good as the greedy plan and passes the
independent checker; otherwise the greedy plan (which is always feasible) is returned, and the
plan says why. Every plan carries its bound, its gap and the check it passed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from corridor.planning import bounds as bounds_mod
from corridor.planning import mip
from corridor.planning.checker import check
from corridor.planning.decompose import assign_people, routes_from_flows
from corridor.planning.greedy import greedy
from corridor.planning.instance import (
    CATEGORIES,
    Instance,
    VehicleType,
    format_minutes,
    travel_minutes,
)
from corridor.planning.itinerary import clock, itineraries, left_waiting, totals, utilisation
from corridor.planning.naive import naive_convoy
from corridor.planning.network import Network, build
from corridor.planning.routes import Route


@dataclass(frozen=True)
class Options:
    time_limit: float = 10.0
    gap: float = 1e-4  # HiGHS stops when the proven gap is below this (0.01 %)
    use_mip: bool = True
    naive: bool = True
    threads: int | None = None


def weighted_of(inst: Instance, routes: list[Route]) -> tuple[int, float]:
    people = sum(n for r in routes for t in r.trips for n in t.people.values())
    weighted = sum(inst.weight(c) * n for r in routes for t in r.trips
                   for c, n in t.people.items())
    return people, weighted


def make_plan(inst: Instance, options: Options | None = None) -> dict[str, Any]:
    options = options or Options()
    began = time.perf_counter()
    network = build(inst)
    build_s = time.perf_counter() - began
    t = time.perf_counter()
    greedy_routes = greedy(network)
    greedy_s = time.perf_counter() - t
    g_people, g_weighted = weighted_of(inst, greedy_routes)
    t = time.perf_counter()
    bounds = bounds_mod.compute(network)
    bounds_s = time.perf_counter() - t
    routes, method, solver = greedy_routes, "greedy", None
    notes: list[str] = []
    if options.use_mip and g_weighted < bounds.best_weighted - 1e-9:
        result = mip.solve(network, warm=greedy_routes, time_limit=options.time_limit,
                           gap=options.gap, threads=options.threads)
        solver = {"status": result.status, "gap": result.gap, "objective": result.objective,
                  "dual_bound": result.dual_bound, "lp_bound": result.lp_bound,
                  "build_s": round(result.build_s, 3),
                  "solve_s": round(result.solve_s, 3), "columns": result.n_cols,
                  "rows": result.n_rows}
        if result.status != "no_solution":
            candidate = routes_from_flows(network, result.flows)
            assign_people(inst, network, candidate, result.people)
            _, m_weighted = weighted_of(inst, candidate)
            verdict = check(inst, itineraries(network, candidate))
            if not verdict.ok:
                notes.append("the solver's plan failed the check (" + verdict.problems[0]
                             + "); the greedy plan is shown instead")
            elif m_weighted + 1e-9 >= g_weighted:
                routes, method = candidate, "mip"
        else:
            notes.append("the solver found no plan in the time limit; the greedy plan is shown")
    elif options.use_mip:
        solver = {"status": "optimal", "gap": 0.0, "note": "the greedy plan meets the bound"}
    people, weighted = weighted_of(inst, routes)
    its = itineraries(network, routes)
    verdict = check(inst, its)
    if not verdict.ok:  # never expected: the greedy only takes trips that fit
        raise AssertionError("plan failed its check: " + "; ".join(verdict.problems[:3]))
    by_site = totals(inst, routes)
    plan: dict[str, Any] = {
        "name": inst.name,
        "method": method,
        "window": {"start": clock(inst, 0), "end": clock(inst, inst.window_minutes),
                   "minutes": inst.window_minutes, "step_minutes": inst.step_minutes},
        "people": people,
        "weighted": round(weighted, 3),
        "bound": bounds.as_json(),
        "gap_to_bound": _gap(people, bounds.best_people),
        "solver": solver,
        "greedy": {"people": g_people, "weighted": round(g_weighted, 3)},
        "by_site": by_site,
        "by_category": {c: sum(s[c] for s in by_site.values()) for c in CATEGORIES},
        "left_waiting": left_waiting(inst, by_site),
        "utilisation": utilisation(network, routes),
        "itineraries": its,
        "notes": notes + explain(network, people),
        "check": verdict.as_json(),
        "timing": {"build_s": round(build_s, 3), "greedy_s": round(greedy_s, 3),
                   "bounds_s": round(bounds_s, 3),
                   "total_s": round(time.perf_counter() - began, 3)},
    }
    if options.naive:
        naive = naive_convoy(network)
        plan["naive_convoy"] = {"people": naive.people, "weighted": round(naive.weighted, 3),
                                "stranded_vehicles": naive.stranded}
    return plan


def _gap(value: float, bound: float) -> float:
    return 0.0 if bound <= 0 else round(max(0.0, (bound - value) / bound), 6)


def explain(network: Network, people: int) -> list[str]:
    """Plain reasons why people are left: no vehicle may carry them, or no trip fits."""
    inst = network.inst
    stretcher = inst.stretcher_set
    fleet = [v for v in inst.vehicles if v.count > 0]
    notes = []
    for c in CATEGORIES:
        waiting = sum(s.waiting.get(c) for s in inst.sites)
        if waiting and not any(v.may_carry(c, stretcher) for v in fleet):
            places = "stretcher places" if c in stretcher else "seats"
            notes.append(f"no vehicle may carry {c.replace('_', ' ')} (it needs {places} and "
                         f"permission): {waiting} waiting are unserved")
    window = format_minutes(inst.window_minutes)
    for s in inst.sites:
        if s.waiting.total == 0:
            continue
        trips = [_round_trip(inst, v, s.km) for v in fleet]
        fastest = min(trips)
        if fastest > inst.window_minutes:
            notes.append(f"nothing can move from {s.name}: the round trip takes "
                         f"{format_minutes(fastest)}; the window is {window}")
    if people == 0 and not notes:
        notes.append("no round trip fits in the window on the planning grid "
                     f"({inst.step_minutes}-minute steps, each leg rounded up)")
    return notes


def _round_trip(inst: Instance, v: VehicleType, km: float) -> float:
    delays = sum(2 * c.delay_minutes for c in inst.checkpoints if c.km < km)
    return 2 * travel_minutes(inst, v, 0.0, km) + delays + v.load_minutes

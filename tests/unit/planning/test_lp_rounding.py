"""The LP-first path: the LP relaxation is a valid bound, its rounded plan is feasible, and the
greedy continued from a partial plan keeps what it was given."""

from __future__ import annotations

from typing import Any

import numpy as np

from corridor.planning import highs_run, mip
from corridor.planning.checker import check
from corridor.planning.decompose import routes_from_flows
from corridor.planning.greedy import greedy
from corridor.planning.itinerary import itineraries
from corridor.planning.lpround import requests, round_lp
from corridor.planning.network import build
from corridor.planning.planner import Options, make_plan, weighted_of
from corridor.planning.routes import Route
from tests.unit.planning.helpers import instance


def _three_sites() -> dict[str, object]:
    return {"sites": [{"name": "A", "km": 15, "waiting": {"others": 90, "children": 30}},
                      {"name": "B", "km": 35, "waiting": {"older_or_disabled": 70}},
                      {"name": "C", "km": 55, "waiting": {"wounded_or_sick": 4, "children": 50}}]}


def test_the_lp_bound_is_at_least_the_optimal_mip_value() -> None:
    for changes in ({}, _three_sites()):
        network = build(instance(**changes))
        lp = mip.solve(network, warm=None, time_limit=20, relax=True)
        best = mip.solve(network, warm=greedy(network), time_limit=20)
        assert best.status == "optimal"
        assert lp.objective >= best.objective - 1e-6
        assert best.lp_bound is not None and best.lp_bound >= best.objective - 1e-6
        assert best.dual_bound >= best.objective - 1e-6


def test_the_rounded_lp_plan_passes_the_checker_and_counts_its_people() -> None:
    for changes in ({}, _three_sites()):
        inst = instance(**changes)
        network = build(inst)
        lp = mip.solve(network, warm=None, time_limit=20, relax=True)
        assert any(float(np.sum(f)) > 0 for f in lp.flows)
        assert requests(network, lp.flows, 0.5)
        routes = round_lp(network, lp.flows)
        verdict = check(inst, itineraries(network, routes))
        assert verdict.ok, verdict.problems[:3]
        people, _ = weighted_of(inst, routes)
        assert people == verdict.people > 0


def test_the_greedy_from_a_partial_plan_keeps_it_and_only_adds() -> None:
    inst = instance()
    network = build(inst)
    full = greedy(network)
    partial = [Route(r.vtype, r.number, r.trips[:1]) for r in full]
    continued = greedy(network, start=partial)
    for given, out in zip(partial, continued, strict=True):
        assert out.trips[:len(given.trips)] == given.trips
    assert check(inst, itineraries(network, continued)).ok
    assert weighted_of(inst, continued)[1] >= weighted_of(inst, partial)[1]


def test_the_plan_reports_the_lp_bound_and_its_gap() -> None:
    plan = make_plan(instance(**_three_sites()), Options(time_limit=20))
    solver = plan["solver"]
    assert solver.get("lp_bound") is None or solver["lp_bound"] >= solver["objective"] - 1e-6
    assert plan["check"]["ok"] and plan["weighted"] >= plan["greedy"]["weighted"]


def test_the_time_window_search_only_improves_and_stays_feasible(monkeypatch: Any) -> None:
    """A poor rounded plan (each vehicle's last trip dropped) is improved by the exact MIPs over
    windows of time; what they return is a plan of the full model that passes the checker."""
    inst = instance(**_three_sites())
    network = build(inst)
    seen: list[tuple[float, float, list[np.ndarray]]] = []
    tails = highs_run.tails

    def poor(net: object, flows: object) -> list[Route]:
        return [Route(r.vtype, r.number, r.trips[:-1]) for r in greedy(network)]

    def spy(model: Any, best: Any, *args: Any, **kwargs: Any) -> Any:
        out = tails(model, best, *args, **kwargs)
        assert out.x is not None
        flows = [out.x[model.offsets[k]:model.offsets[k] + n.n_arcs].round().astype(int)
                 for k, n in enumerate(network.types)]
        seen.append((best.objective, out.objective, flows))
        return out

    monkeypatch.setattr(mip, "round_lp", poor)
    monkeypatch.setattr(mip, "tails", spy)
    result = mip.solve(network, warm=None, time_limit=20)
    assert seen
    before, after, flows = seen[0]
    assert after > before
    routes = routes_from_flows(network, flows)
    assert check(inst, itineraries(network, routes)).ok
    assert result.objective >= after - 1e-6

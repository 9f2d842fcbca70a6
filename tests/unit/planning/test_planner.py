"""The planner against what can be proved by hand: a zero optimum, a greedy that is optimal,
MIP ≥ greedy, bound ≥ MIP, and every plan passing the independent check."""

from __future__ import annotations

from corridor.planning import mip
from corridor.planning.bounds import compute
from corridor.planning.checker import check
from corridor.planning.greedy import greedy
from corridor.planning.itinerary import itineraries
from corridor.planning.naive import naive_convoy
from corridor.planning.network import build
from corridor.planning.planner import Options, make_plan, weighted_of
from tests.unit.planning.helpers import instance


def test_when_the_round_trip_is_longer_than_the_window_nothing_moves_and_the_plan_says_why(
) -> None:
    # 300 km each way at 50 km/h is 6 h; with 30 min loading the round trip exceeds 12 h.
    inst = instance(window={"hours": 12}, corridor={"length_km": 300, "checkpoints": []},
                    sites=[{"name": "Far", "km": 300, "waiting": {"others": 500}}],
                    vehicles=[{"name": "bus", "count": 45, "seats": 50, "speed_kmh": 50,
                               "load_minutes": 30}])
    plan = make_plan(inst, Options(time_limit=5))
    assert plan["people"] == 0 and plan["bound"]["people"] == 0
    assert plan["bound"]["parts"]["people"]["fleet_trips"] == 0
    assert "the round trip takes 12 h 30 min; the window is 12 h" in " ".join(plan["notes"])
    assert plan["check"]["ok"] and all(it["trips"] == 0 for it in plan["itineraries"])


def test_with_one_vehicle_and_no_checkpoint_the_greedy_meets_the_fleet_bound() -> None:
    # One bus, one site 40 km away at 40 km/h: 1 h there, 20 min loading, 1 h back, 20 min
    # unloading: at most ⌊(600 + 20) / (140 + 20)⌋ = 3 trips in 10 h, and the greedy makes 3.
    inst = instance(window={"hours": 10}, corridor={"length_km": 50, "checkpoints": []},
                    sites=[{"name": "S", "km": 40, "waiting": {"children": 500}}],
                    vehicles=[{"name": "bus", "count": 1, "seats": 30, "speed_kmh": 40,
                               "load_minutes": 20, "unload_minutes": 20}])
    network = build(inst)
    routes = greedy(network)
    people, _ = weighted_of(inst, routes)
    assert people == 90 == compute(network).best_people
    assert check(inst, itineraries(network, routes)).ok


def test_the_mip_is_never_worse_than_the_greedy_and_never_above_the_bound() -> None:
    inst = instance()
    network = build(inst)
    g_routes = greedy(network)
    _, g_weighted = weighted_of(inst, g_routes)
    result = mip.solve(network, warm=g_routes, time_limit=20)
    assert result.status == "optimal"
    plan = make_plan(inst, Options(time_limit=20))
    assert plan["weighted"] >= g_weighted
    assert plan["people"] <= plan["bound"]["people"]
    assert plan["weighted"] <= plan["bound"]["weighted"] + 1e-6
    assert plan["check"]["ok"] and plan["check"]["people"] == plan["people"]
    # The checkpoint (3 vehicles an hour) binds: some people are left.
    assert sum(sum(s.values()) for s in plan["left_waiting"].values()) > 0


def test_the_mip_beats_the_greedy_where_greed_wastes_the_checkpoint() -> None:
    # Greedy sends everyone to the best value per hour; the optimum shares the 2/h checkpoint.
    inst = instance(window={"hours": 6}, corridor={"length_km": 80, "checkpoints": [
        {"name": "CP", "km": 10, "delay_minutes": 10, "throughput_per_hour": 2}]},
        sites=[{"name": "A", "km": 5, "waiting": {"others": 40}},
               {"name": "B", "km": 70, "waiting": {"older_or_disabled": 200}}],
        vehicles=[{"name": "bus", "count": 6, "seats": 20, "speed_kmh": 60}])
    plan = make_plan(inst, Options(time_limit=20))
    assert plan["weighted"] >= plan["greedy"]["weighted"]
    assert plan["check"]["ok"]


def test_earliest_loads_carry_the_highest_priorities() -> None:
    plan = make_plan(instance(), Options(time_limit=10))
    def rank(p: dict[str, int]) -> int:
        return 0 if p["older_or_disabled"] else 1 if p["children"] else 2

    loads = sorted((e["min"], rank(e["people"])) for it in plan["itineraries"]
                   if it["type"] == "bus" for e in it["events"]
                   if e["event"] == "load" and e["place"] == "Near" and sum(e["people"].values()))
    ranks = [r for _, r in loads]
    assert len(set(ranks)) > 1
    assert ranks == sorted(ranks)


def test_the_naive_convoy_strands_vehicles_at_a_slow_checkpoint_and_ours_never_does() -> None:
    inst = instance(window={"hours": 5}, corridor={"length_km": 60, "checkpoints": [
        {"name": "CP", "km": 20, "delay_minutes": 10, "throughput_per_hour": 4}]},
        sites=[{"name": "S", "km": 40, "waiting": {"others": 2000}}],
        vehicles=[{"name": "bus", "count": 20, "seats": 50, "speed_kmh": 60}])
    network = build(inst)
    naive = naive_convoy(network)
    verdict = check(inst, itineraries(network, naive.routes))
    assert naive.stranded > 0 and len(verdict.stranded) == naive.stranded
    plan = make_plan(inst, Options(time_limit=10))
    assert plan["check"]["ok"] and plan["check"]["stranded"] == []
    assert plan["people"] >= naive.people

"""Upper bounds on what any plan can bring out, each a relaxation that is quick to prove:

- **demand**: everyone waiting whom some vehicle may carry;
- **fleet trips**: Σ types count × places × ⌊(T + unload) / (fastest round trip + unload)⌋;
- **corridor max flow** (OR-Tools `SimpleMaxFlow`): people from the sites through the outbound
  crossings of every checkpoint on their way, each aligned hour passing at most throughput ×
  the largest vehicle's places (aligned hours are some of the 60-minute windows the plan obeys);
- **pooled min-cost flow** (OR-Tools `SimpleMinCostFlow`): every seat of the fleet as one unit of
  flow in the time-expanded network of one pooled vehicle (fastest speed, quickest loading), each
  checkpoint passing at most throughput × places per step, a load worth its site's best weight.
  Seats may split from their vehicle and demand is ignored, so it only over-estimates.

All are in the planner's own terms (the same step grid), so the reported bound (their minimum) is
a bound on the plan it is compared with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from corridor.planning.instance import CATEGORIES, Instance, VehicleType
from corridor.planning.network import DEPOT, Network, build_type, round_trip_steps

WEIGHT_SCALE = 1000  # min-cost flow needs integer costs


@dataclass
class Bounds:
    people: dict[str, int | None]
    weighted: dict[str, float | None]

    @property
    def best_people(self) -> int:
        return min(v for v in self.people.values() if v is not None)

    @property
    def best_weighted(self) -> float:
        return min(v for v in self.weighted.values() if v is not None)

    def as_json(self) -> dict[str, object]:
        return {"people": self.best_people, "weighted": round(self.best_weighted, 3),
                "parts": {"people": self.people, "weighted": self.weighted}}


def carriable(inst: Instance) -> list[dict[str, int]]:
    """People waiting at each site whom at least one vehicle in the fleet may carry."""
    stretcher = inst.stretcher_set
    fleet = [v for v in inst.vehicles if v.count > 0]
    return [{c: s.waiting.get(c) if any(v.may_carry(c, stretcher) for v in fleet) else 0
             for c in CATEGORIES} for s in inst.sites]


def compute(network: Network) -> Bounds:
    inst = network.inst
    demand = carriable(inst)
    people_d = sum(sum(d.values()) for d in demand)
    weighted_d = sum(inst.weight(c) * n for d in demand for c, n in d.items())
    w_max = max((inst.weight(c) for d in demand for c, n in d.items() if n > 0), default=0.0)
    fleet = fleet_trips(network)
    corridor = corridor_max_flow(network, demand)
    pooled_p, pooled_w = pooled_min_cost_flow(network, demand)
    return Bounds(
        {"demand": people_d, "fleet_trips": fleet, "corridor_max_flow": corridor,
         "pooled_min_cost_flow": pooled_p},
        {"demand": weighted_d, "fleet_trips": fleet * w_max, "pooled_min_cost_flow": pooled_w})


def fleet_trips(network: Network) -> int:
    total = 0
    for net in network.types:
        if not net.sites:
            continue
        rt = min(round_trip_steps(net, network.layout, s) for s in net.sites)
        u = net.unload_steps
        trips = (net.steps + u) // (rt + u) if rt <= net.steps else 0
        total += net.vehicle.count * (net.vehicle.seats + net.vehicle.stretchers) * trips
    return total


def corridor_max_flow(network: Network, demand: list[dict[str, int]]) -> int | None:
    inst, layout = network.inst, network.layout
    cps = inst.checkpoints
    if not cps or not network.types:
        return None
    T = inst.steps
    w = math.ceil(60 / inst.step_minutes)
    blocks = T // w + 1
    places = max(n.vehicle.seats + n.vehicle.stretchers for n in network.types)
    earliest = [min(n.earliest[p] for n in network.types) for p in range(layout.n_places)]
    latest = [T - min(n.to_depot[p] for n in network.types) for p in range(layout.n_places)]
    k = len(cps)
    source, sink = 0, 1
    queue = [[2 + j * blocks + b for b in range(blocks)] for j in range(k)]
    crossed = [[2 + (k + j) * blocks + b for b in range(blocks)] for j in range(k)]
    site_node = [2 + 2 * k * blocks + s for s in range(len(inst.sites))]
    flow = max_flow.SimpleMaxFlow()
    big = 10**12
    for j, cp in enumerate(cps):
        out = layout.outbound(j)
        for b in range(blocks):
            if b + 1 < blocks:
                flow.add_arc_with_capacity(queue[j][b], queue[j][b + 1], big)
            if b * w > latest[out] or (b + 1) * w - 1 < earliest[out]:
                continue  # nobody can cross in this hour
            flow.add_arc_with_capacity(queue[j][b], crossed[j][b],
                                       cp.throughput("outbound") * places)
            flow.add_arc_with_capacity(crossed[j][b], sink if j == 0 else queue[j - 1][b], big)
    for s, d in enumerate(demand):
        n = sum(d.values())
        z = layout.site_zone[s]
        if n == 0:
            continue
        flow.add_arc_with_capacity(source, site_node[s], n)
        if z == 0:
            flow.add_arc_with_capacity(site_node[s], sink, n)
            continue
        out = layout.outbound(z - 1)
        b0 = min(blocks - 1, max(0, earliest[out]) // w)
        flow.add_arc_with_capacity(site_node[s], queue[z - 1][b0], n)
    flow.solve(source, sink)
    return int(flow.optimal_flow())


def pooled_min_cost_flow(network: Network,
                         demand: list[dict[str, int]]) -> tuple[int | None, float | None]:
    inst, layout = network.inst, network.layout
    fleet = [n.vehicle for n in network.types]
    sites = sorted({s for n in network.types for s in n.sites})
    if not fleet or not sites:
        return 0, 0.0
    pooled = VehicleType(
        name="pooled", count=sum(v.count for v in fleet), seats=max(v.seats + v.stretchers
                                                                   for v in fleet),
        stretchers=0, speed_kmh=max(v.speed_kmh for v in fleet),
        load_minutes=min(v.load_minutes for v in fleet),
        unload_minutes=min(v.unload_minutes for v in fleet))
    net = build_type(inst, layout, -1, vehicle=pooled, sites=sites)
    T = inst.steps
    units = sum(v.count * (v.seats + v.stretchers) for v in fleet)
    node = (np.asarray(net.tail_place) * (T + 1) + np.asarray(net.tail_t))
    head = (np.asarray(net.head_place) * (T + 1) + np.asarray(net.head_t))
    keys, inverse = np.unique(np.concatenate([node, head, [DEPOT * (T + 1) + T]]),
                              return_inverse=True)
    tails, heads = inverse[:len(node)], inverse[len(node):2 * len(node)]
    places = pooled.seats
    results: list[int] = []
    for weighted in (False, True):
        caps = np.full(len(node), units, dtype=np.int64)
        costs = np.zeros(len(node), dtype=np.int64)
        for i, leg in enumerate(net.legs):
            sel = np.asarray(net.leg) == i
            if leg.checkpoint is not None:
                assert leg.direction is not None
                caps[sel] = inst.checkpoints[leg.checkpoint].throughput(leg.direction) * places
            if leg.site is not None:
                best = max((inst.weight(c) for c, n in demand[leg.site].items() if n > 0),
                           default=0.0)
                costs[sel] = -round((best if weighted else 1.0) * WEIGHT_SCALE)
        mcf = min_cost_flow.SimpleMinCostFlow()
        mcf.add_arcs_with_capacity_and_unit_cost(
            tails.astype(np.int32), heads.astype(np.int32), caps, costs)
        mcf.set_node_supply(int(np.searchsorted(keys, DEPOT * (T + 1))), units)
        mcf.set_node_supply(int(np.searchsorted(keys, DEPOT * (T + 1) + T)), -units)
        if mcf.solve() != mcf.OPTIMAL:
            return None, None
        results.append(-int(mcf.optimal_cost()))
    return results[0] // WEIGHT_SCALE, results[1] / WEIGHT_SCALE

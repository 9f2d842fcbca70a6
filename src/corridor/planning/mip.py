"""The exact model: integer vehicle flows on each type's time-expanded network, solved by HiGHS.

Variables: the flow on every arc (vehicles of that type), and Y[site, category, type], the people
of a category a type brings from a site. Rows: flow conservation (every vehicle leaves the depot
at the start and is back at the end: the network has no arc that would let it be late);
Σ types Y ≤ people waiting; Σ seated categories Y ≤ seats × loads of that type at that site (and
the same for stretcher places); at each checkpoint and direction, the crossings of all types in
any 60 minutes ≤ the throughput. Objective: Σ weight × Y minus a small cost per vehicle-km, small
enough (half the lowest weight over the longest round trip) never to cost a person a seat.

The model is passed to HiGHS column-wise in one call (numpy arrays; no modelling layer). Solving
it goes LP first, because on the large instances (30 sites × 300 vehicles × 48 h in 5-minute
steps: ~24k columns) HiGHS's simplex needs about a minute for the root LP alone, and the MIP
never gets past it inside its limit:

1. the LP relaxation by the interior-point method with crossover (a few seconds). We maximise
   and the MIP only adds integrality, so its value is a valid upper bound on every plan;
2. an integer plan from it (`lpround`: loads rounded, dispatched and repaired with the greedy's
   own feasible-by-construction machinery), kept if better than the greedy warm start; then
   improved by exact MIPs over windows of time (`tails`): every arc starting outside the
   window fixed to the best plan so far, the last hours first, the window grown while the
   solves are quick, then slid towards the start. Each is warm-started from the best plan,
   so the result never gets worse, and every solution of the restricted model is one of the
   full model (only bounds change);
3. the full MIP, warm-started from the best plan so far, only when the LP took a small share of
   the time left (small and medium instances, where it closes the gap); its dual bound is used
   when tighter than the LP's.

The reported gap is (bound − plan) / plan in the objective's terms, as HiGHS reports it. Every
HiGHS run is stopped at the wall-clock deadline by an interrupt callback as well as by its own
`time_limit`, which some of its paths overrun.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np

from corridor.planning.highs_run import Model, Run, closed, gap_of, run, tails
from corridor.planning.instance import CATEGORIES
from corridor.planning.lpround import round_lp
from corridor.planning.network import DEPOT, Network
from corridor.planning.routes import Route, routes_to_flows


@dataclass
class MipResult:
    status: str  # "optimal", "time_limit", "no_solution"
    flows: list[np.ndarray]  # per type, integer flow on each arc
    people: dict[tuple[int, str, int], int]  # (site, category, type index k) -> Y
    objective: float
    dual_bound: float
    gap: float | None  # relative MIP gap reported by HiGHS
    build_s: float
    solve_s: float
    n_cols: int
    n_rows: int
    lp_bound: float | None = None  # the LP relaxation's value: a valid bound (maximising)


class _Matrix:
    """Triplets (row, col, value), turned column-wise for HiGHS at the end."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []

    def add(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray | float) -> None:
        self.rows.append(np.asarray(rows, dtype=np.int64))
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=np.float64), len(rows)).copy())

    def colwise(self, n_cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.zeros(0, np.int64)
        vals = np.concatenate(self.vals) if self.vals else np.zeros(0)
        order = np.lexsort((rows, cols))
        rows, cols, vals = rows[order], cols[order], vals[order]
        start = np.searchsorted(cols, np.arange(n_cols + 1)).astype(np.int32)
        return start, rows.astype(np.int32), vals


def km_cost(network: Network) -> float:
    inst = network.inst
    lowest = min((w for w in (inst.weight(c) for c in CATEGORIES) if w > 0), default=1.0)
    longest = 2 * max(inst.corridor.length_km, 1.0)
    return 0.5 * lowest / longest


def solve(network: Network, *, warm: list[Route] | None, time_limit: float,
          gap: float = 1e-4, threads: int | None = None, relax: bool = False,
          options: dict[str, bool | float | str] | None = None) -> MipResult:
    began = time.perf_counter()
    inst = network.inst
    T = inst.steps
    stretcher = inst.stretcher_set
    eps = km_cost(network)
    m = _Matrix()
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    cost: list[np.ndarray] = []
    row_lo: list[float] = []
    row_hi: list[float] = []
    offsets: list[int] = []
    n_cols = 0
    crossings: dict[tuple[int, str], list[tuple[np.ndarray, np.ndarray]]] = {}
    loads: dict[tuple[int, int], np.ndarray] = {}  # (k, site) -> columns of its load arcs
    for k, net in enumerate(network.types):
        offsets.append(n_cols)
        n = net.n_arcs
        cols = np.arange(n_cols, n_cols + n)
        legs = np.asarray(net.leg)
        tail = np.asarray(net.tail_place) * (T + 1) + np.asarray(net.tail_t)
        head = np.asarray(net.head_place) * (T + 1) + np.asarray(net.head_t)
        nodes = np.unique(np.concatenate([tail, head]))
        nodes = nodes[nodes != DEPOT * (T + 1) + T]  # the sink: its balance follows
        first_row = len(row_lo)
        for x in nodes:
            b = -float(net.vehicle.count) if int(x) == DEPOT * (T + 1) else 0.0
            row_lo.append(b)
            row_hi.append(b)
        pos_h = np.searchsorted(nodes, head)
        hr = np.where((pos_h < len(nodes)) & (nodes[np.minimum(pos_h, len(nodes) - 1)] == head),
                      first_row + pos_h, -1)
        tr = first_row + np.searchsorted(nodes, tail)
        keep = hr >= 0
        m.add(hr[keep], cols[keep], 1.0)
        m.add(tr, cols, -1.0)
        km = np.array([0.0 if i < 0 else net.legs[i].km for i in net.leg])
        cost.append(-eps * km)
        lower.append(np.zeros(n))
        ub = np.full(n, float(net.vehicle.count))
        for li, leg in enumerate(net.legs):
            sel = legs == li
            if leg.checkpoint is not None:
                assert leg.direction is not None
                cap = inst.checkpoints[leg.checkpoint].throughput(leg.direction)
                ub[sel] = min(float(net.vehicle.count), float(cap))
                crossings.setdefault((leg.checkpoint, leg.direction), []).append(
                    (cols[sel], np.asarray(net.tail_t)[sel]))
            if leg.site is not None:
                loads[(k, leg.site)] = cols[sel]
        upper.append(ub)
        n_cols += n
    # People carried: Y[site, category, k].
    y_index: dict[tuple[int, str, int], int] = {}
    for (k, s), load_cols in loads.items():
        v = network.types[k].vehicle
        for c in CATEGORIES:
            waiting = inst.sites[s].waiting.get(c)
            if waiting > 0 and v.may_carry(c, stretcher):
                y_index[(s, c, k)] = n_cols
                lower.append(np.zeros(1))
                upper.append(np.array([float(waiting)]))
                cost.append(np.array([inst.weight(c)]))
                n_cols += 1
        for places, kinds in ((v.seats, False), (v.stretchers, True)):
            ys = [y_index[(s, c, k)] for c in CATEGORIES
                  if (s, c, k) in y_index and (c in stretcher) == kinds]
            if not ys:
                continue
            r = len(row_lo)
            row_lo.append(-math.inf)
            row_hi.append(0.0)
            m.add(np.full(len(ys), r), np.asarray(ys), 1.0)
            m.add(np.full(len(load_cols), r), load_cols, -float(places))
    for s, site in enumerate(inst.sites):
        for c in CATEGORIES:
            ys = [col for (s2, c2, _), col in y_index.items() if s2 == s and c2 == c]
            if len(ys) > 1:
                r = len(row_lo)
                row_lo.append(-math.inf)
                row_hi.append(float(site.waiting.get(c)))
                m.add(np.full(len(ys), r), np.asarray(ys), 1.0)
    window = math.ceil(60 / inst.step_minutes)
    all_upper = np.concatenate(upper)
    # Crossings per step get a column of their own (c_t = Σ arcs starting then), so that each
    # arc sits in one row and each 60-minute window row has only `window` entries: the dense
    # overlapping windows otherwise make the LP many times slower.
    per_step: list[tuple[int, np.ndarray]] = []
    for (j, d), parts in crossings.items():
        limit = float(inst.checkpoints[j].throughput(d))
        cols = np.concatenate([p[0] for p in parts])
        ts = np.concatenate([p[1] for p in parts])
        order = np.argsort(ts, kind="stable")
        cols, ts = cols[order], ts[order]
        reach = np.concatenate([[0.0], np.cumsum(all_upper[cols])])
        step_col: dict[int, int] = {}
        for t in np.unique(ts):
            lo, hi = np.searchsorted(ts, t), np.searchsorted(ts, t + 1)
            step_col[int(t)] = n_cols
            per_step.append((n_cols, cols[lo:hi]))
            r = len(row_lo)
            row_lo.append(0.0)
            row_hi.append(0.0)
            m.add(np.full(hi - lo, r), cols[lo:hi], 1.0)
            m.add(np.array([r]), np.array([n_cols]), -1.0)
            lower.append(np.zeros(1))
            upper.append(np.array([min(limit, float(reach[hi] - reach[lo]))]))
            cost.append(np.zeros(1))
            n_cols += 1
        for q in range(0, T + 1):
            lo, hi = np.searchsorted(ts, q), np.searchsorted(ts, q + window)
            if hi == lo or reach[hi] - reach[lo] <= limit:
                continue  # cannot be over the limit, or nothing crosses: no row needed
            inside = [step_col[t] for t in range(q, q + window) if t in step_col]
            r = len(row_lo)
            row_lo.append(-math.inf)
            row_hi.append(limit)
            m.add(np.full(len(inside), r), np.asarray(inside), 1.0)
    start, index, value = m.colwise(n_cols)
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = len(row_lo)
    lp.col_cost_ = np.concatenate(cost)
    lp.col_lower_ = np.concatenate(lower)
    lp.col_upper_ = np.concatenate(upper)
    lp.row_lower_ = np.asarray(row_lo)
    lp.row_upper_ = np.asarray(row_hi)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    continuous = np.zeros(n_cols, dtype=bool)
    continuous[[c for c, _ in per_step]] = True
    col_t = np.full(n_cols, -1, dtype=np.int64)
    for k, net in enumerate(network.types):
        col_t[offsets[k]:offsets[k] + net.n_arcs] = np.asarray(net.tail_t)
    model = Model(lp, offsets, y_index, per_step, continuous, col_t,
                   n_cols, len(row_lo))
    warm_x = (_warm_values(network, warm, offsets, y_index, per_step, n_cols)
              if warm else None)
    build_s = time.perf_counter() - began
    deadline = began + max(0.1, float(time_limit))
    if relax:
        lp_run = run(model, deadline, threads, integer=False, options=options)
        return _result(network, model, lp_run, lp_run, build_s, began, relax=True)
    # 1. The LP relaxation, by the interior-point method (seconds where simplex takes minutes
    # on these flow models), with crossover to a vertex whose support is small.
    lp_run = run(model, deadline, threads, integer=False,
                  options={"solver": "ipm", **(options or {})})
    best = Run.of(model, warm_x) if warm_x is not None else None
    bound = lp_run.objective if lp_run.optimal else math.inf
    # 2. The LP's loads rounded to whole ones and dispatched like the greedy (lpround), which
    # gives an integer plan close to the LP value where the full MIP would not finish its root.
    if lp_run.optimal and lp_run.x is not None and not closed(best, bound, gap):
        lp_flows = [lp_run.x[offsets[k]:offsets[k] + net.n_arcs]
                    for k, net in enumerate(network.types)]
        rounded = round_lp(network, lp_flows)
        cand = Run.of(model, _warm_values(network, rounded, offsets, y_index, per_step, n_cols))
        if best is None or cand.objective > best.objective:
            best = cand
    lp_s = lp_run.seconds
    # 2b. Windows of time solved exactly with the rest of the plan fixed, the end of the
    # horizon first (the rounding loses its trips there, where whole-trip timings lag the LP's
    # fractional ones): small MIPs that HiGHS finishes where the full one would not.
    if lp_run.optimal and best is not None and best.x is not None:
        best = tails(model, best, bound, deadline, threads, gap, options)
    # 3. Time left and the gap still open: the full MIP, started from the best plan so far.
    full: Run | None = None
    # Simplex (inside the MIP) is many times slower than the IPM on these models: only worth
    # starting when the LP took a small part of the time left.
    left = deadline - time.perf_counter()
    if not closed(best, bound, gap) and left > 0.5 and (not lp_run.optimal or 8 * lp_s < left):
        full = run(model, deadline, threads, integer=True, start=best.x if best else None,
                    gap=gap, options=options)
        if full.x is not None and (best is None or full.objective > best.objective):
            best = full
        if full.bound is not None and math.isfinite(full.bound):
            bound = min(bound, full.bound)
    if best is None or best.x is None:
        return MipResult("no_solution", [], {}, 0.0, bound, None, build_s,
                         time.perf_counter() - began - build_s, n_cols, len(row_lo))
    result = _result(network, model, best, lp_run, build_s, began, relax=False)
    result.dual_bound = max(bound, result.objective)
    result.gap = gap_of(result.objective, result.dual_bound)
    result.status = "optimal" if result.gap <= gap + 1e-12 else "time_limit"
    result.lp_bound = lp_run.objective if lp_run.optimal else None
    return result


def _result(network: Network, model: Model, run: Run, lp_run: Run, build_s: float,
            began: float, *, relax: bool) -> MipResult:
    solve_s = time.perf_counter() - began - build_s
    if run.x is None:
        return MipResult("no_solution", [], {}, 0.0, math.inf, None, build_s, solve_s,
                         model.n_cols, model.n_rows)
    x = run.x if relax else np.rint(run.x).astype(np.int64)
    flows = [x[model.offsets[k]:model.offsets[k] + net.n_arcs]
             for k, net in enumerate(network.types)]
    people = {key: round(float(run.x[col])) for key, col in model.y_index.items()
              if run.x[col] > 0.5}
    if relax:
        people = {key: int(run.x[col]) for key, col in model.y_index.items() if run.x[col] > 0}
    name = "optimal" if run.optimal else "time_limit"
    return MipResult(name, flows, people, run.objective,
                     run.bound if run.bound is not None else math.inf, 0.0 if run.optimal
                     else None, build_s, solve_s, model.n_cols, model.n_rows)


def _warm_values(network: Network, routes: list[Route], offsets: list[int],
                 y_index: dict[tuple[int, str, int], int], per_step: list[tuple[int, np.ndarray]],
                 n_cols: int) -> np.ndarray:
    values = np.zeros(n_cols)
    for k, (net, flow) in enumerate(zip(network.types, routes_to_flows(network, routes),
                                        strict=True)):
        col = {(p, t, leg): i for i, (p, t, leg) in enumerate(
            zip(net.tail_place, net.tail_t, net.leg, strict=True))}
        for key, n in flow.items():
            values[offsets[k] + col[key]] += n
    index = {net.vtype: k for k, net in enumerate(network.types)}
    for r in routes:
        for trip in r.trips:
            for c, n in trip.people.items():
                values[y_index[(trip.site, c, index[r.vtype])]] += n
    for step_col, arcs in per_step:
        values[step_col] = values[arcs].sum()
    return values

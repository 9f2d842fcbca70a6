"""Evacuation planner: generated instances (sites, fleets, windows, corridors, checkpoints, people,
seeds), each planned and compared, in the same process, with its proven bound, the greedy
dispatcher and the naive convoy. Every plan is re-checked by the independent checker.

How a plan is made (`corridor.planning.mip`): the greedy plan first; if it does not already meet
the combinatorial bounds, the LP relaxation of the MIP by the interior-point method (its value
is the proven upper bound), an integer plan rounded from it and repaired with the greedy's
machinery, then exact MIPs over windows of time with the rest of the plan fixed (the end of the
window first), and the full MIP when time is left. The row says which plan was returned:
"(lp+mip)" for the solver's, "(greedy)" for the greedy's, and why the greedy's — it met the bound
(gap 0, nothing to solve) or the solver found nothing better. "MIP gap" is the proven gap of the
returned plan to the solver's bound ((bound − plan) / plan, weighted objective).

`python -m bench.planning [--quick] [--full]`: the default is a representative subset that runs
in a few minutes (it includes the 30 sites × 300 vehicles × 48 h × 5-min homogeneous target case
and a mixed-fleet case); `--full` walks the whole grid of the issue (hours).
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from dataclasses import dataclass
from typing import Any

from bench.common import Result, console, show
from corridor.planning.checker import check
from corridor.planning.instance import Instance, parse_instance
from corridor.planning.planner import Options, make_plan

HOMOGENEOUS_GAP, HOMOGENEOUS_S = 0.001, 15.0
MIXED_GAP, MIXED_S = 0.01, 60.0


@dataclass(frozen=True)
class Case:
    sites: int
    fleet: int
    mixed: bool
    hours: int
    km: int
    checkpoints: int
    people: int
    seed: int
    step: int = 10

    @property
    def label(self) -> str:
        kind = "mixed" if self.mixed else "homog"
        return (f"{self.sites}s×{self.fleet}v {kind} {self.hours}h/{self.step}m {self.km}km "
                f"{self.checkpoints}cp {self.people // 1000}k s{self.seed}")


def generate(case: Case) -> Instance:
    """A synthetic corridor with its sites, checkpoints, fleet and people (never real data)."""
    rnd = random.Random(hash(case) & 0xFFFFFFFF)
    length = float(case.km)
    cps = sorted(rnd.uniform(0.1, 0.85) * length for _ in range(case.checkpoints))
    checkpoints = [{"name": f"CP{j + 1}", "km": round(k, 1),
                    "delay_minutes": rnd.choice([10, 15, 20, 30, 45, 60]),
                    "throughput_per_hour": rnd.choice([6, 10, 15, 20, 30, 60])}
                   for j, k in enumerate(cps)]
    shares = [rnd.random() + 0.2 for _ in range(case.sites)]
    sites = []
    used = {c["km"] for c in checkpoints}
    for i, share in enumerate(shares):
        km = round(rnd.uniform(0.3, 1.0) * length, 1)
        while km in used:
            km = round(km - 0.1, 1)
        used.add(km)
        n = int(case.people * share / sum(shares))
        sites.append({"name": f"Site {i + 1}", "km": km, "waiting": {
            "wounded_or_sick": n * 5 // 100, "older_or_disabled": n * 15 // 100,
            "children": n * 30 // 100, "others": n - n * 50 // 100}})
    if case.mixed:
        buses, minis = case.fleet * 6 // 10, case.fleet * 3 // 10
        vehicles = [
            {"name": "bus", "count": buses, "seats": 50, "speed_kmh": 50,
             "categories": ["older_or_disabled", "children", "others"]},
            {"name": "minibus", "count": minis, "seats": 18, "speed_kmh": 60},
            {"name": "ambulance", "count": case.fleet - buses - minis, "seats": 2,
             "stretchers": 2, "speed_kmh": 70, "load_minutes": 15}]
    else:
        vehicles = [{"name": "bus", "count": case.fleet, "seats": 50, "speed_kmh": 50}]
    return parse_instance({
        "name": case.label, "window": {"hours": case.hours}, "step_minutes": case.step,
        "depot": {"name": "Depot"}, "corridor": {"length_km": length,
                                                  "checkpoints": checkpoints},
        "sites": sites, "vehicles": vehicles})


DEFAULT = [
    Case(3, 10, False, 12, 120, 2, 1_000, 1),
    Case(3, 10, False, 12, 220, 3, 1_000, 2),  # the 2022 case: a round trip barely fits
    Case(10, 50, False, 24, 120, 3, 10_000, 1),
    Case(10, 100, True, 24, 220, 4, 20_000, 1),
    Case(30, 300, False, 48, 120, 3, 60_000, 1, step=5),  # the homogeneous target
    Case(30, 300, False, 48, 220, 5, 60_000, 2, step=5),
    Case(30, 300, True, 48, 120, 3, 60_000, 1, step=10),  # a mixed-fleet target
    Case(10, 1000, False, 72, 60, 1, 60_000, 1, step=15),
]
QUICK = [DEFAULT[0], DEFAULT[2], DEFAULT[3]]


def full_grid() -> list[Case]:
    grid = []
    for sites, fleet, mixed, hours, km, seed in itertools.product(
            (3, 10, 30), (10, 50, 100, 300, 1000), (False, True), (6, 12, 24, 48, 72),
            (60, 120, 220), range(1, 6)):
        rnd = random.Random(seed * 7919 + sites)
        grid.append(Case(sites, fleet, mixed, hours, km, rnd.randint(1, 6),
                         rnd.choice([1_000, 5_000, 20_000, 60_000]), seed,
                         step=5 if hours <= 48 else 10))
    return grid


def run_case(case: Case) -> dict[str, Any]:
    began = time.perf_counter()
    inst = generate(case)
    limit = MIXED_S if case.mixed else HOMOGENEOUS_S
    plan = make_plan(inst, Options(time_limit=limit))
    wall = time.perf_counter() - began
    verdict = check(inst, plan["itineraries"])  # again, outside the planner
    solver = plan["solver"] or {}
    bound = plan["bound"]
    return {"case": case, "plan": plan, "wall": wall, "ok": verdict.ok,
            "build": plan["timing"]["build_s"] + (solver.get("build_s") or 0.0),
            "solve": solver.get("solve_s") or 0.0, "gap": solver.get("gap"),
            "people_ratio": plan["people"] / bound["people"] if bound["people"] else 1.0,
            "weighted_ratio": plan["weighted"] / bound["weighted"] if bound["weighted"] else 1.0}


def solver_note(plan: dict[str, Any]) -> str:
    return str((plan["solver"] or {}).get("note") or "")


def _ratio(a: float, b: float) -> str:
    return "—" if b == 0 else f"{a / b:.3f}"


def run(quick: bool, full: bool = False) -> list[Result]:
    cases = full_grid() if full else QUICK if quick else DEFAULT
    results: list[Result] = []
    rows = []
    for case in cases:
        r = run_case(case)
        plan = r["plan"]
        naive = plan["naive_convoy"]
        greedy = plan["greedy"]
        gap = r["gap"]
        target_gap, target_s = (MIXED_GAP, MIXED_S) if case.mixed else (
            HOMOGENEOUS_GAP, HOMOGENEOUS_S)
        met_gap = (gap is not None and gap <= target_gap) or (
            1 - r["people_ratio"] <= target_gap)
        passed = (r["ok"] and met_gap and r["wall"] <= target_s + 5
                  and plan["weighted"] + 1e-6 >= greedy["weighted"])
        rows.append(r)
        gap_text = "—" if gap is None else f"{gap * 100:.3f} %"
        method = "lp+mip" if plan["method"] == "mip" else plan["method"]
        if plan["method"] == "greedy" and solver_note(plan):
            method = "greedy: meets the bound"
        results.append(Result(
            f"plan {case.label}", "—",
            f"{plan['people']} people ({method}); build {r['build']:.2f} s, solve "
            f"{r['solve']:.2f} s, MIP gap {gap_text}; stranded 0 (naive "
            f"{naive['stranded_vehicles']})",
            f"bound {plan['bound']['people']}; greedy {greedy['people']}; naive "
            f"{naive['people']}",
            f"÷bound {r['people_ratio']:.3f} (w {r['weighted_ratio']:.3f}); ÷greedy(w) "
            f"{_ratio(plan['weighted'], greedy['weighted'])}; ÷naive(w) "
            f"{_ratio(plan['weighted'], naive['weighted'])}",
            f"gap ≤ {target_gap * 100:g} % (proven or to bound) in ≤ {target_s:g} s; ≥ greedy; "
            "0 stranded; checker passes",
            passed))
        console.print(f"  {case.label}: {plan['people']} people, {r['wall']:.1f} s", style="dim")
    show("Evacuation planner — ours vs bound, greedy and naive convoy", results)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="three small cases")
    parser.add_argument("--full", action="store_true", help="the issue's whole grid (hours)")
    args = parser.parse_args()
    run(args.quick, args.full)


if __name__ == "__main__":
    main()

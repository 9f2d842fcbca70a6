"""The plan checker: an independent simulation of a plan's itineraries against the instance.

It shares no code with the network, the solver or the dispatchers: it reads the itineraries as a
person would (depart, cross, load, back, in minutes), walks each vehicle along the corridor with
*exact* driving times (not the rounded steps the planner used) and checks every rule again:
fleet size, order of checkpoints, times, seats and stretcher places, categories allowed, people
waiting, checkpoint throughput in any 60 minutes per direction, and that every vehicle is back at
the depot — out of the pause area — before the window ends. A plan that fails is never returned.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from corridor.planning.instance import CATEGORIES, Instance, VehicleType

SLACK = 1e-6  # minutes: float noise only; every rule is otherwise exact


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    stranded: list[str] = field(default_factory=list)  # vehicles not back before the end
    people: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems[:50], "stranded": self.stranded,
                "people": self.people}


def drive(inst: Instance, v: VehicleType, a: float, b: float) -> float:
    """Minutes between two km marks (the checker's own arithmetic)."""
    lo, hi = sorted((a, b))
    points = sorted({lo, hi, *[k for st in inst.corridor.slow_stretches
                                for k in (st.from_km, st.to_km) if lo < k < hi]})
    total = 0.0
    for x, y in pairwise(points):
        limits = [st.max_speed_kmh for st in inst.corridor.slow_stretches
                  if st.from_km <= (x + y) / 2 <= st.to_km]
        total += (y - x) * 60 / min([v.speed_kmh, *limits])
    return total


def check(inst: Instance, itineraries: list[dict[str, Any]]) -> CheckResult:
    result = CheckResult()
    problems = result.problems
    types = {v.name: v for v in inst.vehicles}
    sites = {s.name: s for s in inst.sites}
    cps = {c.name: c for c in inst.corridor.checkpoints}
    end = inst.window_minutes
    used = Counter(i.get("type") for i in itineraries)
    for name, n in used.items():
        if name not in types:
            problems.append(f"unknown vehicle type {name!r}")
        elif n > types[name].count:
            problems.append(f"{n} vehicles of type {name!r} used; only {types[name].count}")
    labels = Counter(i.get("vehicle") for i in itineraries)
    problems += [f"vehicle {label!r} has two itineraries" for label, n in labels.items() if n > 1]
    carried: dict[tuple[str, str], int] = defaultdict(int)
    crossings: dict[tuple[str, str], list[float]] = defaultdict(list)
    for it in itineraries:
        v = types.get(it.get("type", ""))
        if v is None:
            continue
        label = str(it.get("vehicle"))
        km, free, loaded = 0.0, 0.0, False  # where, from when it may move, carrying people
        at_depot = True

        def skipped(a: float, b: float) -> list[str]:
            lo, hi = sorted((a, b))
            return [c.name for c in inst.checkpoints if lo < c.km < hi]

        for e in it.get("events", []):
            kind, t, place = e.get("event"), float(e.get("min", -1)), e.get("place")
            if kind in ("arrive", "queue"):
                continue  # informative only; the rules below follow from the other events
            if t < -SLACK:
                problems.append(f"{label}: {kind} at {place} before the window starts")
            if kind == "depart":
                if not at_depot or place != inst.depot.name:
                    problems.append(f"{label}: departs from {place} while not at the depot")
                if t + SLACK < free:
                    problems.append(f"{label}: departs at {t:g} min, before it has unloaded "
                                    f"({free:g} min)")
                at_depot, km, free = False, 0.0, t
                continue
            if at_depot:
                problems.append(f"{label}: {kind} at {place} without leaving the depot")
                continue
            if kind == "cross":
                cp = cps.get(str(place))
                direction = "outbound" if loaded else "inbound"
                away = cp is not None and (cp.km > km if direction == "inbound" else cp.km < km)
                if cp is None or e.get("direction") != direction or not away:
                    problems.append(f"{label}: crosses {place} {e.get('direction')} — not the "
                                    f"way a {'loaded' if loaded else 'empty'} vehicle goes")
                    continue
                _skipped(problems, label, place, skipped(km, cp.km))
                _arrive(problems, label, place, t, free + drive(inst, v, km, cp.km))
                crossings[(cp.name, direction)].append(t)
                km, free = cp.km, t + cp.delay_minutes
            elif kind == "load":
                site = sites.get(str(place))
                if site is None or loaded or site.km < km:
                    problems.append(f"{label}: loads at {place}, not an empty vehicle on its "
                                    "way out to a site")
                    continue
                _skipped(problems, label, place, skipped(km, site.km))
                _arrive(problems, label, place, t, free + drive(inst, v, km, site.km))
                _load(inst, problems, label, v, site.name, e.get("people", {}), carried)
                loaded, km, free = True, site.km, t + v.load_minutes
            elif kind == "back":
                if not loaded or place != inst.depot.name:
                    problems.append(f"{label}: back at {place} without a load on board")
                _skipped(problems, label, place, skipped(km, 0.0))
                _arrive(problems, label, place, t, free + drive(inst, v, km, 0.0))
                if t > end + SLACK:
                    result.stranded.append(label)
                    problems.append(f"{label}: back at {t:g} min, after the window ends "
                                    f"({end:g} min)")
                at_depot, loaded, km, free = True, False, 0.0, t + v.unload_minutes
            else:
                problems.append(f"{label}: unknown event {kind!r}")
        if not at_depot:
            result.stranded.append(label)
            problems.append(f"{label}: never comes back to the depot")
    for (s, c), n in carried.items():
        waiting = sites[s].waiting.get(c)
        if n > waiting:
            problems.append(f"{n} {c} taken from {s}; only {waiting} waiting")
    window = 60.0
    for (name, direction), times in crossings.items():
        cap = cps[name].throughput(direction)
        times.sort()
        for i, t in enumerate(times):
            inside = sum(1 for u in times[i:] if u < t + window - SLACK)
            if inside > cap:
                problems.append(f"{inside} vehicles cross {name} {direction} between {t:g} and "
                                f"{t + window:g} min; the limit is {cap} an hour")
                break
    result.people = sum(carried.values())
    return result


def _skipped(problems: list[str], label: str, place: object, names: list[str]) -> None:
    if names:
        problems.append(f"{label}: reaches {place} without crossing {', '.join(names)}")


def _arrive(problems: list[str], label: str, place: object, t: float, earliest: float) -> None:
    if t + SLACK < earliest:
        problems.append(f"{label}: at {place} at {t:g} min; it cannot be there before "
                        f"{earliest:.1f} min")


def _load(inst: Instance, problems: list[str], label: str, v: VehicleType, site: str,
          people: dict[str, int], carried: dict[tuple[str, str], int]) -> None:
    stretcher = inst.stretcher_set
    seated = lying = 0
    for c, n in people.items():
        if c not in CATEGORIES or not isinstance(n, int) or n < 0:
            problems.append(f"{label}: loads {n!r} of {c!r} at {site}")
            continue
        if n == 0:
            continue
        if v.categories is not None and c not in v.categories:
            problems.append(f"{label}: a {v.name} may not carry {c}")
        if c in stretcher:
            lying += n
        else:
            seated += n
        carried[(site, c)] += n
    if seated > v.seats:
        problems.append(f"{label}: {seated} seated at {site}; a {v.name} has {v.seats} seats")
    if lying > v.stretchers:
        problems.append(f"{label}: {lying} on stretchers at {site}; a {v.name} has "
                        f"{v.stretchers} stretcher places")

"""How a plan fares when checkpoints are slower than their mean: Monte-Carlo runs with lognormal
delays, and percentile delays to plan with (`--safety P80`).

Lognormal because delays are positive and right-skewed (most crossings near the usual time, a few
far longer); parameterised by the given mean, so the mean stays what the parties said. In a run,
each vehicle keeps to its plan (never earlier than planned) but is late when the road makes it
late; the run counts whether any vehicle is still inside the pause area when it ends.
"""

from __future__ import annotations

import math
import re
from statistics import NormalDist
from typing import Any

import numpy as np

from corridor.errors import InvalidInput
from corridor.planning.checker import drive
from corridor.planning.instance import Instance, parse_instance

SIGMA = 0.5  # spread of log-delay: the 90th percentile is about 1.7 × the median


def parse_safety(text: str) -> float:
    match = re.fullmatch(r"[Pp](\d{1,2})", text.strip())
    if not match or not 50 <= int(match.group(1)) <= 99:
        raise InvalidInput("safety is a percentile between P50 and P99, e.g. P80",
                           field="/safety")
    return int(match.group(1)) / 100


def percentile_factor(p: float, sigma: float = SIGMA) -> float:
    """The p-quantile of a lognormal delay, as a multiple of its mean."""
    return math.exp(-sigma**2 / 2 + sigma * NormalDist().inv_cdf(p))


def with_percentile_delays(inst: Instance, p: float, sigma: float = SIGMA) -> Instance:
    data = inst.model_dump(mode="json")
    factor = percentile_factor(p, sigma)
    for cp in data["corridor"]["checkpoints"]:
        cp["delay_minutes"] = round(cp["delay_minutes"] * factor, 2)
    return parse_instance(data)


def monte_carlo(inst: Instance, itineraries: list[dict[str, Any]], samples: int,
                sigma: float = SIGMA, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    cps = {c.name: c for c in inst.corridor.checkpoints}
    types = {v.name: v for v in inst.vehicles}
    end = inst.window_minutes
    inside_any = np.zeros(samples, dtype=bool)
    last_back = np.zeros(samples)
    for it in itineraries:
        v = types[it["type"]]
        free = np.zeros(samples)
        km = 0.0
        for e in it["events"]:
            kind, planned = e["event"], float(e["min"])
            if kind == "depart":
                free = np.maximum(free, planned)
                km = 0.0
            elif kind == "cross":
                cp = cps[e["place"]]
                at = np.maximum(planned, free + drive(inst, v, km, cp.km))
                mean = cp.delay_minutes
                delay = (rng.lognormal(math.log(mean) - sigma**2 / 2, sigma, samples)
                         if mean > 0 else np.zeros(samples))
                free, km = at + delay, cp.km
            elif kind == "load":
                site = next(s for s in inst.sites if s.name == e["place"])
                at = np.maximum(planned, free + drive(inst, v, km, site.km))
                free, km = at + v.load_minutes, site.km
            elif kind == "back":
                at = free + drive(inst, v, km, 0.0)
                inside_any |= at > end + 1e-6
                last_back = np.maximum(last_back, at)
                free, km = at + v.unload_minutes, 0.0
    return {"samples": samples, "sigma": sigma,
            "p_any_inside": round(float(inside_any.mean()), 4) if samples else 0.0,
            "last_back_p95_min": round(float(np.percentile(last_back, 95)), 1)
            if samples else 0.0,
            "window_min": end}

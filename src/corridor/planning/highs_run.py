"""HiGHS runs for the exact model (`mip.py`): one run stopped at a wall-clock deadline, and the
time-window search (`tails`) that improves a plan with exact MIPs over windows of the horizon."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np
from highspy import cb

# The `highspy.Highs` wrapper prints a banner on stdout when constructed, which would corrupt the
# CLI's --json output and a server's log; the core class underneath it does not.
from highspy._core import _Highs


def tails(model: Model, best: Run, bound: float, deadline: float, threads: int | None,
           gap: float, options: dict[str, bool | float | str] | None) -> Run:
    """Exact MIPs over windows of time, every arc starting outside the window fixed to the best
    plan so far (a time-window neighbourhood search). The first window is the end of the
    horizon, where the rounding loses its trips; it grows by half while the solves are quick,
    then slides towards the start, overlapping the last one by half (back to the last size
    that finished, if a longer one did not). The whole horizon is left to the full MIP."""
    lp = model.lp
    lower, upper = np.asarray(lp.col_lower_).copy(), np.asarray(lp.col_upper_).copy()
    T = int(model.col_t.max()) + 1 if len(model.col_t) else 0
    span = max(1, T // 8)
    done = 0  # the longest window that finished
    end = T
    idle = 0  # windows in a row that improved nothing
    try:
        while not closed(best, bound, gap) and best.x is not None and T > 0:
            left = deadline - time.perf_counter()
            if left < 1.0:
                break
            begin = max(0, end - span)
            if begin == 0 and end == T:
                break  # that is the full MIP: step 3's, with its dual bound
            free = (model.col_t >= begin) & (model.col_t < end)
            fixed = (model.col_t >= 0) & ~free
            lo, hi = lower.copy(), upper.copy()
            lo[fixed] = best.x[fixed]
            hi[fixed] = best.x[fixed]
            lp.col_lower_, lp.col_upper_ = lo, hi
            # HiGHS's root cut loop notices the interrupt only between rounds, which can take
            # seconds on these windows: a wide margin (measured overruns up to 4 s).
            attempt = run(model, deadline - 0.4 * left, threads, integer=True,
                       start=best.x, gap=gap, options=options)
            if attempt.x is not None and attempt.objective > best.objective + 1e-9:
                best = Run(attempt.x, attempt.objective, False)
                idle = 0
            else:
                idle += 1
            if not attempt.optimal:
                if span <= done or done == 0:
                    break
                span = done  # too long: slide the last size that finished
                end = max(T - span + span // 2, 1)
                continue
            done = max(done, span)
            if end == T and begin > 0 and 30 * attempt.seconds < deadline - time.perf_counter():
                span = span * 3 // 2  # quick: a longer tail
            elif begin == 0:
                if idle * max(1, span // 2) >= T:
                    break  # a whole pass without a gain
                end = T
            else:
                end = max(begin + span // 2, 1)
    finally:
        lp.col_lower_, lp.col_upper_ = lower, upper
    return best


def gap_of(primal: float, dual: float) -> float:
    """HiGHS's relative gap: |dual − primal| / |primal|."""
    if math.isinf(dual):
        return math.inf
    return abs(dual - primal) / max(abs(primal), 1e-9) if dual - primal > 1e-9 else 0.0


def closed(best: Run | None, bound: float, gap: float) -> bool:
    return best is not None and gap_of(best.objective, bound) <= gap


@dataclass
class Model:
    lp: highspy.HighsLp
    offsets: list[int]
    y_index: dict[tuple[int, str, int], int]
    per_step: list[tuple[int, np.ndarray]]
    continuous: np.ndarray
    col_t: np.ndarray  # tail step of each arc's column, -1 for the other columns
    n_cols: int
    n_rows: int


@dataclass
class Run:
    x: np.ndarray | None
    objective: float
    optimal: bool
    bound: float | None = None  # a valid dual bound, from a solve of the whole model
    seconds: float = 0.0

    @staticmethod
    def of(model: Model, x: np.ndarray) -> Run:
        return Run(x, float(np.dot(np.asarray(model.lp.col_cost_), x)), False)


def run(model: Model, deadline: float, threads: int | None, *, integer: bool,
         start: np.ndarray | None = None, gap: float = 1e-4,
         options: dict[str, bool | float | str] | None = None) -> Run:
    """One HiGHS run, stopped at the deadline by an interrupt callback as well as by its own
    time limit (some of its paths, e.g. the IPM inside the MIP, overrun `time_limit`)."""
    lp = model.lp
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kContinuous if c else highspy.HighsVarType.kInteger
                           for c in model.continuous]
    h = _Highs()
    h.setOptionValue("output_flag", False)
    left = deadline - time.perf_counter()
    if left <= 0.05:
        return Run(None, -math.inf, False)
    h.setOptionValue("time_limit", left)
    h.setOptionValue("mip_rel_gap", gap)
    if threads is not None:
        h.setOptionValue("threads", threads)
    for key, val in (options or {}).items():
        h.setOptionValue(key, val)
    h.passModel(lp)
    if integer:
        lp.integrality_ = []
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(start)
        sol.value_valid = True
        h.setSolution(sol)

    def interrupt(kind: object, message: str, data_out: object, data_in: object,
                  user: object) -> None:
        if time.perf_counter() > deadline and data_in is not None:
            data_in.user_interrupt = True  # type: ignore[attr-defined]

    h.setCallback(interrupt, None)
    for kind in (cb.HighsCallbackType.kCallbackSimplexInterrupt,
                 cb.HighsCallbackType.kCallbackIpmInterrupt,
                 cb.HighsCallbackType.kCallbackMipInterrupt):
        h.startCallback(kind)
    t0 = time.perf_counter()
    h.run()
    status = h.getModelStatus()
    solution = h.getSolution()
    info = h.getInfo()
    optimal = status == highspy.HighsModelStatus.kOptimal
    if not solution.value_valid:
        return Run(None, -math.inf, False)
    x = np.asarray(solution.col_value)
    if integer:
        x = np.rint(x)
        x[model.continuous] = np.asarray(solution.col_value)[model.continuous]
        obj = float(np.dot(np.asarray(lp.col_cost_), x))
        dual = float(info.mip_dual_bound)
        return Run(x, obj, optimal, dual, time.perf_counter() - t0)
    return Run(x, float(info.objective_function_value), optimal,
                float(info.objective_function_value) if optimal else None,
                time.perf_counter() - t0)

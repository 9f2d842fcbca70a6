"""`python -m bench [--quick]`: every benchmark in turn (the log, deconfliction, planning, then
load against real servers), then one summary of the targets."""

from __future__ import annotations

import os
import platform
import sqlite3
import time

from rich.table import Table

from bench import audit_speed, deconflict, load, log_append, log_proofs
from bench.common import Result, console, parse_quick, verdict


def main() -> None:
    quick = parse_quick(__doc__ or "")
    began = time.perf_counter()
    console.print(f"Corridor benchmarks on {os.cpu_count()} CPUs, Python "
                  f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
                  + (" (--quick)" if quick else ""))
    results: list[Result] = []
    for module in (log_append, log_proofs, audit_speed):
        results += module.run(quick)
        console.print()
    results += deconflict.run(quick)
    console.print()
    from bench import planning as planning_bench

    results += planning_bench.run(quick)
    console.print()
    results += load.run(quick)
    console.print()
    table = Table(title="summary — every row with a target", title_justify="left")
    for name in ("benchmark", "db", "ratio", "target", ""):
        table.add_column(name)
    for r in results:
        if r.passed is not None:
            table.add_row(r.benchmark, r.backend, r.ratio, r.target, verdict(r.passed))
    console.print(table)
    missed = sum(1 for r in results if r.passed is False)
    console.print(f"{missed} target(s) missed; whole run {time.perf_counter() - began:.0f} s"
                  + (" (--quick: figures from small runs)" if quick else ""))


if __name__ == "__main__":
    main()

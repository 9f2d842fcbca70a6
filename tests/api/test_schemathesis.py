"""Schemathesis over the whole API, as a convener admin and as a party operator, on SQLite and
PostgreSQL: the stateless phases (examples, coverage, fuzzing) and the stateful phase that
follows the document's links, with every check, each within a time budget. The runs' summary
lines are printed at the end of pytest's output (tests/api/conftest.py). Settings:
tests/api/schemathesis.toml."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from corridor.app import create_app
from corridor.config import Settings
from tests.served import served

CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS_DIR = Path(__file__).parent  # schemathesis_hooks.py
CALLERS = {"convener-admin": "convener.admin", "party-operator": "party-a.operator"}
# Seconds per run of each kind; eight runs (two databases, two callers, stateless and
# stateful) take about a minute and a half in all, shared by the suite's two workers. The
# stateful phase gets its own run: in one run it only has what the stateless phases leave,
# which on a busy machine is nothing. CORRIDOR_SCHEMATHESIS_SCALE=5 gives a longer search.
PHASES = {"stateless": ("examples,coverage,fuzzing", 12), "stateful": ("stateful", 6)}
SCALE = float(os.environ.get("CORRIDOR_SCHEMATHESIS_SCALE", "1"))
# Fixed unless asked otherwise, so that a failure in CI can be replayed.
SEED = os.environ.get("CORRIDOR_SCHEMATHESIS_SEED", "13")
_SUMMARY = re.compile(r"^=+ (.+ in [0-9.]+s) =+$")


@pytest.mark.slow
@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_schemathesis_finds_no_server_error_and_no_non_conformance(
        caller: str, backend: str, world: Any, settings: Settings, engine: Engine,
        record_property: Any, tmp_path: Path) -> None:
    # Writes answer at commit (index pending), as in production; the tests' 10 s wait would
    # only slow the run down.
    app = create_app(settings.model_copy(update={"wait_for_index_seconds": 0.0}), engine)
    failed = []
    with served(app) as base:
        for kind, (phases, seconds) in PHASES.items():
            budget = max(1, round(seconds * SCALE))
            run = subprocess.run(
                [str(Path(sys.executable).with_name("st")), "--config-file", str(CONFIG),
                 "--no-color", "run", f"{base}/api/v1/openapi.json",
                 "--header", f"Authorization: Bearer {world.tokens[CALLERS[caller]]}",
                 "--checks", "all", "--phases", phases, "--max-time", str(budget),
                 # One worker: Hypothesis parses lambdas' source with `ast`, which on CPython
                 # 3.11 fails now and then when threads do it at once ("AST constructor
                 # recursion depth mismatch"), a runtime error that is not the API's.
                 "--seed", SEED, "--workers", "1"],
                capture_output=True, text=True, timeout=budget * 4 + 60, check=False,
                env={**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
                     "PYTHONPATH": str(HOOKS_DIR)},
                cwd=tmp_path)  # schemathesis keeps a cache in its working directory
            lines = run.stdout.splitlines()
            summary = next((m.group(1) for line in reversed(lines)
                            if (m := _SUMMARY.match(line))), f"no summary (exit {run.returncode})")
            record_property("schemathesis", f"{backend}, as {caller}, {kind}: {summary}")
            if run.returncode != 0:
                failed.append(_failures(lines) or run.stdout[-4000:] + run.stderr[-2000:])
    assert not failed, "\n".join(failed)


def _failures(lines: list[str]) -> str:
    """The FAILURES and SUMMARY sections: what failed and how to reproduce it."""
    start = next((i for i, line in enumerate(lines) if "FAILURES" in line or "ERRORS" in line),
                 None)
    return "" if start is None else "\n".join(lines[start:])[-12000:]

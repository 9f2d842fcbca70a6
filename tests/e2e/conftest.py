"""End-to-end fixtures: the real command line against a real server process."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.e2e.procs import Corridor


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """End-to-end tests run on PostgreSQL only, the database production uses: each case starts
    several `python -m corridor` processes, and what they prove about the command line and the
    server does not depend on the database; the service and API tests already cover SQLite.
    A test whose point is how the database behaves (the crash test) parametrises `backend`
    itself to run on both."""
    return str(request.param)


@pytest.fixture
def corridor(engine: Engine, tmp_path: Path) -> Corridor:
    return Corridor(tmp_path / "data", engine.url.render_as_string(hide_password=False))

"""End-to-end fixtures: the real command line against a real server process."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.e2e.procs import Corridor


@pytest.fixture
def corridor(engine: Engine, tmp_path: Path) -> Corridor:
    return Corridor(tmp_path / "data", engine.url.render_as_string(hide_password=False))

"""Where the shared conformance vectors live, failing loudly (never skipping) when they do not."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest


def _find_root() -> Path:
    """CORRIDOR_CONFORMANCE_DIR, else ../shared/conformance beside the checkout, else the
    workplace's /work/shared (a clean clone made elsewhere, as CI does, still finds it)."""
    given = os.environ.get("CORRIDOR_CONFORMANCE_DIR")
    candidates = [Path(given)] if given else []
    candidates += [Path(__file__).resolve().parents[3].parent / "shared" / "conformance",
                   Path("/work/shared/conformance")]
    return next((c for c in candidates if c.is_dir()), candidates[0])


ROOT = _find_root()
TESSERA_LOG = ROOT / "checkpoints" / "tessera-log" / "testdata" / "log"
# From the conformance README: the key that signed every tessera-log checkpoint.
TESSERA_VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"


def path(*parts: str) -> Path:
    """A path inside the conformance folder; a collection failure if the folder is missing."""
    if not ROOT.is_dir():
        pytest.fail(
            f"conformance vectors not found at {ROOT}: the log tests need the shared folder "
            "../shared/conformance beside the project",
            pytrace=False,
        )
    return ROOT.joinpath(*parts)


def files(folder: str, pattern: str = "**/*.json") -> list[Path]:
    """Every file matching `pattern` under `folder`, sorted; failing if there are none."""
    found = sorted(p for p in path(folder).glob(pattern) if p.is_file())
    if not found:
        pytest.fail(f"no conformance files match {folder}/{pattern}", pytrace=False)
    return found


def load(*parts: str) -> Any:
    return json.loads(path(*parts).read_text(encoding="utf-8"))


def b64(text: str) -> bytes:
    return base64.b64decode(text)

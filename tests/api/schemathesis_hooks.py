"""Schemathesis hooks for tests/api/test_schemathesis.py: every request goes to the seeded group.

A hook rather than a `[parameters]` value in the configuration: schemathesis knows when a hook
changed a generated value, so a negative case whose only invalid part was the group (replaced
here by the real one) is not then reported as "invalid data accepted"; a fixed parameter
value gave that false report whenever the rest of the request named something that exists."""

from __future__ import annotations

from typing import Any

import schemathesis

GROUP = "test-group"


@schemathesis.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    if path_parameters is not None and "group" in path_parameters:
        path_parameters["group"] = GROUP
    return path_parameters

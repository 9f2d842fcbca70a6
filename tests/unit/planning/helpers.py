"""Small synthetic instances for the planner's tests (solved in well under a second)."""

from __future__ import annotations

import copy
from typing import Any

from corridor.planning.instance import Instance, parse_instance


def data(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "test corridor",
        "window": {"start": "2030-01-01T06:00:00Z", "hours": 8},
        "step_minutes": 10,
        "depot": {"name": "Depot", "lon": 35.0, "lat": 47.0},
        "corridor": {"length_km": 60, "checkpoints": [
            {"name": "CP", "km": 20, "delay_minutes": 20, "throughput_per_hour": 3,
             "lon": 35.1, "lat": 47.1}]},
        "sites": [
            {"name": "Near", "km": 30, "waiting": {"wounded_or_sick": 2, "older_or_disabled": 10,
                                                   "children": 20, "others": 60}},
            {"name": "Far", "km": 55, "waiting": {"wounded_or_sick": 3, "children": 10,
                                                  "others": 40}}],
        "vehicles": [
            {"name": "bus", "count": 4, "seats": 30, "speed_kmh": 40,
             "categories": ["older_or_disabled", "children", "others"]},
            {"name": "ambulance", "count": 1, "seats": 1, "stretchers": 1, "speed_kmh": 60}],
    }
    body.update(copy.deepcopy(changes))
    return body


def instance(**changes: Any) -> Instance:
    return parse_instance(data(**changes))

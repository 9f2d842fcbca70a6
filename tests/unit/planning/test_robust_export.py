"""Monte-Carlo delays, percentile safety, the demo instance, and the exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from corridor.errors import InvalidInput
from corridor.planning.cli import EXAMPLE
from corridor.planning.export import to_csv, to_geojson
from corridor.planning.instance import parse_instance
from corridor.planning.robust import parse_safety, percentile_factor, with_percentile_delays
from corridor.planning.service import PlanRequest, plan_instance
from tests.unit.planning.helpers import data, instance


def test_p80_delays_are_longer_than_the_mean_and_bad_percentiles_are_refused() -> None:
    assert percentile_factor(0.8) > 1 > percentile_factor(0.5)
    slower = with_percentile_delays(instance(), 0.8)
    assert slower.corridor.checkpoints[0].delay_minutes > 20
    with pytest.raises(InvalidInput) as exc:
        parse_safety("P100")
    assert exc.value.field == "/safety"


def test_a_plan_made_with_safety_margins_is_less_often_caught_inside() -> None:
    tight = plan_instance(PlanRequest(instance=data(), monte_carlo=400, time_limit=5))
    safe = plan_instance(PlanRequest(instance=data(), monte_carlo=400, safety="P90",
                                     time_limit=5))
    assert 0 <= safe["robustness"]["p_any_inside"] <= tight["robustness"]["p_any_inside"] <= 1
    assert safe["people"] <= tight["people"]


def test_the_seed_scenario_instance_plans_and_exports() -> None:
    inst = parse_instance(json.loads(EXAMPLE.read_text()))
    plan = plan_instance(PlanRequest(instance=inst.model_dump(mode="json"), time_limit=10))
    assert plan["check"]["ok"] and plan["people"] > 0
    assert {s.name for s in inst.sites} == {"Mariupol (Azovstal)", "Manhush"}
    rows = list(csv.reader(io.StringIO(to_csv(inst, plan))))
    assert rows[1][0] == "#meta+vehicle" and len(rows) > 2
    loaded = sum(int(r[7] or 0) + int(r[8] or 0) + int(r[9] or 0) + int(r[10] or 0)
                 for r in rows[2:] if r[2] == "load")
    assert loaded == plan["people"]
    geo = to_geojson(inst, plan)
    kinds = [f["properties"]["kind"] for f in geo["features"]]
    assert kinds.count("site") == 2 and "corridor" in kinds and "depot" in kinds

"""Bad input is refused with the field named; odd but valid input is planned and explained."""

from __future__ import annotations

from typing import Any

import pytest

from corridor.errors import InvalidInput
from corridor.planning.instance import parse_instance, travel_minutes
from corridor.planning.planner import Options, make_plan
from tests.unit.planning.helpers import data, instance


def refused(body: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        parse_instance(body)
    return exc.value


def test_a_window_shorter_than_one_step_is_refused_naming_the_window() -> None:
    err = refused(data(window={"hours": 0.1}, step_minutes=15))
    assert err.field == "/window/hours" and "shorter than one time step" in err.detail


def test_an_instance_without_vehicles_is_refused() -> None:
    assert refused(data(vehicles=[])).field == "/vehicles"
    body = data()
    for v in body["vehicles"]:
        v["count"] = 0
    assert refused(body).field == "/vehicles"


def test_a_negative_count_is_refused_naming_its_field() -> None:
    body = data()
    body["sites"][1]["waiting"]["children"] = -3
    assert refused(body).field == "/sites/1/waiting/children"
    body = data()
    body["vehicles"][0]["count"] = -1
    assert refused(body).field == "/vehicles/0/count"


def test_a_site_beyond_the_corridor_and_a_corridor_without_length_are_refused() -> None:
    body = data()
    body["sites"][0]["km"] = 75
    assert refused(body).field == "/sites/0/km"
    body = data(corridor={"checkpoints": []})
    assert refused(body).field == "/corridor/length_km"


def test_unknown_fields_and_duplicate_names_are_refused() -> None:
    assert refused(data(names_of_evacuees=["x"])).field == "/names_of_evacuees"
    body = data()
    body["sites"][1]["name"] = "Near"
    assert refused(body).field == "/sites/1/name"


def test_a_category_no_vehicle_may_carry_is_reported_unserved_not_refused() -> None:
    body = data()
    body["vehicles"] = [body["vehicles"][0]]  # buses only: nobody for the wounded
    plan = make_plan(parse_instance(body), Options(time_limit=5))
    assert plan["by_category"]["wounded_or_sick"] == 0
    assert plan["left_waiting"]["Near"]["wounded_or_sick"] == 2
    assert any("wounded or sick" in n and "5 waiting are unserved" in n for n in plan["notes"])
    assert plan["bound"]["parts"]["people"]["demand"] == 140  # 145 waiting, 5 not carriable


def test_slow_stretches_slow_the_vehicles_down() -> None:
    inst = instance(corridor={"length_km": 60, "slow_stretches": [
        {"from_km": 10, "to_km": 20, "max_speed_kmh": 20}]})
    bus = inst.vehicles[0]
    assert travel_minutes(inst, bus, 0, 30) == pytest.approx(20 / 40 * 60 + 10 / 20 * 60)

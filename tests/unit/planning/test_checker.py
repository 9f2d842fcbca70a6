"""The checker refuses hand-made bad plans, each for its own reason."""

from __future__ import annotations

import copy
from typing import Any

from corridor.planning.checker import check
from corridor.planning.network import build
from corridor.planning.planner import Options, make_plan
from tests.unit.planning.helpers import instance

INST = instance()


def good() -> list[dict[str, Any]]:
    # One bus to Near (30 km, 45 min) through CP (20 km: 30 min + 20 min delay) and back.
    zero = {"wounded_or_sick": 0, "older_or_disabled": 0, "children": 0, "others": 0}
    return [{"vehicle": "bus 1", "type": "bus", "events": [
        {"min": 0, "event": "depart", "place": "Depot"},
        {"min": 30, "event": "cross", "place": "CP", "direction": "inbound"},
        {"min": 70, "event": "load", "place": "Near", "people": {**zero, "children": 20,
                                                                 "others": 10}},
        {"min": 110, "event": "cross", "place": "CP", "direction": "outbound"},
        {"min": 160, "event": "back", "place": "Depot"}]}]


def problems(its: list[dict[str, Any]]) -> str:
    result = check(INST, its)
    assert not result.ok
    return " | ".join(result.problems)


def test_a_hand_made_good_plan_passes() -> None:
    assert check(INST, good()).ok


def test_more_people_than_seats_is_refused() -> None:
    its = good()
    its[0]["events"][2]["people"]["others"] = 11
    assert "31 seated at Near; a bus has 30 seats" in problems(its)


def test_a_category_the_vehicle_may_not_carry_is_refused() -> None:
    its = good()
    its[0]["events"][2]["people"]["wounded_or_sick"] = 1
    text = problems(its)
    assert "may not carry wounded_or_sick" in text and "stretcher" in text


def test_a_vehicle_back_after_the_window_is_stranded() -> None:
    its = good()
    its[0]["events"][-1]["min"] = 8 * 60 + 10
    result = check(INST, its)
    assert result.stranded == ["bus 1"] and not result.ok


def test_a_vehicle_that_never_returns_is_stranded() -> None:
    its = good()
    its[0]["events"] = its[0]["events"][:3]
    assert check(INST, its).stranded == ["bus 1"]


def test_too_many_crossings_in_an_hour_are_refused() -> None:
    its = []
    for n in range(4):  # the checkpoint passes 3 an hour
        it = copy.deepcopy(good()[0])
        it["vehicle"] = f"bus {n + 1}"
        for e in it["events"]:
            e["min"] += n * 10
        it["events"][2]["people"] = {"children": 5}
        its.append(it)
    assert "4 vehicles cross CP inbound" in problems(its)


def test_driving_faster_than_the_road_allows_and_skipping_a_checkpoint_are_refused() -> None:
    its = good()
    its[0]["events"][1]["min"] = 10  # 20 km at 40 km/h takes 30 min
    assert "cannot be there before 30.0 min" in problems(its)
    its = good()
    del its[0]["events"][1]
    assert "without crossing CP" in problems(its)


def test_more_vehicles_than_the_fleet_and_more_people_than_wait_are_refused() -> None:
    its = [copy.deepcopy(good()[0]) for _ in range(5)]
    for n, it in enumerate(its):
        it["vehicle"] = f"bus {n}"
        for e in it["events"]:
            e["min"] += 20 * n
    text = problems(its)
    assert "5 vehicles of type 'bus' used; only 4" in text
    assert "children taken from Near; only 20 waiting" in text


def test_every_plan_the_planner_returns_passes_the_checker() -> None:
    plan = make_plan(INST, Options(time_limit=10))
    assert check(INST, plan["itineraries"]).ok
    assert build(INST).n_arcs > 0

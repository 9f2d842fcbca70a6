"""Reconciliation against a simulated convoy whose truth the test knows: people board, leave
with a recorded reason, or vanish without one; counts are honest. Any such history keeps the
identity at every moment, and shows people unaccounted exactly when a count has found them
missing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.errors import InvalidInput
from corridor.operations.reconcile import (
    CATEGORIES,
    NOBODY,
    Count,
    Departure,
    Figures,
    People,
    Reason,
    Reconciliation,
    Stage,
    StageKind,
    reconcile,
)

LEAD = "icrc"


def people_up_to(data: st.DataObject, limit: People | int) -> People:
    caps = [limit if isinstance(limit, int) else limit.get(c) for c in CATEGORIES]
    return People(*(data.draw(st.integers(0, cap)) for cap in caps))


@st.composite
def routes(draw: st.DrawFn) -> list[Stage]:
    middle = draw(st.lists(st.sampled_from([StageKind.PICKUP, StageKind.CHECKPOINT]),
                           max_size=4))
    ends = [StageKind.DESTINATION] * draw(st.integers(1, 2))
    kinds = [StageKind.PICKUP, *middle, *ends]
    return [Stage(i + 10, i + 1, k, f"stage {i + 1}") for i, k in enumerate(kinds)]


@dataclass
class Truth:
    """What really happened to one vehicle, and what a count has shown so far."""

    aboard: People = NOBODY
    vanished_unseen: People = NOBODY
    found_missing: People = NOBODY
    finished: bool = False


@dataclass
class World:
    reports: list[Count | Departure] = field(default_factory=list)
    truths: dict[str, Truth] = field(default_factory=dict)

    def next_id(self) -> int:
        return len(self.reports) + 1


def simulate(data: st.DataObject, stages: list[Stage], vehicle: str, world: World) -> None:
    truth = world.truths.setdefault(vehicle, Truth())
    for stage in stages:
        if data.draw(st.integers(0, 5)) == 0:
            return  # the vehicle is still between stages when we look
        if stage.kind is StageKind.PICKUP:
            boarding = people_up_to(data, 15)
            world.reports.append(Count(world.next_id(), stage, vehicle, LEAD, boarding))
            truth.aboard += boarding
        if data.draw(st.booleans()):
            leaving = people_up_to(data, truth.aboard)
            world.reports.append(Departure(world.next_id(), stage, vehicle, LEAD, leaving,
                                           data.draw(st.sampled_from(list(Reason)))))
            truth.aboard -= leaving
        if data.draw(st.integers(0, 3)) == 0:
            gone = people_up_to(data, truth.aboard)
            truth.aboard, truth.vanished_unseen = truth.aboard - gone, truth.vanished_unseen + gone
        if stage.kind is StageKind.CHECKPOINT and data.draw(st.booleans()):
            world.reports.append(Count(world.next_id(), stage, vehicle, LEAD, truth.aboard))
            truth.found_missing += truth.vanished_unseen
            truth.vanished_unseen = NOBODY
        if stage.kind is StageKind.DESTINATION:
            if data.draw(st.booleans()) or stage is stages[-1]:
                world.reports.append(Count(world.next_id(), stage, vehicle, LEAD, truth.aboard))
                truth.found_missing += truth.vanished_unseen
                truth.vanished_unseen, truth.aboard, truth.finished = NOBODY, NOBODY, True
                return
            off = people_up_to(data, truth.aboard)
            world.reports.append(Count(world.next_id(), stage, vehicle, LEAD, off,
                                       last_stop=False))
            truth.aboard -= off


def run(reports: list[Count | Departure], lead: str = LEAD) -> Reconciliation:
    return reconcile([r for r in reports if isinstance(r, Count)],
                     [r for r in reports if isinstance(r, Departure)], lead=lead)


def assert_identity(f: Figures) -> None:
    for c in CATEGORIES:
        values = [getattr(f, name).get(c) for name in
                  ("boarded", "arrived", "departed", "en_route", "unaccounted")]
        assert min(values) >= 0, (c, f)
        boarded, arrived, departed, en_route, unaccounted = values
        assert boarded - arrived - departed - en_route == unaccounted


@st.composite
def histories(draw: st.DrawFn) -> tuple[World, list[Stage]]:
    data = draw(st.data())
    stages, world = draw(routes()), World()
    for vehicle in draw(st.lists(st.sampled_from(["bus 1", "bus 2", "convoy"]), min_size=1,
                                 max_size=3, unique=True)):
        simulate(data, stages, vehicle, world)
    return world, stages


@settings(max_examples=300, deadline=None)
@given(histories())
def test_any_history_of_valid_reports_keeps_the_identity_at_every_moment(
    history: tuple[World, list[Stage]]
) -> None:
    world, _ = history
    before = 0
    for n in range(len(world.reports) + 1):
        result = run(world.reports[:n])
        assert_identity(result.total)
        for v in result.vehicles:
            assert_identity(v.figures)
        assert result.total == sum((v.figures for v in result.vehicles), Figures())
        # Honest counts in the order they were taken only ever find more people missing.
        assert result.unaccounted >= before
        before = result.unaccounted


@settings(max_examples=300, deadline=None)
@given(histories())
def test_people_are_unaccounted_exactly_when_a_count_has_found_them_missing(
    history: tuple[World, list[Stage]]
) -> None:
    world, _ = history
    result = run(world.reports)
    by_vehicle = {v.vehicle: v for v in result.vehicles}
    for vehicle, truth in world.truths.items():
        if vehicle not in by_vehicle:
            continue  # it never boarded anyone before we looked
        figures = by_vehicle[vehicle].figures
        assert figures.unaccounted == truth.found_missing
        believed = NOBODY if truth.finished else truth.aboard + truth.vanished_unseen
        assert figures.en_route == believed
        assert (by_vehicle[vehicle].finished_at is not None) == truth.finished


@settings(max_examples=200, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_the_order_reports_arrive_in_does_not_change_the_reconciliation(
    history: tuple[World, list[Stage]], rnd: random.Random
) -> None:
    world, _ = history
    shuffled = list(world.reports)
    rnd.shuffle(shuffled)
    assert run(shuffled) == run(world.reports)


@settings(max_examples=200, deadline=None)
@given(histories(), st.data())
def test_another_organisations_figures_are_shown_beside_never_merged(
    history: tuple[World, list[Stage]], data: st.DataObject
) -> None:
    world, _ = history
    counts = [r for r in world.reports if isinstance(r, Count)]
    if not counts:
        return
    picked = data.draw(st.lists(st.sampled_from(counts), min_size=1, max_size=3, unique=True))
    theirs = [Count(1000 + i, c.stage, c.vehicle, "aid-one", people_up_to(data, 30), c.last_stop)
              for i, c in enumerate(picked)]
    alone, together = run(world.reports), run([*world.reports, *theirs])
    assert together.total == alone.total and together.vehicles == alone.vehicles
    differing = {(c.vehicle, c.stage.id) for c, t in zip(picked, theirs, strict=True)
                 if c.people != t.people}
    assert {(d.vehicle, d.stage.id) for d in together.discrepancies} == differing
    for d in together.discrepancies:
        assert d.used.organisation == LEAD and [o.organisation for o in d.others] == ["aid-one"]


@st.composite
def arbitrary_reports(draw: st.DrawFn) -> list[Count | Departure]:
    stages = draw(routes())
    data = draw(st.data())
    out: list[Count | Departure] = []
    for i in range(draw(st.integers(0, 12))):
        stage = data.draw(st.sampled_from(stages))
        vehicle = data.draw(st.sampled_from(["a", "b"]))
        org = data.draw(st.sampled_from([LEAD, "aid-one"]))
        people = people_up_to(data, 20)
        if data.draw(st.booleans()):
            out.append(Departure(i + 1, stage, vehicle, org, people, Reason.OTHER))
        else:
            out.append(Count(i + 1, stage, vehicle, org, people, data.draw(st.booleans())))
    return out


@settings(max_examples=400, deadline=None)
@given(arbitrary_reports())
def test_any_reports_are_either_refused_with_a_field_or_reconciled_without_a_negative(
    reports: list[Count | Departure]
) -> None:
    try:
        result = run(reports)
    except InvalidInput as exc:
        assert exc.field is not None
        assert exc.field == "/stage" or exc.field.removeprefix("/people/") in CATEGORIES
        return
    assert_identity(result.total)
    for v in result.vehicles:
        assert_identity(v.figures)

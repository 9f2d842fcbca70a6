"""Reconciliation, by example: the seed's first convoy, refusals with their numbers, and which
figure is used when organisations disagree."""

from __future__ import annotations

import pytest

from corridor.errors import InvalidInput
from corridor.operations.reconcile import (
    Count,
    Departure,
    People,
    Reason,
    Stage,
    StageKind,
    reconcile,
)

AZOVSTAL = Stage(1, 1, StageKind.PICKUP, "Azovstal")
BEZIMENNE = Stage(2, 2, StageKind.CHECKPOINT, "Bezimenne")
MANHUSH = Stage(3, 3, StageKind.PICKUP, "Manhush")
ZAPORIZHZHIA = Stage(4, 4, StageKind.DESTINATION, "Zaporizhzhia")


def test_the_first_azovstal_convoy_reconciles_to_nobody_unaccounted() -> None:
    counts = [Count(1, AZOVSTAL, "convoy 1", "icrc", People(17, 58, 26, 6, 2)),
              Count(3, MANHUSH, "convoy 1", "icrc", People(11, 30, 17, 3, 1)),
              Count(4, ZAPORIZHZHIA, "convoy 1", "icrc", People(24, 70, 33, 8, 3)),
              Count(5, AZOVSTAL, "convoy 2", "icrc", People(9, 29, 13, 4, 1))]
    departures = [Departure(2, BEZIMENNE, "convoy 1", "icrc", People(4, 18, 10, 1, 0),
                            Reason.CHOSE_TO_STAY)]
    result = reconcile(counts, departures, lead="icrc")
    first, second = result.vehicles
    assert (first.figures.boarded.total, first.figures.arrived.total,
            first.figures.departed.total, first.figures.unaccounted.total) == (159, 127, 32, 0)
    assert first.finished_at == "Zaporizhzhia"
    assert second.figures.en_route.total == 51 and second.figures.unaccounted.total == 0
    assert result.departed_by_reason[Reason.CHOSE_TO_STAY].total == 32


def test_a_report_after_a_vehicles_last_stop_is_refused() -> None:
    last = Stage(9, 9, StageKind.CHECKPOINT, "beyond")
    counts = [Count(1, AZOVSTAL, "bus", "icrc", People(adults=5)),
              Count(2, ZAPORIZHZHIA, "bus", "icrc", People(adults=5)),
              Count(3, last, "bus", "icrc", People(adults=5))]
    with pytest.raises(InvalidInput, match="finished its journey at Zaporizhzhia") as caught:
        reconcile(counts, [], lead="icrc")
    assert caught.value.field == "/stage"


def test_a_head_count_above_those_aboard_is_refused_with_both_numbers() -> None:
    counts = [Count(1, AZOVSTAL, "bus", "icrc", People(adults=5)),
              Count(2, BEZIMENNE, "bus", "icrc", People(adults=6))]
    with pytest.raises(InvalidInput) as caught:
        reconcile(counts, [], lead="icrc")
    assert caught.value.field == "/people/adults"
    assert (caught.value.extra["counted"], caught.value.extra["at_most"]) == (6, 5)


def test_people_found_again_by_a_later_count_are_no_longer_unaccounted() -> None:
    counts = [Count(1, AZOVSTAL, "bus", "icrc", People(adults=10)),
              Count(2, BEZIMENNE, "bus", "icrc", People(adults=7))]
    assert reconcile(counts, [], lead="icrc").unaccounted == 3
    counts.append(Count(3, ZAPORIZHZHIA, "bus", "icrc", People(adults=10)))
    assert reconcile(counts, [], lead="icrc").unaccounted == 0


def test_without_the_lead_the_first_organisation_to_report_a_stage_is_used() -> None:
    counts = [Count(1, AZOVSTAL, "bus", "aid-two", People(adults=10)),
              Count(2, AZOVSTAL, "bus", "aid-one", People(adults=12))]
    result = reconcile(counts, [], lead="icrc")
    assert result.total.boarded.total == 10
    [d] = result.discrepancies
    assert d.used.organisation == "aid-two" and d.others[0].organisation == "aid-one"
    counts.append(Count(3, AZOVSTAL, "bus", "icrc", People(adults=11)))
    assert reconcile(counts, [], lead="icrc").total.boarded.total == 11


def test_departures_of_one_organisation_add_up_and_another_organisations_are_a_discrepancy(
) -> None:
    counts = [Count(1, AZOVSTAL, "bus", "icrc", People(adults=10))]
    departures = [Departure(2, BEZIMENNE, "bus", "icrc", People(adults=2), Reason.MEDICAL),
                  Departure(3, BEZIMENNE, "bus", "icrc", People(adults=1), Reason.OTHER),
                  Departure(4, BEZIMENNE, "bus", "aid-one", People(adults=3), Reason.OTHER)]
    result = reconcile(counts, departures, lead="icrc")
    assert result.total.departed.total == 3 and result.total.en_route.total == 7
    [d] = result.discrepancies
    assert d.what == "departures" and d.others[0].people.total == 3

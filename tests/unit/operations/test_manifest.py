"""Manifest reconciliation: dispatched − delivered − lost or damaged − in transit = unaccounted,
item by item, for any sequence of reports; delivering more than was sent is refused."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.errors import InvalidInput
from corridor.operations.manifest import CargoCategory, CargoStage, Item, Line, reconcile_cargo

FLOUR = Item(CargoCategory.FOOD, "wheat flour", "kg")
WATER = Item(CargoCategory.WATER, "bottled water", "litres")


@st.composite
def lines(draw: st.DrawFn) -> list[Line]:
    return [Line(i + 1, draw(st.sampled_from(["wfp", "unicef"])),
                 draw(st.sampled_from(list(CargoStage))), draw(st.sampled_from([FLOUR, WATER])),
                 draw(st.integers(0, 100)), draw(st.booleans()))
            for i in range(draw(st.integers(0, 10)))]


@settings(max_examples=300, deadline=None)
@given(lines())
def test_any_manifest_is_reconciled_without_a_negative_or_refused_naming_the_item(
    reports: list[Line]
) -> None:
    try:
        result = reconcile_cargo(reports, lead="wfp")
    except InvalidInput as exc:
        assert exc.field == "/lines" and exc.extra["item"] in (FLOUR.name, WATER.name)
        assert exc.extra["delivered"] + exc.extra["lost_or_damaged"] > exc.extra["dispatched"]
        return
    for i in result.items:
        assert min(i.dispatched, i.delivered, i.lost_or_damaged, i.in_transit,
                   i.unaccounted) >= 0
        assert i.dispatched - i.delivered - i.lost_or_damaged - i.in_transit == i.unaccounted
        assert (i.unaccounted > 0) == (result.complete and
                                       i.dispatched > i.delivered + i.lost_or_damaged)


def test_a_completed_delivery_turns_what_is_missing_from_in_transit_to_unaccounted() -> None:
    sent = [Line(1, "wfp", CargoStage.DISPATCHED, FLOUR, 1000),
            Line(2, "wfp", CargoStage.DELIVERED, FLOUR, 900),
            Line(3, "wfp", CargoStage.LOST_OR_DAMAGED, FLOUR, 40)]
    [flour] = reconcile_cargo(sent, lead="wfp").items
    assert (flour.in_transit, flour.unaccounted) == (60, 0)
    done = [*sent, Line(4, "wfp", CargoStage.DELIVERED, FLOUR, 0, complete=True)]
    [flour] = reconcile_cargo(done, lead="wfp").items
    assert (flour.in_transit, flour.unaccounted) == (0, 60)


def test_a_consignees_differing_delivery_figure_is_a_discrepancy_not_a_sum() -> None:
    result = reconcile_cargo([Line(1, "wfp", CargoStage.DISPATCHED, WATER, 500),
                              Line(2, "wfp", CargoStage.DELIVERED, WATER, 500),
                              Line(3, "unicef", CargoStage.DELIVERED, WATER, 450)], lead="wfp")
    assert result.items[0].delivered == 500
    [d] = result.discrepancies
    assert (d.used.organisation, d.others[0].organisation, d.others[0].quantity) == (
        "wfp", "unicef", 450)

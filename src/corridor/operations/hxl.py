"""Counts and manifests as CSV with HXL hashtags (a second header row), the exchange format of
humanitarian data: https://hxlstandard.org/standard/1-1final/dictionary/ . One row per report as
it was made, so a reader can redo the reconciliation; superseded counts are marked, not dropped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corridor.hxl import MEDIA_TYPE as HXL_MEDIA_TYPE
from corridor.hxl import write_csv as _write
from corridor.operations.schemas import ManifestOut, OperationOut, ReconciliationOut

MEDIA_TYPE = HXL_MEDIA_TYPE

_OPERATION = [("Operation", "#activity+code"), ("Operation title", "#activity+name"),
              ("Lead organisation", "#org+lead"), ("Pause", "#event+code")]
COUNT_COLUMNS = [
    ("Report", "#meta+id"), *_OPERATION, ("Counted at", "#date+occurred"),
    ("Recorded at", "#date+reported"), ("Reported by", "#org"), ("Stage", "#loc+name"),
    ("Stage type", "#loc+type"), ("Latitude", "#geo+lat"), ("Longitude", "#geo+lon"),
    ("Vehicle or convoy", "#item+vehicle+code"), ("Record", "#status+record"),
    ("Reason for leaving", "#status+reason"), ("Place left", "#loc+name+departure"),
    ("Children", "#affected+children"), ("Adults", "#affected+adults"),
    ("Older people", "#affected+elderly"), ("Of whom wounded or sick", "#affected+wounded_or_sick"),
    ("Of whom with disabilities", "#affected+disabled"), ("Total", "#affected+total"),
    ("Superseded", "#status+superseded"), ("Free text (not verified)", "#description+notes"),
]
CARGO_COLUMNS = [
    ("Report", "#meta+id"), *_OPERATION, ("Reported for", "#date+occurred"),
    ("Recorded at", "#date+reported"), ("Reported by", "#org"), ("Stage", "#status+stage"),
    ("Place", "#loc+name"), ("Category", "#item+type"), ("Item", "#item+name"),
    ("Unit", "#item+unit"), ("Quantity", "#indicator+quantity+num"),
    ("Reason lost or damaged", "#status+reason"), ("Delivery complete", "#status+complete"),
    ("Free text (not verified)", "#description+notes"),
]
_RECORD = {"pickup": "boarded", "checkpoint": "counted aboard", "destination": "arrived"}


def _op(o: OperationOut) -> list[Any]:
    return [o.id, o.title, o.lead, o.pause]


def counts(items: Sequence[tuple[OperationOut, ReconciliationOut]]) -> str:
    rows = []
    for op, rec in items:
        stages = {s.id: s for s in op.stages}
        for r in rec.reports:
            s, p = stages[r.stage], r.people
            record = "departed" if r.type == "departure" else _RECORD[s.kind]
            rows.append([
                r.id, *_op(op), r.at.isoformat(), r.recorded_at.isoformat(), r.organisation,
                s.name, s.kind, s.lat, s.lon, r.vehicle, record, r.reason, r.place, p.children,
                p.adults, p.older_people, p.wounded_or_sick, p.disabilities, p.total,
                "yes" if r.superseded else "", r.free_text])
    return _write(COUNT_COLUMNS, rows)


def cargo(items: Sequence[tuple[OperationOut, ManifestOut]]) -> str:
    rows = [[r.id, *_op(op), r.at.isoformat(), r.recorded_at.isoformat(), r.organisation,
             r.stage, r.place, x.category, x.item, x.unit, x.quantity, r.reason,
             "yes" if r.complete else "", r.free_text]
            for op, m in items for r in m.reports for x in r.lines]
    return _write(CARGO_COLUMNS, rows)

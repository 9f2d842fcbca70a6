"""Reconciling an evacuation's counts, per category, per vehicle and in total, at every moment:

    boarded − arrived − recorded departures − still en route = unaccounted

Plain data in, plain data out; no database. How the figures are read:

- **Vehicles.** Counters report per vehicle or per whole convoy; a "vehicle" is whichever unit
  they chose, under one label used at every stage of that unit (the seed counts whole convoys).
- **Stages in route order.** Each vehicle is followed along the operation's stages by their
  position, whatever order the reports came in: at one stage people first board (a pickup),
  then the departures recorded there leave, then the head count is taken (a checkpoint) or the
  people are counted off (a destination).
- **Still en route** is who is believed aboard a vehicle that has not finished its journey:
  boarding adds, recorded departures and counts-off at an intermediate stop subtract, and a
  head count at a checkpoint replaces the belief with what was counted. An arrival marked as the
  vehicle's last stop ends its journey: nobody of it is en route any more.
- **Unaccounted** therefore appears exactly when a count shows fewer people than boarded and were
  recorded leaving: at once at a checkpoint, at the latest at the last stop. A later count that
  finds them again clears it. To explain people missing at a checkpoint, record their departure
  at that checkpoint (departures come before the head count of their stage).
- **Categories.** Every person is in one age group (children, adults, older people; the total is
  their sum); wounded or sick and people with disabilities are counted among them ("of whom").
  Each category is reconciled on its own.
- **Claims, never merged.** Several organisations may count the same vehicle at the same stage.
  Each keeps its figure (an organisation's later count there replaces its own earlier one, which
  stays on record as superseded; its departures there add up). The reconciliation uses the lead
  organisation's figure where it reported, else the first organisation's; every other differing
  figure is shown beside it as a discrepancy.
- **Refusals.** A set of reports in which any of these figures would go below zero is refused with
  the numbers (a departure of more people than are aboard, a head count or an arrival of more than
  boarded and not yet left or arrived), as is a report at a stage after a vehicle's last stop.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from corridor.errors import InvalidInput
from corridor.operations.people import (
    AGE_GROUPS,
    CATEGORIES,
    NOBODY,
    Count,
    Departure,
    People,
    Reason,
    Stage,
    StageKind,
)

__all__ = ["AGE_GROUPS", "CATEGORIES", "NOBODY", "Claim", "Count", "Departure", "Discrepancy",
           "Figures", "People", "Reason", "Reconciliation", "Stage", "StageKind",
           "VehicleFigures", "reconcile"]


@dataclass(frozen=True)
class Figures:
    boarded: People = NOBODY
    arrived: People = NOBODY
    departed: People = NOBODY
    en_route: People = NOBODY
    unaccounted: People = NOBODY

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class VehicleFigures:
    vehicle: str
    figures: Figures
    last_seen: str | None  # the stage of its latest count or departure
    finished_at: str | None  # the destination of its last stop, once reported


@dataclass(frozen=True)
class Claim:
    organisation: str
    people: People
    reports: tuple[int, ...]
    by_reason: tuple[tuple[Reason, People], ...] = ()


@dataclass(frozen=True)
class Discrepancy:
    stage: Stage
    vehicle: str
    what: str  # "count" or "departures"
    used: Claim
    others: tuple[Claim, ...]


@dataclass(frozen=True)
class Reconciliation:
    total: Figures
    vehicles: tuple[VehicleFigures, ...]
    departed_by_reason: dict[Reason, People]
    discrepancies: tuple[Discrepancy, ...]
    superseded: tuple[int, ...]  # reports replaced by a later one of the same organisation

    @property
    def unaccounted(self) -> int:
        return self.total.unaccounted.total


# --- choosing the figure used for each (vehicle, stage) ------------------------------------------


def _first_org(reports: Iterable[Count | Departure]) -> str:
    return min(reports, key=lambda r: r.id).organisation


def _used_org(orgs: set[str], reports: Sequence[Count | Departure], lead: str) -> str:
    return lead if lead in orgs else _first_org(reports)


def _count_claims(reports: Sequence[Count], lead: str
                  ) -> tuple[Count, tuple[Claim, ...], list[int]]:
    latest: dict[str, Count] = {}
    superseded = []
    for r in sorted(reports, key=lambda r: r.id):
        if r.organisation in latest:
            superseded.append(latest[r.organisation].id)
        latest[r.organisation] = r
    used = latest[_used_org(set(latest), reports, lead)]
    others = tuple(Claim(o, r.people, (r.id,)) for o, r in sorted(latest.items())
                   if o != used.organisation and r.people != used.people)
    return used, others, superseded


def _departure_claims(reports: Sequence[Departure], lead: str) -> tuple[Claim, tuple[Claim, ...]]:
    by_org: dict[str, list[Departure]] = defaultdict(list)
    for r in sorted(reports, key=lambda r: r.id):
        by_org[r.organisation].append(r)

    def claim(org: str, items: list[Departure]) -> Claim:
        reasons: dict[Reason, People] = defaultdict(People)
        for d in items:
            reasons[d.reason] += d.people
        return Claim(org, sum((d.people for d in items), NOBODY), tuple(d.id for d in items),
                     tuple(sorted(reasons.items())))

    claims = {org: claim(org, items) for org, items in by_org.items()}
    used = claims[_used_org(set(claims), reports, lead)]
    others = tuple(c for o, c in sorted(claims.items())
                   if o != used.organisation and c.by_reason != used.by_reason)
    return used, others


# --- following one vehicle along its stages ------------------------------------------------------


@dataclass
class _Journey:
    vehicle: str
    boarded: People = NOBODY
    arrived: People = NOBODY
    departed: People = NOBODY
    aboard: People = NOBODY
    last_seen: str | None = None
    finished_at: Stage | None = None

    def expected(self) -> People:
        """Who boarded and has neither been recorded leaving nor counted off."""
        return self.boarded - self.departed - self.arrived

    def figures(self) -> Figures:
        en_route = NOBODY if self.finished_at else self.aboard
        return Figures(self.boarded, self.arrived, self.departed, en_route,
                       self.expected() - en_route)


def _refuse(report: Count | Departure, category: str, message: str, **numbers: int) -> None:
    raise InvalidInput(
        f"{message}; no figure may go below zero, so this is refused", field=f"/people/{category}",
        extra={"report": report.id, "vehicle": report.vehicle, "stage": report.stage.name,
               "category": category, **numbers})


def _over(limit: People, people: People) -> str | None:
    return next((c for c in CATEGORIES if people.get(c) > limit.get(c)), None)


def _apply_count(j: _Journey, r: Count) -> None:
    where, n = f"{r.vehicle} at {r.stage.name}", r.people
    if r.stage.kind is StageKind.PICKUP:
        j.boarded, j.aboard = j.boarded + n, j.aboard + n
        return
    limit = j.expected()
    over = _over(limit, n)
    if over is not None:
        said = "counted aboard" if r.stage.kind is StageKind.CHECKPOINT else "counted off"
        _refuse(r, over, f"{n.get(over)} {over} {said} {where}, but only {limit.get(over)} "
                f"boarded and were not recorded leaving or arriving before",
                counted=n.get(over), at_most=limit.get(over))
    if r.stage.kind is StageKind.CHECKPOINT:
        j.aboard = n
        return
    j.arrived = j.arrived + n
    if r.last_stop:
        j.aboard, j.finished_at = NOBODY, r.stage
    else:
        j.aboard = (j.aboard - n).floor_zero()


def _apply_departure(j: _Journey, r: Departure) -> None:
    over = _over(j.aboard, r.people)
    if over is not None:
        _refuse(r, over, f"{r.people.get(over)} {over} recorded leaving {r.vehicle} at "
                f"{r.stage.name}, but only {j.aboard.get(over)} are aboard there",
                leaving=r.people.get(over), aboard=j.aboard.get(over))
    j.departed, j.aboard = j.departed + r.people, j.aboard - r.people


def _step_order(r: Count | Departure) -> tuple[int, int, int]:
    # At one stage: boarding, then departures, then the head count or the count-off.
    if isinstance(r, Departure):
        return (r.stage.position, 1, r.id)
    return (r.stage.position, 0 if r.stage.kind is StageKind.PICKUP else 2, r.id)


def _follow(vehicle: str, steps: list[Count | Departure]) -> _Journey:
    journey = _Journey(vehicle)
    for step in sorted(steps, key=_step_order):
        if journey.finished_at is not None and step.stage.position > journey.finished_at.position:
            raise InvalidInput(
                f"{vehicle} finished its journey at {journey.finished_at.name} (its last stop); "
                f"a report at the later stage {step.stage.name} cannot be placed", field="/stage",
                extra={"report": step.id, "vehicle": vehicle, "stage": step.stage.name})
        if isinstance(step, Departure):
            _apply_departure(journey, step)
        else:
            _apply_count(journey, step)
        journey.last_seen = step.stage.name
    return journey


def reconcile(counts: Sequence[Count], departures: Sequence[Departure], *,
              lead: str) -> Reconciliation:
    """The reconciliation of an operation's reports, or InvalidInput naming the numbers."""
    count_slots: dict[tuple[str, int], list[Count]] = defaultdict(list)
    departure_slots: dict[tuple[str, int], list[Departure]] = defaultdict(list)
    for c in counts:
        count_slots[(c.vehicle, c.stage.id)].append(c)
    for d in departures:
        departure_slots[(d.vehicle, d.stage.id)].append(d)
    steps: dict[str, list[Count | Departure]] = defaultdict(list)
    discrepancies: list[Discrepancy] = []
    superseded: list[int] = []
    by_reason: dict[Reason, People] = {reason: NOBODY for reason in Reason}
    for (vehicle, _), slot in count_slots.items():
        used, others, replaced = _count_claims(slot, lead)
        steps[vehicle].append(used)
        superseded += replaced
        if others:
            discrepancies.append(Discrepancy(used.stage, vehicle, "count", Claim(
                used.organisation, used.people, (used.id,)), others))
    for (vehicle, _), dslot in departure_slots.items():
        claim, others = _departure_claims(dslot, lead)
        used_reports = [d for d in dslot if d.id in claim.reports]
        steps[vehicle] += used_reports
        for reason, people in claim.by_reason:
            by_reason[reason] += people
        if others:
            discrepancies.append(Discrepancy(dslot[0].stage, vehicle, "departures", claim, others))
    journeys = [_follow(v, s) for v, s in sorted(steps.items())]
    vehicles = tuple(VehicleFigures(j.vehicle, j.figures(), j.last_seen,
                                    j.finished_at.name if j.finished_at else None)
                     for j in journeys)
    total = sum((v.figures for v in vehicles), Figures())
    discrepancies.sort(key=lambda d: (d.stage.position, d.vehicle, d.what))
    return Reconciliation(total, vehicles, by_reason, tuple(discrepancies),
                          tuple(sorted(superseded)))


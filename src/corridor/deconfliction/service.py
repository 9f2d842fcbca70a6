"""Running the pure check of one movement on its group's spatial index (`features.py`): the
index is brought up to the group's latest change first, so a site, incident or pause changed by
any process shows at the next check, and only what the caller may see is considered."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from sqlalchemy.orm import Session

from corridor import clock
from corridor.deconfliction import check, features
from corridor.deconfliction.check import PauseFacts, SiteFacts, Trip
from corridor.groups.principal import Principal
from corridor.notifications.content import route_of
from corridor.notifications.models import Movement
from corridor.pauses.lifecycle import State, shown
from corridor.policy import Action, Target, allowed


class _VisibleSites(Mapping[int, SiteFacts]):
    """The group's sites as one caller may see them: need to know, a humanitarian
    organisation's check never reveals another's sites."""

    def __init__(self, group: features.GroupFeatures, principal: Principal) -> None:
        self._sites, self._principal = group.sites, principal

    def _visible(self, site: features.CachedSite) -> bool:
        return allowed(self._principal.actor, Action.NOTIFICATION_READ, Target(
            group_id=self._principal.group.id, organisation_id=site.organisation_id,
            owner_kind=site.owner_kind))

    def __getitem__(self, key: int) -> SiteFacts:
        site = self._sites[key]
        if not self._visible(site):
            raise KeyError(key)
        return site.facts

    def __contains__(self, key: object) -> bool:
        site = self._sites.get(key) if isinstance(key, int) else None
        return site is not None and self._visible(site)

    def __iter__(self) -> Iterator[int]:
        return (k for k, s in self._sites.items() if self._visible(s))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _pauses(group: features.GroupFeatures, principal: Principal, trip: Trip
            ) -> dict[int, PauseFacts]:
    """The pauses the route touches, and the linked one, that the caller may see."""
    ids = {int(h.id) for h in group.index.intersecting(trip.route, kinds=[check.PAUSE])}
    if trip.pause_id is not None:
        ids.add(trip.pause_id)
    now, found = clock.now(), {}
    for id_ in ids:
        p = group.pauses.get(id_)
        if p is None or not allowed(principal.actor, Action.PAUSE_READ, Target(
                group_id=principal.group.id, organisation_id=p.organisation_id,
                is_draft=p.state == State.DRAFT)):
            continue
        found[id_] = PauseFacts(
            id=p.id, title=p.title, status=shown(State(p.state), start=p.start, end=p.end,
                                                 now=now),
            agreed=p.state == State.AGREED, start=p.start, end=p.end, zone=p.zone,
            shape=p.shape)
    return found


def run(db: Session, *, principal: Principal, movement: Movement, radius_m: float,
        incident_hours: int) -> check.Result:
    """The check of one movement the caller may see, as of now (a withdrawn one is not
    checked, and the answer says so)."""
    if movement.withdrawn_at is not None:
        when = movement.withdrawn_at.isoformat()
        summary = check.Finding("withdrawn", f"Movement {movement.id} was withdrawn by its "
                                f"notifier ({when}); it is not checked and needs no cover.",
                                {"movement": movement.id, "withdrawn_at": when,
                                 "version": movement.version})
        return check.Result(covered_by=[], summary=summary, pauses=[], sites=[], incidents=[])
    group = features.of_group(db, group_id=principal.group.id)
    route = route_of(json.loads(movement.content))
    trip = Trip(route, movement.departure, movement.arrival, movement.pause_id)
    return check.check(trip, index=group.index, pauses=_pauses(group, principal, trip),
                       sites=_VisibleSites(group, principal), radius_m=radius_m,
                       incident_hours=incident_hours, incident_facts=group.incidents,
                       now=clock.now())

"""One spatial index per contact group and process, kept current by the group's change feed
(`changes.py`) and used by every check.

A check first reads the group's (epoch, version): one indexed row. If this process has seen that
version, the index answers as it is; if it is behind, only the features changed since are read
again and upserted or removed; if the epoch differs (or the cache is ahead, as after a rolled-back
test), the group is loaded afresh. So a change committed by any process shows at the next check.
Pause zones (corridors buffered in metres) are the costly part of a load, and are computed once.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime

from shapely.geometry import LineString, Point, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, joinedload

from corridor.deconfliction import changes, check
from corridor.deconfliction.check import IncidentFacts, SiteFacts
from corridor.geo.index import SpatialIndex
from corridor.geo.metric import pause_zone
from corridor.incidents.models import Incident
from corridor.notifications.models import Site
from corridor.pauses.models import Pause, PauseVersion


@dataclass(frozen=True)
class CachedSite:
    facts: SiteFacts
    organisation_id: int
    owner_kind: str


@dataclass(frozen=True)
class CachedPause:
    id: int
    organisation_id: int
    state: str
    title: str
    start: datetime
    end: datetime
    zone: BaseGeometry  # its area and its corridor buffered by the half-width
    shape: str


@dataclass
class GroupFeatures:
    """The index of one group's sites, incidents (by day) and pause zones, with their facts."""

    epoch: str | None
    version: int
    index: SpatialIndex = field(default_factory=SpatialIndex)
    sites: dict[int, CachedSite] = field(default_factory=dict)
    incidents: dict[int, IncidentFacts] = field(default_factory=dict)
    pauses: dict[int, CachedPause] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put_site(self, site: Site) -> None:
        point = Point(site.lon, site.lat)
        facts = SiteFacts(site.id, site.name, site.site_type, site.organisation.slug, point)
        self.sites[site.id] = CachedSite(facts, site.organisation_id, site.organisation.kind)
        self.index.upsert(check.SITE, str(site.id), point)

    def drop_site(self, site_id: int) -> None:
        self.sites.pop(site_id, None)
        self.index.remove(check.SITE, str(site_id))

    def put_incident(self, incident: Incident) -> None:
        self.drop_incident(incident.id)  # its day, hence its layer, may have changed
        point = Point(incident.lon, incident.lat)
        self.incidents[incident.id] = IncidentFacts(
            incident.id, incident.incident_type, incident.organisation.slug,
            incident.occurred_at, point)
        self.index.upsert(check.incident_kind(incident.occurred_at), str(incident.id), point)

    def drop_incident(self, incident_id: int) -> None:
        old = self.incidents.pop(incident_id, None)
        if old is not None:
            self.index.remove(check.incident_kind(old.occurred_at), str(incident_id))

    def put_pause(self, pause: Pause, version: PauseVersion) -> None:
        content = json.loads(version.content)
        area = shape(content["area"]) if content["area"] else None
        corridor = content["corridor"]
        route = shape(corridor["route"]) if corridor else None
        assert route is None or isinstance(route, LineString)
        zone, kind = pause_zone(area, route, corridor["half_width_m"] if corridor else 0)
        self.pauses[pause.id] = CachedPause(
            pause.id, pause.organisation_id, pause.state, content["title"], pause.window_start,
            pause.window_end, zone, kind)
        self.index.upsert(check.PAUSE, str(pause.id), zone)

    def drop_pause(self, pause_id: int) -> None:
        self.pauses.pop(pause_id, None)
        self.index.remove(check.PAUSE, str(pause_id))


def _sites(db: Session, group_id: int, ids: list[int] | None) -> list[Site]:
    # A withdrawn site is read as gone: the change feed's next read drops it from the index.
    query = (select(Site).options(joinedload(Site.organisation))
             .where(Site.group_id == group_id, Site.withdrawn_at.is_(None)))
    return list(db.scalars(query if ids is None else query.where(Site.id.in_(ids))))


def _incidents(db: Session, group_id: int, ids: list[int] | None) -> list[Incident]:
    query = (select(Incident).options(joinedload(Incident.organisation))
             .where(Incident.group_id == group_id))
    return list(db.scalars(query if ids is None else query.where(Incident.id.in_(ids))))


def _pauses(db: Session, group_id: int, ids: list[int] | None
            ) -> list[tuple[Pause, PauseVersion]]:
    query = (select(Pause, PauseVersion).join(PauseVersion, (PauseVersion.pause_id == Pause.id)
                                              & (PauseVersion.number == Pause.current_version))
             .where(Pause.group_id == group_id))
    rows = db.execute(query if ids is None else query.where(Pause.id.in_(ids)))
    return [(r[0], r[1]) for r in rows]


def _load(db: Session, group_id: int, epoch: str | None, version: int) -> GroupFeatures:
    features = GroupFeatures(epoch, version)
    for site in _sites(db, group_id, None):
        features.put_site(site)
    for incident in _incidents(db, group_id, None):
        features.put_incident(incident)
    for pause, pause_version in _pauses(db, group_id, None):
        features.put_pause(pause, pause_version)
    return features


def _apply(db: Session, features: GroupFeatures, group_id: int,
           changed: list[tuple[str, int]]) -> None:
    """Read the changed features again: upsert those that are there, drop those that are not."""
    wanted: dict[str, list[int]] = {changes.SITE: [], changes.INCIDENT: [], changes.PAUSE: []}
    for kind, id_ in changed:
        wanted[kind].append(id_)
    if wanted[changes.SITE]:
        found = {s.id: s for s in _sites(db, group_id, wanted[changes.SITE])}
        for id_ in set(wanted[changes.SITE]):
            site = found.get(id_)
            features.put_site(site) if site is not None else features.drop_site(id_)
    if wanted[changes.INCIDENT]:
        incidents = {i.id: i for i in _incidents(db, group_id, wanted[changes.INCIDENT])}
        for id_ in set(wanted[changes.INCIDENT]):
            incident = incidents.get(id_)
            (features.put_incident(incident) if incident is not None
             else features.drop_incident(id_))
    if wanted[changes.PAUSE]:
        pauses = {p.id: (p, v) for p, v in _pauses(db, group_id, wanted[changes.PAUSE])}
        for id_ in set(wanted[changes.PAUSE]):
            if id_ in pauses:
                features.put_pause(*pauses[id_])
            else:
                features.drop_pause(id_)


_CACHE: dict[tuple[str, int], GroupFeatures] = {}
_CACHE_LOCK = threading.Lock()


def of_group(db: Session, *, group_id: int) -> GroupFeatures:
    """The group's features as of the latest change this session can see."""
    bind = db.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = (engine.url.render_as_string(hide_password=True), group_id)
    epoch, version = changes.current(db, group_id)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None and cached.epoch == epoch and cached.version <= version:
        with cached.lock:
            if cached.version < version:
                _apply(db, cached, group_id, changes.since(db, group_id, cached.version, version))
                cached.version = version
        return cached
    fresh = _load(db, group_id, epoch, version)
    with _CACHE_LOCK:
        _CACHE[key] = fresh
    return fresh


def forget_all() -> None:
    """Drop every cached group (tests that swap databases under the same URL)."""
    with _CACHE_LOCK:
        _CACHE.clear()

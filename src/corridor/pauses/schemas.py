"""API shapes of pauses: the content of a version as people write it, and what is returned."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from corridor.inputs import MAX_ID, In, Lat, LocalInstant, Lon
from corridor.log.refs import Recorded

Purpose = Literal["evacuation", "aid_delivery", "medical"]


class WaypointIn(In):

    name: str = Field(min_length=1, max_length=120)
    lon: Lon
    lat: Lat


class CorridorIn(In):

    route: dict[str, Any] | None = Field(
        default=None, description="GeoJSON LineString; drawn through the waypoints if omitted")
    waypoints: list[WaypointIn] = Field(default_factory=list, max_length=200)
    half_width_m: int = Field(ge=50, le=50_000)


class WindowIn(In):

    start: LocalInstant
    end: LocalInstant
    zone: str | None = Field(default=None, max_length=64,
                             description="IANA zone for times given without offset")


class PauseContentIn(In):
    """What a pause says: the detailed agreement the ICRC asked for in March 2022."""

    title: str = Field(min_length=3, max_length=200)
    purposes: list[Purpose] = Field(min_length=1, max_length=3)
    area: dict[str, Any] | None = Field(default=None, description="GeoJSON Polygon/MultiPolygon")
    corridor: CorridorIn | None = None
    window: WindowIn
    required_signatories: list[str] = Field(min_length=1, max_length=20)
    destinations: list[str] = Field(default_factory=list, max_length=50)
    aid_may_enter: bool = False
    who_may_leave: str = Field(default="all civilians", max_length=500)
    vehicle_marking: str = Field(default="", max_length=500)
    conditions: str = Field(default="", max_length=8000)


class PauseCreate(In):

    content: PauseContentIn
    propose: bool = Field(default=True, description="false keeps it a private draft")


class AmendIn(In):

    content: PauseContentIn
    base_version: int = Field(ge=1, le=MAX_ID,
                              description="The version you amended; refused if outdated")


class SignedStatementIn(In):

    statement: dict[str, Any]
    signature: str = Field(max_length=200, description="Ed25519 over RFC 8785 bytes, base64")
    key: str = Field(max_length=80, description="Fingerprint of the registered key used")


class ZoneWindow(BaseModel):
    zone: str
    start: str
    end: str
    abbreviation: str | None = None
    for_: list[str] = Field(default_factory=list, serialization_alias="for")


class DecisionOut(BaseModel):
    organisation: str
    decision: str
    version: int
    person: str
    key_fingerprint: str
    signed_at: datetime
    log_index: int | None
    void: bool = Field(description="true when given to an older version than the current one")


class VersionOut(BaseModel):
    number: int
    version_hash: str
    content: dict[str, Any]
    created_at: datetime
    created_by: str


class PauseOut(Recorded):
    id: int
    group: str
    author: str
    status: str
    stored_state: str
    current_version: int
    version_hash: str
    content: dict[str, Any]
    windows: list[ZoneWindow]
    consents: list[DecisionOut]
    awaiting: list[str] = Field(description="Required parties that have not agreed yet")
    history: list[dict[str, Any]]

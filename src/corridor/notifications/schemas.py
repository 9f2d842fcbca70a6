"""API shapes of sites, movements, acknowledgements and the deconfliction check."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from corridor.inputs import MAX_ID, In, Instant, Lat, Lon
from corridor.log.refs import Recorded

Phase = Literal["planned", "under_way", "arrived"]
NoticeStatus = Literal["active", "withdrawn"]
SiteType = Literal["hospital", "shelter", "warehouse", "office", "distribution_point", "other"]


class SiteIn(In):

    name: str = Field(min_length=1, max_length=200)
    type: SiteType
    # Give the point as lon/lat, or as `place`: a name looked up in the registry and in the
    # group's own places (exactly one of the two).
    lon: Lon | None = None
    lat: Lat | None = None
    place: str | None = Field(default=None, max_length=200,
                              description="A place name, instead of lon and lat")
    people_present: int | None = Field(
        default=None, ge=0, le=1_000_000, description="People usually present (a count, no names)")


class VehiclesIn(In):

    count: int = Field(ge=1, le=1000)
    type: str = Field(min_length=1, max_length=200, description="e.g. buses and ambulances")
    marking: str = Field(default="", max_length=500)


class MovementIn(In):
    """A convoy or mission; give its route as GeoJSON or as place names (`via`), not both."""

    route: dict[str, Any] | None = Field(default=None, description="GeoJSON LineString")
    via: list[str] | None = Field(default=None, min_length=2, max_length=200,
                                  description="Place names in order, looked up in the gazetteer")
    departure: Instant = Field(description="Planned departure, with zone or offset")
    arrival: Instant = Field(description="Estimated arrival, with zone or offset")
    vehicles: VehiclesIn
    staff: int = Field(ge=0, le=10_000)
    passengers: int = Field(default=0, ge=0, le=100_000, description="Expected, a count only")
    cargo: str = Field(default="", max_length=1000, description="Summary of the cargo")
    pause: int | None = Field(default=None, ge=1, le=MAX_ID,
                              description="The pause this movement relies on")
    emergency: bool = Field(default=False, description="Allows the shorter emergency lead time")


class AcknowledgementIn(In):

    party: str | None = Field(default=None, max_length=64,
                              description="Your own party (the default); no one else's")


class AcknowledgementOut(BaseModel):
    party: str
    version: int = Field(default=1, description="The version of the notice this receipt is for")
    status: Literal["pending", "acknowledged", "overdue"]
    due: datetime
    acknowledged_at: datetime | None = None
    by: str | None = None
    content_hash: str | None = Field(default=None, description="The content acknowledged")
    log_index: int | None = None


class SiteOut(Recorded):
    id: int
    organisation: str
    name: str
    type: str
    lon: float
    lat: float
    people_present: int | None
    notified_at: datetime
    confirmed_at: datetime
    stale: bool
    stale_since: datetime
    content: dict[str, Any] = Field(description="Exactly what was notified and hashed")
    content_hash: str = Field(description="SHA-256 of the RFC 8785 canonical JSON of content")
    log_index: int | None
    acknowledgements: list[AcknowledgementOut] = Field(
        description="Every party's receipt for the notifier and the convener; your own otherwise")
    version: int = 1
    status: NoticeStatus = "active"
    withdrawn_at: datetime | None = None
    earlier_acknowledgements: list[AcknowledgementOut] = Field(
        default_factory=list, description="Receipts of versions since amended (history)")


class VehiclesOut(BaseModel):
    count: int
    type: str
    marking: str


class MovementOut(Recorded):
    id: int
    organisation: str
    route: dict[str, Any]
    waypoints: list[dict[str, Any]]
    length_km: float
    departure: datetime
    arrival: datetime
    phase: Phase
    vehicles: VehiclesOut
    staff: int
    passengers: int
    cargo: str
    pause: int | None
    emergency: bool
    notified_at: datetime
    required_lead_hours: int
    late: bool
    late_by_minutes: int | None
    late_by: str | None = Field(description="In words, e.g. '18 h'")
    content: dict[str, Any] = Field(description="Exactly what was notified and hashed")
    content_hash: str = Field(description="SHA-256 of the RFC 8785 canonical JSON of content")
    log_index: int | None
    acknowledgements: list[AcknowledgementOut]
    version: int = 1
    status: NoticeStatus = "active"
    withdrawn_at: datetime | None = None
    earlier_acknowledgements: list[AcknowledgementOut] = Field(
        default_factory=list, description="Receipts of versions since amended (history)")


class FindingOut(BaseModel):
    code: str
    reason: str
    data: dict[str, Any]


class CheckOut(BaseModel):
    movement: int
    checked_at: datetime
    covered: bool
    covered_by: list[int]
    summary: FindingOut
    pauses: list[FindingOut]
    sites: list[FindingOut]
    incidents: list[FindingOut]
    radius_km: float
    incident_hours: int


class SiteAmendIn(SiteIn):
    """The whole site as it should now read, and the version it amends (optimistic)."""

    version: int = Field(ge=1, le=MAX_ID,
                         description="The version you read and amend; a stale one is 409")


class MovementAmendIn(MovementIn):
    """The whole movement as it should now read, and the version it amends (optimistic)."""

    version: int = Field(ge=1, le=MAX_ID,
                         description="The version you read and amend; a stale one is 409")


class WithdrawIn(In):

    version: int = Field(ge=1, le=MAX_ID, description="The version you read and withdraw")
    reason: str = Field(default="", max_length=500, description="Why, for the parties")

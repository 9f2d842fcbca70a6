"""API shapes of operations. Evacuees are numbers by category: no input has a field for a name,
document, photo or any other identifier, and unknown fields are refused. Free text is named
`free_text`, limited in length, and described as such."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from corridor.inputs import MAX_ID, Id, In, Lat, Lon, MaybeInstant
from corridor.log.refs import Recorded
from corridor.operations.models import FREE_TEXT_MAX

Kind = Literal["evacuation", "aid_delivery"]
StageKindName = Literal["pickup", "checkpoint", "destination"]
ReasonName = Literal["chose_to_stay", "held_at_checkpoint", "medical", "other"]
CargoStageName = Literal["dispatched", "delivered", "lost_or_damaged"]
CargoCategoryName = Literal["food", "medicine", "water", "shelter", "fuel", "other"]
LossReasonName = Literal["damaged", "spoiled", "lost_in_transit", "seized", "other"]

FreeText = Annotated[str, Field(
    max_length=FREE_TEXT_MAX,
    description=f"Free text, up to {FREE_TEXT_MAX} characters, shown as written and not "
                "verified. Never names, document numbers or other details of evacuees.")]
Count = Annotated[int, Field(ge=0, le=100_000, strict=True)]
Label = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[\w .,#/()+-]+$")]
PlaceName = Annotated[str, Field(max_length=120)]
When = Annotated[MaybeInstant, Field(
    description="When it was counted, with zone or offset; now if omitted")]


class _In(In):
    """The strict base of every input (corridor.inputs)."""


class StageIn(_In):
    kind: StageKindName
    name: str = Field(min_length=1, max_length=120)
    lon: Lon | None = None
    lat: Lat | None = None


class OperationIn(_In):
    kind: Kind
    title: str = Field(min_length=3, max_length=200)
    pause: int = Field(ge=1, le=MAX_ID, description="The pause the operation relies on")
    movements: list[Id] = Field(default_factory=list, max_length=50)
    stages: list[StageIn] = Field(default_factory=list, max_length=50,
                                  description="Pickup points, checkpoints, destinations in route "
                                              "order (an evacuation needs a pickup and a "
                                              "destination)")
    free_text: FreeText = ""


class PeopleIn(_In):
    """Each person in one age group; wounded or sick and disabilities are among them."""

    children: Count = 0
    adults: Count = 0
    older_people: Count = 0
    wounded_or_sick: Count = 0
    disabilities: Count = 0


class CountIn(_In):
    type: Literal["count"]
    stage: int = Field(ge=1, le=MAX_ID, description="A stage of this operation")
    vehicle: Label = Field(description="The vehicle or convoy counted (same label at every stage)")
    people: PeopleIn
    last_stop: bool = Field(default=True, description="At a destination: the vehicle's journey "
                            "ends here, so anyone not counted off is unaccounted")
    at: When = None
    free_text: FreeText = ""


class DepartureIn(_In):
    type: Literal["departure"]
    stage: int = Field(ge=1, le=MAX_ID,
                       description="The stage where (or just after which) they left")
    vehicle: Label
    reason: ReasonName
    people: PeopleIn
    place: PlaceName = Field(default="", description="Where exactly, if not at the stage itself")
    at: When = None
    free_text: FreeText = ""


PeopleReportIn = Annotated[CountIn | DepartureIn, Field(discriminator="type")]


class CargoLineIn(_In):
    category: CargoCategoryName
    item: str = Field(min_length=1, max_length=120, description="e.g. wheat flour")
    unit: str = Field(min_length=1, max_length=30, description="e.g. kg, litres, kits")
    quantity: int = Field(ge=0, le=1_000_000_000, strict=True)


class CargoIn(_In):
    stage: CargoStageName
    lines: list[CargoLineIn] = Field(min_length=1, max_length=200)
    reason: LossReasonName | None = Field(default=None, description="Required when lost or "
                                          "damaged")
    complete: bool = Field(default=False, description="Of a delivery: nothing more is coming")
    place: PlaceName = ""
    at: When = None
    free_text: FreeText = ""


class PeopleOut(BaseModel):
    children: int
    adults: int
    older_people: int
    wounded_or_sick: int
    disabilities: int
    total: int


class StageOut(BaseModel):
    id: int
    position: int
    kind: str
    name: str
    lon: float | None
    lat: float | None


class FiguresOut(BaseModel):
    boarded: PeopleOut
    arrived: PeopleOut
    departed: PeopleOut
    en_route: PeopleOut
    unaccounted: PeopleOut


class VehicleOut(BaseModel):
    vehicle: str
    figures: FiguresOut
    last_seen: str | None
    finished_at: str | None


class ClaimOut(BaseModel):
    organisation: str
    people: PeopleOut
    reports: list[int]


class DiscrepancyOut(BaseModel):
    stage: int
    stage_name: str
    vehicle: str
    what: str
    used: ClaimOut = Field(description="The figure the reconciliation uses (lead's, else first)")
    others: list[ClaimOut]


class PeopleReportOut(BaseModel):
    id: int
    type: str
    stage: int
    stage_name: str
    vehicle: str
    reason: str | None
    last_stop: bool | None
    people: PeopleOut
    place: str
    free_text: str
    organisation: str
    person: str
    at: datetime
    recorded_at: datetime
    superseded: bool
    log_index: int | None


class ReconciliationOut(Recorded):
    operation: int
    total: FiguresOut
    vehicles: list[VehicleOut]
    departed_by_reason: dict[str, PeopleOut]
    discrepancies: list[DiscrepancyOut]
    alert: bool = Field(description="true when anyone is unaccounted or counts disagree")
    reports: list[PeopleReportOut]


class CargoLineOut(BaseModel):
    category: str
    item: str
    unit: str
    quantity: int


class CargoReportOut(BaseModel):
    id: int
    stage: str
    lines: list[CargoLineOut]
    reason: str | None
    complete: bool
    place: str
    free_text: str
    organisation: str
    person: str
    at: datetime
    recorded_at: datetime
    log_index: int | None


class ItemOut(BaseModel):
    category: str
    item: str
    unit: str
    dispatched: int
    delivered: int
    lost_or_damaged: int
    in_transit: int
    unaccounted: int


class CargoDiscrepancyOut(BaseModel):
    stage: str
    item: str
    unit: str
    used: dict[str, str | int]
    others: list[dict[str, str | int]]


class ManifestOut(Recorded):
    operation: int
    complete: bool
    items: list[ItemOut]
    discrepancies: list[CargoDiscrepancyOut]
    alert: bool
    reports: list[CargoReportOut]


class SummaryOut(BaseModel):
    boarded: int | None = None
    arrived: int | None = None
    departed: int | None = None
    en_route: int | None = None
    unaccounted: int | None = None
    items: int | None = None
    unaccounted_items: int | None = None
    complete: bool | None = None
    discrepancies: int


class OperationOut(Recorded):
    id: int
    kind: str
    title: str
    lead: str
    participants: list[str] = Field(default_factory=list, description="Organisations that "
                                    "record next to the lead (added by it or the convener)")
    pause: int
    movements: list[int] = Field(description="Linked movements you may see")
    stages: list[StageOut]
    free_text: str
    created_at: datetime
    created_by: str
    log_index: int | None
    summary: SummaryOut
    alert: bool
    warnings: list[str] = Field(description="Accepted, but worth a look")


class ParticipantIn(_In):
    organisation: str = Field(min_length=2, max_length=63, pattern=r"^[a-z0-9][a-z0-9-]{1,62}$",
                              description="The member organisation's slug (an intermediary or "
                              "humanitarian member other than the lead)")


class ParticipantOut(BaseModel):
    organisation: str
    name: str
    kind: str
    added_by: str
    added_at: datetime
    log_index: int | None


class ParticipantsOut(Recorded):
    operation: int
    lead: str = Field(description="The lead organisation, which records without being listed")
    participants: list[ParticipantOut] = Field(
        description="Organisations that record counts, departures and cargo next to the lead")

"""API shapes of incident reports, their links, evidence, follow-ups and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from corridor.inputs import In, Instant, Lat, Lon
from corridor.log.refs import Recorded

IncidentType = Literal["shelling", "air_strike", "small_arms_fire", "mines_uxo",
                       "blocked_passage", "detention", "other"]
NARRATIVE_MAX = 4000


class _In(In):
    """The strict base of every input (corridor.inputs)."""


class AgeCounts(_In):
    """A count of people by age group; counts only, never names."""

    children: int = Field(default=0, ge=0, le=1_000_000)
    adults: int = Field(default=0, ge=0, le=1_000_000)
    age_unknown: int = Field(default=0, ge=0, le=1_000_000)

    def total(self) -> int:
        return self.children + self.adults + self.age_unknown


class CasualtiesIn(_In):
    killed: AgeCounts = Field(default_factory=AgeCounts)
    injured: AgeCounts = Field(default_factory=AgeCounts)


class IncidentIn(_In):
    """What the reporting organisation says happened: a claim, recorded as made."""

    type: IncidentType
    occurred_at: Instant = Field(description="When it happened, with zone or offset; "
                                       "not in the future")
    lon: Lon
    lat: Lat
    uncertainty_m: int = Field(default=0, ge=0, le=50_000,
                               description="Radius in metres within which it happened")
    place: str = Field(default="", max_length=200, description="Place name, as reported")
    casualties: CasualtiesIn = Field(default_factory=CasualtiesIn)
    narrative: str = Field(
        default="", max_length=NARRATIVE_MAX,
        description="Free text: the reporter's own account (no names or other personal data of "
                    "evacuees or civilians)")


class AnswerIn(_In):
    text: str = Field(min_length=1, max_length=NARRATIVE_MAX,
                      description="Free text: the party's answer, recorded as given")


class CloseIn(_In):
    reason: str = Field(min_length=3, max_length=2000)


class LinkOut(BaseModel):
    kind: str
    subject: int
    distance_m: int
    reason: str
    parties: list[str]
    data: dict[str, Any]


class EvidenceOut(BaseModel):
    sha256: str
    size: int
    media_type: str
    added_at: datetime
    log_index: int | None


class AnswerOut(BaseModel):
    party: str
    by: str
    text: str
    text_is: str = "free text as given by the party: a claim, not a finding"
    at: datetime
    log_index: int | None


class FollowUpOut(BaseModel):
    status: str
    parties: list[str] = Field(description="The parties concerned, asked to answer")
    awaiting: list[str] = Field(description="Parties concerned that have not answered yet")
    opened_at: datetime
    closed_reason: str | None
    answers: list[AnswerOut]


class IncidentOut(Recorded):
    id: int
    reported_by: str = Field(description="The organisation whose claim this is")
    type: str
    occurred_at: datetime
    lon: float
    lat: float
    uncertainty_m: int
    place: str
    casualties: dict[str, dict[str, int]]
    killed: int
    injured: int
    narrative: str
    narrative_is: str = "free text as reported: a claim, not a finding"
    reported_at: datetime
    content_hash: str
    log_index: int | None
    status: str = Field(description="Of its follow-up: open, answered, closed; or not_linked")
    links: list[LinkOut]
    evidence: list[EvidenceOut]
    followup: FollowUpOut | None

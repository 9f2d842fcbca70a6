"""API shape of the caller's alerts: what needs someone, with why and by when."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

AlertKind = Literal[
    "consent_awaited", "acknowledgement_pending", "acknowledgement_overdue",
    "followup_to_answer", "followup_open", "unaccounted", "discrepancy",
]


class SubjectOut(BaseModel):
    type: Literal["pause", "site", "movement", "incident", "operation"]
    id: int


class AlertOut(BaseModel):
    kind: AlertKind
    subject: SubjectOut
    message: str
    due: datetime | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class AlertsOut(BaseModel):
    organisation: str
    generated_at: datetime
    alerts: list[AlertOut]
    complete: bool = Field(
        default=True, description="False when more alerts wait than `limit`: the oldest are "
        "listed (pauses to sign first); act on them, or ask again with a larger `limit`")
    limit: int = Field(default=200, description="The most alerts one answer lists")
    sources: dict[str, str] = Field(
        description="Each source of alerts and whether it was included for this server")

"""API shapes of groups, members, people, tokens and keys."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from corridor.inputs import In
from corridor.log.refs import Recorded

Kind = Literal["convener", "party", "intermediary", "humanitarian", "observer"]
Role = Literal["viewer", "operator", "negotiator", "admin"]


class GroupOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    timezone: str
    lead_time_hours: int
    emergency_lead_time_hours: int
    max_pause_hours: int
    ack_deadline_hours: int
    site_stale_days: int
    log_verifier_key: str
    created_at: datetime


class MemberIn(In):

    slug: str = Field(max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    timezone: str = Field(max_length=64)


class MemberOut(Recorded):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    kind: str
    timezone: str
    created_at: datetime


class PersonIn(In):

    username: str = Field(max_length=64)
    display_name: str = Field(default="", max_length=200)
    role: Role
    password: str | None = Field(default=None, max_length=200)
    language: Literal["en", "uk", "ru"] = "en"
    timezone: str | None = Field(default=None, max_length=64)


class PersonOut(Recorded):
    model_config = ConfigDict(from_attributes=True)

    username: str
    display_name: str
    role: str
    organisation: str
    language: str
    timezone: str | None
    active: bool


class TokenIn(In):

    label: str = Field(default="api", max_length=100)


class TokenOut(Recorded):
    model_config = ConfigDict(from_attributes=True)

    id: int
    label: str
    username: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenOut):
    token: str = Field(description="The secret; shown once, never stored by the server")


class KeyIn(In):

    public_key: str = Field(max_length=200, description="Ed25519 raw public key, base64")
    purpose: Literal["signing", "witness"] = "signing"
    label: str = Field(default="", max_length=100)


class KeyOut(Recorded):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation: str
    public_key: str
    fingerprint: str
    purpose: str
    label: str
    created_at: datetime
    revoked_at: datetime | None


class MeOut(PersonOut):
    kind: str
    group: str

"""Tables of notifications: sites, movements, and each party's acknowledgement of either.

What was notified is kept as the canonical JSON that was hashed into the log, so a party can
prove later exactly which content it acknowledged; the columns beside it serve queries.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corridor.db import Base, UTCDateTime
from corridor.groups.models import Organisation, Person
from corridor.log.models import LoggedMixin

SITE_TYPES = ("hospital", "shelter", "warehouse", "office", "distribution_point", "other")


class Site(LoggedMixin, Base):
    """A static place with a humanitarian function, notified so that it is not struck."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    name: Mapped[str] = mapped_column(String(200))
    site_type: Mapped[str] = mapped_column(String(30))
    lon: Mapped[float] = mapped_column(Float, index=True)
    lat: Mapped[float] = mapped_column(Float, index=True)
    people_present: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content: Mapped[str] = mapped_column(Text)  # RFC 8785 canonical JSON, as hashed
    content_hash: Mapped[str] = mapped_column(String(64))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The current version (an amendment adds one) and, once withdrawn, when: see amend.py.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[Person] = relationship()


class Movement(LoggedMixin, Base):
    """A convoy or mission on a route between a planned departure and arrival."""

    __tablename__ = "movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    pause_id: Mapped[int | None] = mapped_column(ForeignKey("pauses.id"), nullable=True)
    departure: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    arrival: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    emergency: Mapped[bool] = mapped_column(Boolean)
    # The rule in force when notified: a later change of the group's setting rewrites no history.
    required_lead_hours: Mapped[int] = mapped_column(Integer)
    length_km: Mapped[float] = mapped_column(Float)
    # Bounding box of the route (degrees), for finding what lies near it.
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    content: Mapped[str] = mapped_column(Text)  # RFC 8785 canonical JSON, as hashed
    content_hash: Mapped[str] = mapped_column(String(64))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[Person] = relationship()


class Acknowledgement(LoggedMixin, Base):
    """One party's receipt of one site or movement (receipt, not a guarantee)."""

    __tablename__ = "acknowledgements"
    # One receipt per party and version of a notice: a second one, even racing, is refused;
    # receipts of earlier versions stay as history.
    __table_args__ = (
        UniqueConstraint("site_id", "organisation_id", "version"),
        UniqueConstraint("movement_id", "organisation_id", "version"),
        CheckConstraint("(site_id IS NULL) <> (movement_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), nullable=True, index=True)
    movement_id: Mapped[int | None] = mapped_column(
        ForeignKey("movements.id"), nullable=True, index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person] = relationship()


class NoticeVersion(LoggedMixin, Base):
    """A superseded version of a site or movement, kept when it is amended: what a party
    acknowledged earlier can still be read and its hash checked."""

    __tablename__ = "notice_versions"
    # Keyed by (notice, number): two amendments of the same version conflict, one is refused.
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        UniqueConstraint("movement_id", "number"),
        CheckConstraint("(site_id IS NULL) <> (movement_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), nullable=True, index=True)
    movement_id: Mapped[int | None] = mapped_column(
        ForeignKey("movements.id"), nullable=True, index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    superseded_at: Mapped[datetime] = mapped_column(UTCDateTime())

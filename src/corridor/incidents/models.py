"""Tables of incidents: the report as claimed (canonical JSON, as hashed into the log), what it was
linked to when reported, evidence by SHA-256 digest, and the follow-up with each party's answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corridor.db import Base, UTCDateTime
from corridor.groups.models import Organisation, Person
from corridor.log.models import LoggedMixin


class Incident(LoggedMixin, Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    incident_type: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    lon: Mapped[float] = mapped_column(Float, index=True)
    lat: Mapped[float] = mapped_column(Float, index=True)
    uncertainty_m: Mapped[int] = mapped_column(Integer)
    killed: Mapped[int] = mapped_column(Integer)
    injured: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)  # RFC 8785 canonical JSON, as hashed
    content_hash: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[Person] = relationship()


class IncidentLink(Base):
    """A pause, site or movement the report touched when it was made, and why."""

    __tablename__ = "incident_links"
    __logged__ = True  # changed only with a log entry (corridor.uow)
    __table_args__ = (UniqueConstraint("incident_id", "kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)  # JSON
    parties: Mapped[str] = mapped_column(Text)  # JSON list of party slugs asked to answer


class Evidence(LoggedMixin, Base):
    """A file kept by its SHA-256 digest in the data directory; the row says whose and when."""

    __tablename__ = "incident_evidence"
    __table_args__ = (UniqueConstraint("incident_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FollowUp(Base):
    """Opened by a linked report; open until every party concerned answered or it is closed."""

    __tablename__ = "incident_followups"
    __logged__ = True  # changed only with a log entry (corridor.uow)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    parties: Mapped[str] = mapped_column(Text)  # JSON list of the parties concerned
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Optimistic concurrency: the last two answers racing cannot both leave it open.
    row_version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": row_version}


class Answer(LoggedMixin, Base):
    """A party's answer to a follow-up: its claim, recorded as said."""

    __tablename__ = "incident_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    followup_id: Mapped[int] = mapped_column(ForeignKey("incident_followups.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person] = relationship()

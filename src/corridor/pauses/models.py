"""Tables of pauses: the aggregate row (optimistically versioned), immutable content versions,
signed decisions, and the history of transitions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corridor.db import Base, UTCDateTime
from corridor.groups.models import Organisation, Person, SigningKey
from corridor.log.models import LoggedMixin


class Pause(Base):
    __tablename__ = "pauses"
    __logged__ = True  # changed only with a log entry (corridor.uow)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    state: Mapped[str] = mapped_column(String(20), index=True)
    current_version: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    purposes: Mapped[str] = mapped_column(String(100))
    # Bounding box of the area and corridor, for list filters (degrees).
    min_lon: Mapped[float] = mapped_column()
    min_lat: Mapped[float] = mapped_column()
    max_lon: Mapped[float] = mapped_column()
    max_lat: Mapped[float] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Optimistic concurrency: an amendment and a consent racing on the same pause cannot both win.
    row_version: Mapped[int] = mapped_column(Integer)

    author: Mapped[Organisation] = relationship()
    __mapper_args__ = {"version_id_col": row_version}


class PauseVersion(Base):
    __tablename__ = "pause_versions"
    __logged__ = True  # changed only with a log entry (corridor.uow)

    pause_id: Mapped[int] = mapped_column(ForeignKey("pauses.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    content: Mapped[str] = mapped_column(Text)  # RFC 8785 canonical JSON
    version_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    created_by: Mapped[Person] = relationship()


class PauseDecision(LoggedMixin, Base):
    """A party's signed agree, decline or withdraw; kept for ever, even when voided."""

    __tablename__ = "pause_decisions"
    # One signature per (pause, version, party, decision): a replayed statement is refused.
    __table_args__ = (UniqueConstraint("pause_id", "version", "organisation_id", "decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pause_id: Mapped[int] = mapped_column(ForeignKey("pauses.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    decision: Mapped[str] = mapped_column(String(10))
    statement: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(200))
    signing_key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person] = relationship()
    key: Mapped[SigningKey] = relationship()


class PauseTransition(Base):
    """One row per state change (the history shown on the pause's page)."""

    __tablename__ = "pause_transitions"
    __logged__ = True  # changed only with a log entry (corridor.uow)

    id: Mapped[int] = mapped_column(primary_key=True)
    pause_id: Mapped[int] = mapped_column(ForeignKey("pauses.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    move: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    by_organisation: Mapped[str | None] = mapped_column(String(64), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())

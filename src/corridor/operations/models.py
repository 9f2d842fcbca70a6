"""Tables of operations: the operation, its stages and linked movements, and every count,
departure and cargo report as it was made (a correction is a new row; nothing is updated).

No column can hold who an evacuee is: people are numbers by category. Free text is kept here,
not in the log (the log holds its SHA-256), so that text written by mistake can be removed
without rewriting history.
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corridor.db import Base, UTCDateTime
from corridor.groups.models import Organisation, Person
from corridor.log.models import LoggedMixin

FREE_TEXT_MAX = 500


class Operation(LoggedMixin, Base):
    """An evacuation or an aid delivery, led by the intermediary or a humanitarian member."""

    __tablename__ = "operations"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    pause_id: Mapped[int] = mapped_column(ForeignKey("pauses.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    free_text: Mapped[str] = mapped_column(String(FREE_TEXT_MAX))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Every report takes this row's lock, so two racing reports are checked one after the other.
    reports_made: Mapped[int] = mapped_column(Integer)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[Person] = relationship()


class OperationParticipant(LoggedMixin, Base):
    """An organisation the lead or the convener added to record counts and cargo next to the
    lead. Removing it deletes the row (the log keeps both changes); its reports stay."""

    __tablename__ = "operation_participants"

    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"),
                                                 primary_key=True)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    added_by: Mapped[Person] = relationship()


class OperationMovement(Base):
    """A notified movement the operation uses (by id only; the movement is not changed)."""

    __tablename__ = "operation_movements"
    __logged__ = True  # changed only with a log entry (corridor.uow)

    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), primary_key=True)


class OperationStage(Base):
    """A pickup point, checkpoint or destination, in route order."""

    __tablename__ = "operation_stages"
    __logged__ = True  # changed only with a log entry (corridor.uow)
    __table_args__ = (UniqueConstraint("operation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)


class PeopleReport(LoggedMixin, Base):
    """A count at a stage, or a departure from a vehicle, by category; numbers only."""

    __tablename__ = "operation_people_reports"
    __table_args__ = (
        CheckConstraint("children >= 0 AND adults >= 0 AND older_people >= 0 AND "
                        "wounded_or_sick >= 0 AND disabilities >= 0", name="not_negative"),
        CheckConstraint("(kind = 'departure') = (reason IS NOT NULL)", name="reason_iff_departure"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("operation_stages.id"))
    kind: Mapped[str] = mapped_column(String(10))  # "count" or "departure"
    vehicle: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    last_stop: Mapped[bool] = mapped_column(Boolean)
    children: Mapped[int] = mapped_column(Integer)
    adults: Mapped[int] = mapped_column(Integer)
    older_people: Mapped[int] = mapped_column(Integer)
    wounded_or_sick: Mapped[int] = mapped_column(Integer)
    disabilities: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(120))
    free_text: Mapped[str] = mapped_column(String(FREE_TEXT_MAX))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())  # when counted, as reported
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person] = relationship()


class CargoReport(LoggedMixin, Base):
    """One report on a manifest: what was dispatched, delivered, or lost or damaged."""

    __tablename__ = "operation_cargo_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    complete: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    place: Mapped[str] = mapped_column(String(120))
    free_text: Mapped[str] = mapped_column(String(FREE_TEXT_MAX))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person] = relationship()
    lines: Mapped[list[CargoLine]] = relationship(order_by="CargoLine.id")


class CargoLine(Base):
    __tablename__ = "operation_cargo_lines"
    __logged__ = True  # changed only with a log entry (corridor.uow)
    __table_args__ = (CheckConstraint("quantity >= 0", name="not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("operation_cargo_reports.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    item: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(30))
    quantity: Mapped[int] = mapped_column(Integer)

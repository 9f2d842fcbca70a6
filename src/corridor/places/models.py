"""The places a contact group added to the gazetteer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from corridor.db import Base, UTCDateTime
from corridor.log.models import LoggedMixin


class GroupPlace(LoggedMixin, Base):
    """A place a contact group added to the gazetteer (a village, a plant, a checkpoint)."""

    __tablename__ = "group_places"
    # One spelling per group: the lookup key ignores case, diacritics and punctuation.
    __table_args__ = (UniqueConstraint("group_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    kind: Mapped[str | None] = mapped_column(String(40), nullable=True)  # "checkpoint", "plant"
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

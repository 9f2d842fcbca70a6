"""What the places API takes and answers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from corridor.inputs import In, Lat, Lon
from corridor.log.refs import Recorded


class PlaceIn(In):
    """A place the group knows and the registry does not (a village, a plant, a checkpoint)."""

    name: str = Field(max_length=200)
    lon: Lon
    lat: Lat
    country: str | None = Field(default=None, pattern="^[A-Za-z]{2}$", description="ISO 3166-1")
    kind: str | None = Field(default=None, max_length=40, description="e.g. checkpoint, plant")
    note: str = Field(default="", max_length=500)


class PlaceOut(Recorded):
    name: str
    lon: float
    lat: float
    country: str | None
    source: Literal["group", "geonames"]
    id: int | None = Field(default=None, description="The group's place; none for the registry's")
    kind: str | None = None
    note: str = ""
    population: int | None = None
    log_index: int | None = None

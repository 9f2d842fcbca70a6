"""Place names resolve in any common spelling, offline, and a group can add the places it needs."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from corridor.errors import InvalidInput
from corridor.geo import gazetteer
from corridor.geo.gazetteer import Gazetteer, Place, normalise
from corridor.geo.metric import length_km

AZOVSTAL = Place("Azovstal", 37.61, 47.1, "UA", "group", alternate_names=("Азовсталь",))

# (name, latitude, longitude) from the public record, to about a kilometre.
SEED_CORRIDOR = [
    ("Mariupol", 47.10, 37.55),
    ("Bezimenne", 47.11, 37.94),
    ("Manhush", 47.06, 37.31),
    ("Berdiansk", 46.76, 36.79),
    ("Tokmak", 47.25, 35.71),
    ("Vasylivka", 47.44, 35.28),
    ("Zaporizhzhia", 47.84, 35.14),
    ("Kyiv", 50.45, 30.52),
]


@pytest.fixture(scope="module")
def places() -> Gazetteer:
    return Gazetteer()


@pytest.mark.parametrize(("name", "lat", "lon"), SEED_CORRIDOR)
def test_the_seed_scenario_towns_resolve_to_plausible_coordinates(
    places: Gazetteer, name: str, lat: float, lon: float
) -> None:
    place = places.lookup(name)
    assert place.country == "UA"
    assert place.source == "geonames"
    assert place.lat == pytest.approx(lat, abs=0.05)
    assert place.lon == pytest.approx(lon, abs=0.05)


@pytest.mark.parametrize(
    "spellings",
    [
        ["Zaporizhzhia", "Zaporizhzhya", "Zaporozhye", "Zaporozh'ye", "Запоріжжя", "Запорожье"],
        ["Kyiv", "Kiev", "KYIV", "Київ", "Киев", "Kijów"],
        ["Mariupol", "Mariupol'", "Маріуполь", "Мариуполь"],
        ["Berdiansk", "Berdyansk", "Бердянськ"],
    ],
)
def test_alternative_spellings_resolve_to_the_same_place(
    places: Gazetteer, spellings: list[str]
) -> None:
    found = {places.lookup(spelling) for spelling in spellings}
    assert len(found) == 1


def test_case_diacritics_and_punctuation_do_not_matter(places: Gazetteer) -> None:
    assert places.lookup("ZAPORIŽŽJA") == places.lookup("zaporizzja")
    assert normalise("  Rostov-on-Don ") == normalise("rostov on don") == "rostov on don"
    assert normalise("Nikol’s'ke") == "nikolske"


def test_the_largest_of_several_places_with_one_name_comes_first(places: Gazetteer) -> None:
    towns = places.candidates("Vasylivka")
    assert len(towns) > 1
    assert towns[0].population == max(t.population or 0 for t in towns)


def test_a_country_picks_between_places_of_the_same_name(places: Gazetteer) -> None:
    assert places.lookup("Donetsk").country == "UA"
    russian = places.lookup("Donetsk", country="ru")
    assert russian.country == "RU"
    assert russian.lat == pytest.approx(48.33, abs=0.1)  # the town in Rostov oblast


def test_an_unknown_name_is_refused_with_the_nearest_names_suggested(places: Gazetteer) -> None:
    with pytest.raises(InvalidInput) as caught:
        places.lookup("Mariupl", field="waypoints/0")
    error = caught.value
    assert error.field == "waypoints/0"
    assert error.extra["suggestions"][0] == "Mariupol (UA)"
    assert "did you mean Mariupol (UA)" in error.detail


def test_a_name_like_nothing_known_says_the_group_can_add_it(places: Gazetteer) -> None:
    with pytest.raises(InvalidInput, match="a group can add it"):
        places.lookup("Qxzzyq")


def test_a_place_the_group_adds_is_found_before_the_registry() -> None:
    places = Gazetteer([AZOVSTAL, Place("Mariupol", 37.6, 47.12, "UA", "registry?")])
    assert places.lookup("azovstal") == Place(
        "Azovstal", 37.61, 47.1, "UA", "group", alternate_names=("Азовсталь",)
    )
    assert places.lookup("Азовсталь").name == "Azovstal"
    assert places.lookup("Mariupol").source == "group"


def test_a_village_missing_from_the_smaller_list_must_be_added_by_the_group() -> None:
    towns_only = Gazetteer(min_population=5000)
    assert towns_only.lookup("Manhush").country == "UA"
    with pytest.raises(InvalidInput):
        towns_only.lookup("Bezimenne")
    towns_only.add(Place("Bezimenne", 37.94, 47.11, "UA", "group"))
    assert towns_only.lookup("Bezimenne").source == "group"


def test_a_group_place_is_checked_like_any_input() -> None:
    with pytest.raises(InvalidInput, match="latitude"):
        Gazetteer(registry=False).add(Place("Nowhere", 37.0, 91.0, None, "group"))
    with pytest.raises(InvalidInput, match="name"):
        Gazetteer(registry=False).add(Place("  ", 37.0, 47.0, None, "group"))


def test_a_route_through_the_seed_corridor_follows_the_named_places(places: Gazetteer) -> None:
    named = Gazetteer([AZOVSTAL])
    names = ["Azovstal", "Bezimenne", "Manhush", "Berdiansk", "Tokmak", "Vasylivka", "Zaporizhzhia"]
    route = named.route_from_names(names)
    assert len(route.coords) == 7
    assert route.coords[0] == (37.61, 47.1)
    assert 300 < length_km(route) < 420


def test_a_route_needs_two_known_places(places: Gazetteer) -> None:
    with pytest.raises(InvalidInput, match="at least two"):
        places.route_from_names(["Mariupol"])
    with pytest.raises(InvalidInput) as caught:
        places.route_from_names(["Mariupol", "Nowhereville"])
    assert caught.value.field == "waypoints/1"
    with pytest.raises(InvalidInput, match="one point"):
        places.route_from_names(["Kyiv", "Kiev"])
    with pytest.raises(InvalidInput, match="expected a place name"):
        places.route_from_names(["Kyiv", " - "])


def test_the_nearest_places_label_a_point_on_the_map(places: Gazetteer) -> None:
    nearby = places.near(37.541, 47.095, k=3)
    assert nearby[0].name == "Mariupol"
    assert len(nearby) == 3
    towns = places.near(35.5, 47.5, k=5, min_population=20_000)
    assert all((t.population or 0) >= 20_000 for t in towns)
    assert "Zaporizhzhya" in {t.name for t in towns}


def test_the_registry_is_read_without_touching_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("the gazetteer tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = gazetteer._registry.__wrapped__(15000, frozenset({"UA"}))
    assert fresh.matches("kyiv", "UA")[0].name == "Kyiv"

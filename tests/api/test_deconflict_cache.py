"""The group's spatial index is kept current: whatever is added, changed or removed, by this
request's session or any other, shows at the next check, and only the change is read again."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.deconfliction import changes, features
from corridor.incidents.models import Incident
from corridor.notifications.models import Site
from tests.factories import World, by_hand
from tests.incidents_helpers import report
from tests.notifications_helpers import agreed_pause, check, notify_movement, notify_site

NEAR_THE_ROUTE = (37.20, 46.94)  # ~1 km from the synthetic route


def _sites(result: dict[str, object]) -> list[int]:
    return [f["data"]["site"] for f in result["sites"]]  # type: ignore[attr-defined]


def _incidents(result: dict[str, object]) -> list[int]:
    return [f["data"]["incident"] for f in result["incidents"]]  # type: ignore[attr-defined]


def test_a_site_notified_after_a_check_shows_at_the_next_check(client: TestClient,
                                                               world: World) -> None:
    movement = notify_movement(client, world)
    assert _sites(check(client, world, movement["id"])) == []
    site = notify_site(client, world, lon=NEAR_THE_ROUTE[0], lat=NEAR_THE_ROUTE[1])
    assert _sites(check(client, world, movement["id"])) == [site["id"]]


def test_a_site_removed_elsewhere_disappears_at_the_next_check(client: TestClient, world: World,
                                                               db: Session) -> None:
    movement = notify_movement(client, world)
    site = notify_site(client, world, lon=NEAR_THE_ROUTE[0], lat=NEAR_THE_ROUTE[1])
    assert _sites(check(client, world, movement["id"])) == [site["id"]]
    cached = features.of_group(db, group_id=world.group.id)
    with by_hand(db, world, "site removed"):
        db.delete(db.get(Site, site["id"]))
    assert _sites(check(client, world, movement["id"])) == []
    # The change was applied to the index this process had, not by loading the group again.
    assert features.of_group(db, group_id=world.group.id) is cached


def test_a_new_incident_shows_and_one_moved_away_disappears(client: TestClient, world: World,
                                                            db: Session) -> None:
    movement = notify_movement(client, world)
    assert _incidents(check(client, world, movement["id"])) == []
    incident = report(client, world, at=NEAR_THE_ROUTE)
    assert _incidents(check(client, world, movement["id"])) == [incident["id"]]
    row = db.scalar(select(Incident).where(Incident.id == incident["id"]))
    assert row is not None
    with by_hand(db, world, "incident moved"):
        row.lon, row.lat = 30.52, 50.45  # corrected to Kyiv, far from the route
    assert _incidents(check(client, world, movement["id"])) == []


def test_a_pause_agreed_after_a_check_covers_at_the_next_check(client: TestClient,
                                                               world: World) -> None:
    movement = notify_movement(client, world)
    assert check(client, world, movement["id"])["summary"]["code"] == "no_pause"
    pause = agreed_pause(client, world)
    assert check(client, world, movement["id"])["covered_by"] == [pause["id"]]


def test_every_change_gets_the_next_number_of_its_group(client: TestClient, world: World,
                                                       db: Session) -> None:
    epoch, before = changes.current(db, world.group.id)
    db.rollback()  # let the requests write (SQLite: one writer at a time)
    first = notify_site(client, world)
    second = notify_site(client, world, name="Second clinic")
    epoch_after, after = changes.current(db, world.group.id)
    assert after == before + 2 and epoch_after is not None
    assert epoch in (None, epoch_after)
    assert changes.since(db, world.group.id, before, after) == [
        ("site", first["id"]), ("site", second["id"])]

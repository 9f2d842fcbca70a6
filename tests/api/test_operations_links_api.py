"""What an operation is linked to: its pause and movements (need to know kept), warnings that
accept but flag a stage off the route, and the HXL export of its counts."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.factories import World
from tests.notifications_helpers import agreed_pause, notify_movement
from tests.operations_helpers import OPS, count, create, depart, ok, stages
from tests.pauses_helpers import propose


def test_a_stage_off_the_route_and_a_movement_on_another_pause_are_warned_not_refused(
    client: TestClient, world: World
) -> None:
    pause, other = propose(client, world), propose(client, world)
    movement = notify_movement(client, world, who="icrc.operator", pause=other["id"])
    off_route = {"kind": "checkpoint", "name": "Far away", "lon": 30.52, "lat": 50.45}
    op = create(client, world, pause=pause, movements=[movement["id"]],
                stages=[*stages()[:2], off_route, stages()[2]])
    assert f"movement {movement['id']} relies on pause {other['id']}" in " ".join(op["warnings"])
    far = next(w for w in op["warnings"] if "Far away" in w)
    assert "km outside pause" in far
    assert f"pause {pause['id']} is proposed, not agreed" in op["warnings"]


def test_an_operation_on_an_agreed_pause_along_its_corridor_has_no_warnings(
    client: TestClient, world: World
) -> None:
    pause = agreed_pause(client, world)
    movement = notify_movement(client, world, who="icrc.operator", pause=pause["id"])
    op = create(client, world, pause=pause, movements=[movement["id"]])
    assert op["warnings"] == [] and op["movements"] == [movement["id"]]


def test_another_humanitarians_movement_is_neither_linkable_nor_shown(
    client: TestClient, world: World
) -> None:
    pause = propose(client, world)
    theirs = notify_movement(client, world, who="aid-two.operator", pause=pause["id"])
    r = client.post(OPS, headers=world.auth("aid-one.operator"), json={
        "kind": "evacuation", "title": "Not mine", "pause": pause["id"],
        "movements": [theirs["id"]], "stages": stages()})
    assert r.status_code == 422 and r.json()["field"] == "/movements/0"
    op = create(client, world, who="icrc.operator", pause=pause, movements=[theirs["id"]])
    seen_by_aid_one = client.get(f"{OPS}/{op['id']}", headers=world.auth("aid-one.viewer"))
    assert seen_by_aid_one.json()["movements"] == []
    seen_by_party = client.get(f"{OPS}/{op['id']}", headers=world.auth("party-a.viewer"))
    assert seen_by_party.json()["movements"] == [theirs["id"]]


def test_the_counts_export_is_csv_with_hxl_hashtags_and_one_row_per_report(
    client: TestClient, world: World
) -> None:
    op = create(client, world)
    ok(count(client, world, op, "Alpha", "bus 1", n={"children": 3, "adults": 5}))
    ok(depart(client, world, op, "Bravo", "bus 1", "medical", n={"adults": 1},
              free_text="=HYPERLINK(1)"))
    r = client.get(f"{OPS}/{op['id']}/counts.csv", headers=world.auth("donor.viewer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    header, tags, *rows = list(csv.reader(io.StringIO(r.text)))
    assert len(header) == len(tags) and all(t.startswith("#") for t in tags)
    column = {t: i for i, t in enumerate(tags)}
    for tag in ("#date+occurred", "#org", "#loc+name", "#affected+total", "#affected+children"):
        assert tag in column
    assert [row[column["#status+record"]] for row in rows] == ["boarded", "departed"]
    assert [row[column["#affected+total"]] for row in rows] == ["8", "1"]
    assert rows[1][column["#status+reason"]] == "medical"
    assert rows[1][column["#description+notes"]] == "'=HYPERLINK(1)"
    everything = client.get(f"{OPS}.csv", headers=world.auth("party-b.viewer"))
    assert everything.status_code == 200 and len(everything.text.splitlines()) == 4


def test_the_counts_export_reads_back_with_libhxl(client: TestClient, world: World) -> None:
    import hxl  # type: ignore[import-untyped]

    op = create(client, world)
    ok(count(client, world, op, "Alpha", "bus 1", n={"children": 3, "adults": 5}))
    r = client.get(f"{OPS}/{op['id']}/counts.csv", headers=world.auth("donor.viewer"))
    [row] = list(hxl.data(io.BytesIO(r.content), hxl.InputOptions(allow_local=True)))
    assert row.get("#affected+total") == "8" and row.get("#org") == "icrc"
    assert row.get("#loc+name") == "Alpha" and row.get("#status+record") == "boarded"
    assert float(row.get("#geo+lat")) == op["stages"][0]["lat"]

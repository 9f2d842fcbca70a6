"""The site pages: list with stale state and receipts, a site's page, a party's Acknowledge
button, the notifier's re-confirmation, and need to know between humanitarian organisations."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from corridor import clock
from corridor.clock import FixedClock
from tests.notifications_helpers import acknowledge, notify_site
from tests.pauses_helpers import API
from tests.web_helpers import logged_in


def test_the_list_shows_type_people_notifier_stale_state_and_receipts(
        client: Any, db: Session, world: Any) -> None:
    old = notify_site(client, world, name="Old shelter", type="shelter", people_present=300)
    stale_days = world.group.site_stale_days
    db.rollback()
    clock.set_clock(FixedClock(clock.now() + timedelta(days=stale_days + 1)))
    fresh = notify_site(client, world, name="Fresh warehouse", type="warehouse")
    assert acknowledge(client, world, "sites", fresh["id"], "party-b.operator").status_code == 201
    logged_in(client, db, world.people["convener.viewer"])
    db.rollback()
    page = client.get("/sites")
    assert page.status_code == 200
    old_row = page.text.split(f'data-site="{old["id"]}"')[1].split("</tr>")[0]
    assert "Shelter" in old_row and "300" in old_row and "aid-one" in old_row
    assert "Stale: re-confirmation due since" in old_row
    fresh_row = page.text.split(f'data-site="{fresh["id"]}"')[1].split("</tr>")[0]
    assert "Warehouse" in fresh_row and "Stale" not in fresh_row
    assert "party-b: Acknowledged" in fresh_row and "party-a: Pending" in fresh_row
    found = re.search(r'id="notices-geojson">(.*?)</script>', page.text, re.S)
    assert found
    data = json.loads(found[1])
    assert {f["properties"]["name"] for f in data["features"]} == {"Old shelter",
                                                                   "Fresh warehouse"}


def test_a_party_acknowledges_a_site_and_the_notifier_re_confirms_it(
        client: Any, db: Session, world: Any) -> None:
    site = notify_site(client, world)
    csrf = logged_in(client, db, world.people["party-a.operator"])
    db.rollback()
    page = client.get(f"/sites/{site['id']}")
    assert page.status_code == 200 and 'id="acknowledge"' in page.text
    assert 'id="confirm-site"' not in page.text
    r = client.post(f"/sites/{site['id']}/acknowledge", data={"csrf_token": csrf},
                    follow_redirects=False)
    assert r.status_code == 303
    after = client.get(f"/sites/{site['id']}").text
    assert re.search(r'data-party="party-a">.*?Acknowledged', after, re.S)
    assert 'id="acknowledge"' not in after
    api = client.get(f"{API}/sites/{site['id']}", headers=world.auth("aid-one.operator")).json()
    assert {a["party"]: a["status"] for a in api["acknowledgements"]}["party-a"] == "acknowledged"
    clock.set_clock(FixedClock(clock.now() + timedelta(days=3)))
    csrf = logged_in(client, db, world.people["aid-one.operator"])
    db.rollback()
    own = client.get(f"/sites/{site['id']}").text
    assert 'id="confirm-site"' in own and 'id="acknowledge"' not in own
    confirmed = client.post(f"/sites/{site['id']}/confirm", data={"csrf_token": csrf},
                            follow_redirects=False)
    assert confirmed.status_code == 303
    later = client.get(f"{API}/sites/{site['id']}", headers=world.auth("aid-one.operator"))
    assert later.json()["confirmed_at"] > api["confirmed_at"]


def test_another_humanitarian_organisation_does_not_see_the_site(
        client: Any, db: Session, world: Any) -> None:
    site = notify_site(client, world, name="Need-to-know clinic")
    csrf = logged_in(client, db, world.people["aid-two.operator"])
    db.rollback()
    assert client.get(f"/sites/{site['id']}").status_code == 404
    assert "Need-to-know clinic" not in client.get("/sites").text
    r = client.post(f"/sites/{site['id']}/confirm", data={"csrf_token": csrf})
    assert r.status_code == 404

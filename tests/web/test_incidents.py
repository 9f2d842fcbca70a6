"""The incidents pages: reporting with evidence (saved whole or not at all), the list and the
detail with links and evidence, and the follow-up thread with answers and closing."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corridor import clock
from corridor.incidents.models import Evidence, Incident
from tests.incidents_helpers import ON_CORRIDOR, at, report
from tests.notifications_helpers import agreed_pause
from tests.web.test_operations import _log_size
from tests.web_helpers import logged_in


def _rows(db: Session) -> tuple[int, int]:
    n = (int(db.scalar(select(func.count()).select_from(Incident)) or 0),
         int(db.scalar(select(func.count()).select_from(Evidence)) or 0))
    db.rollback()
    return n


def _inside_an_agreed_pause(client: Any, world: Any) -> dict[str, Any]:
    fixed = at(datetime.now(UTC))
    pause = agreed_pause(client, world)
    fixed.advance(timedelta(hours=74))
    return pause


def _form(token: str, **changes: str) -> dict[str, str]:
    when = (clock.now().astimezone(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    form = {"csrf_token": token, "type": "shelling", "occurred_at": when, "zone": "UTC",
            "lon": str(ON_CORRIDOR[0]), "lat": str(ON_CORRIDOR[1]), "uncertainty_m": "300",
            "place": "Synthetic crossroads", "narrative": "Synthetic: shells near the road.",
            "killed_children": "0", "killed_adults": "0", "killed_age_unknown": "0",
            "injured_children": "1", "injured_adults": "2", "injured_age_unknown": "0"}
    form.update(changes)
    return form


def test_a_report_with_evidence_is_saved_linked_and_its_file_downloads_by_digest(
        client: Any, db: Session, world: Any) -> None:
    pause = _inside_an_agreed_pause(client, world)
    token = logged_in(client, db, world.people["party-a.operator"])
    page = client.get("/incidents/new")
    assert page.status_code == 200 and 'id="incident-map"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    photo = b"\x89PNG\r\n\x1a\n synthetic evidence bytes"
    done = client.post("/incidents", data=_form(token), follow_redirects=False,
                       files=[("evidence", ("photo.png", photo, "image/png"))])
    assert done.status_code == 303, done.text
    detail = client.get(done.headers["location"])
    digest = hashlib.sha256(photo).hexdigest()
    assert detail.status_code == 200 and "Report saved." in detail.text
    assert digest in detail.text and f'href="/pauses/{pause["id"]}"' in detail.text
    assert "possible breach" in detail.text
    link = re.search(rf'href="(/api/v1/[^"]+/evidence/{digest})"', detail.text)
    assert link and client.get(link.group(1)).content == photo
    listing = client.get("/incidents").text
    assert 'class="inc-breach"' in listing and "Synthetic crossroads" in listing


def test_a_bad_coordinate_is_refused_next_to_the_field_keeping_what_was_typed(
        client: Any, db: Session, world: Any) -> None:
    token = logged_in(client, db, world.people["icrc.operator"])
    before, rows = _log_size(db), _rows(db)
    bad = client.post("/incidents", data=_form(token, lat="forty-seven", place="Kept place"),
                      files=[("evidence", ("a.txt", b"some evidence", "text/plain"))])
    assert bad.status_code == 422
    assert re.search(r'id="lat-error"[^>]*>Enter a number in decimal degrees', bad.text)
    assert 'value="forty-seven"' in bad.text and 'value="Kept place"' in bad.text
    assert "choose the file again" in bad.text
    assert _log_size(db) == before and _rows(db) == rows


def test_a_refused_evidence_file_leaves_no_half_saved_report(
        client: Any, db: Session, world: Any) -> None:
    token = logged_in(client, db, world.people["icrc.operator"])
    before, rows = _log_size(db), _rows(db)
    bad = client.post("/incidents", data=_form(token),
                      files=[("evidence", ("empty.txt", b"", "text/plain"))])
    assert bad.status_code == 422
    assert re.search(r'id="evidence-error"[^>]*>The evidence file was not accepted', bad.text)
    assert _log_size(db) == before and _rows(db) == rows


def test_a_time_in_the_future_is_refused_next_to_the_time(
        client: Any, db: Session, world: Any) -> None:
    token = logged_in(client, db, world.people["icrc.operator"])
    before = _log_size(db)
    later = (clock.now().astimezone(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post("/incidents", data=_form(token, occurred_at=later))
    assert bad.status_code == 422 and 'id="occurred_at-error"' in bad.text
    assert _log_size(db) == before


def test_the_parties_answer_in_the_thread_and_the_convener_closes_it(
        client: Any, db: Session, world: Any) -> None:
    _inside_an_agreed_pause(client, world)
    incident = report(client, world, at=ON_CORRIDOR, hours_ago=0.5)
    url = f"/incidents/{incident['id']}"
    token = logged_in(client, db, world.people["party-b.operator"])
    before = _log_size(db)
    empty = client.post(f"{url}/answers", data={"csrf_token": token, "text": "  "})
    assert empty.status_code == 422 and 'id="text-error"' in empty.text
    assert _log_size(db) == before
    answered = client.post(f"{url}/answers", follow_redirects=True,
                           data={"csrf_token": token, "text": "Synthetic answer of party B."})
    assert answered.status_code == 200 and "Synthetic answer of party B." in answered.text
    assert "awaiting party-a" in answered.text
    client.cookies.clear()  # a second person, in a fresh browser
    token = logged_in(client, db, world.people["convener.negotiator"])
    page = client.get(url).text
    assert "Your party&#39;s answer" not in page and "Close the follow-up" in page
    closed = client.post(f"{url}/close", follow_redirects=True,
                         data={"csrf_token": token, "reason": "Discussed at the meeting."})
    assert closed.status_code == 200 and "Closed by the convener" in closed.text


def test_an_observer_reads_incidents_but_has_no_form_and_cannot_post(
        client: Any, db: Session, world: Any) -> None:
    report(client, world)
    token = logged_in(client, db, world.people["donor.viewer"])
    listing = client.get("/incidents")
    assert listing.status_code == 200 and "Report an incident" not in listing.text
    before = _log_size(db)
    assert client.post("/incidents", data=_form(token)).status_code == 403
    assert _log_size(db) == before
    assert client.get("/incidents/4242").status_code == 404

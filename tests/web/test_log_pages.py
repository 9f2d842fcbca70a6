"""The log's pages: the checkpoint, entries by type and page, an entry with its inclusion proof,
and the API's need-to-know redaction of other humanitarian organisations' notifications."""

from __future__ import annotations

import base64
import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from corridor.log import merkle, note
from corridor.log.models import LogEntry
from tests.factories import World
from tests.notifications_helpers import notify_site
from tests.unit.log.reference import open_checkpoint
from tests.web_helpers import logged_in

# The log's own tests read the checkpoint right after a change: one is signed per change.
pytestmark = pytest.mark.checkpoint_per_change


def _open(client: TestClient, db: Session, world: World, who: str) -> None:
    logged_in(client, db, world.people[who])
    db.rollback()


def test_the_log_page_shows_the_signed_checkpoint_and_the_newest_entries_first(
        client: TestClient, db: Session, world: World) -> None:
    _open(client, db, world, "party-a.viewer")
    page = client.get("/log")
    assert page.status_code == 200, page.text
    size = int(re.search(r"(\d+) entries</dd>", page.text).group(1))  # type: ignore[union-attr]
    assert f"\n{size}\n" in page.text  # the checkpoint note's size line
    indices = [int(i) for i in re.findall(r'<a href="/log/entries/(\d+)">', page.text)]
    assert indices == sorted(indices, reverse=True) and indices[0] == size - 1
    assert "Witnesses" in page.text and 'data-live-part="log-entries"' in page.text


def test_entries_filter_by_type_and_page(client: TestClient, db: Session,
                                         world: World) -> None:
    _open(client, db, world, "convener.viewer")
    persons = db.scalars(select(LogEntry.seq).where(
        LogEntry.group_id == world.group.id, LogEntry.type == "person.added")).all()
    db.rollback()
    page = client.get("/log", params={"type": "person.added"})
    shown = [int(i) for i in re.findall(r'<a href="/log/entries/(\d+)">', page.text)]
    assert shown == sorted(persons, reverse=True)[:50]
    assert "Person added" in page.text and "Key registered</td>" not in page.text
    everything = client.get("/log", params={"page": 2})
    assert everything.status_code == 200
    assert client.get("/log", params={"page": 0}).status_code == 422


def test_an_entry_shows_its_bytes_and_an_inclusion_proof_that_folds_to_the_checkpoint(
        client: TestClient, db: Session, world: World) -> None:
    _open(client, db, world, "party-b.operator")
    page = client.get("/log/entries/3")
    assert page.status_code == 200, page.text
    data = re.search(r'<pre class="mono prewrap log-data" id="entry-data">(.*?)</pre>', page.text,
                     re.S).group(1)  # type: ignore[union-attr]
    leaf = re.search(r'id="leaf-hash">([^<]+)<', page.text).group(1)  # type: ignore[union-attr]
    assert base64.b64encode(merkle.leaf_hash(html.unescape(data).encode())).decode() == leaf
    size = int(re.search(r'data-size="(\d+)"', page.text).group(1))  # type: ignore[union-attr]
    root = re.search(r'id="checkpoint-root">([^<]+)<', page.text).group(1)  # type: ignore[union-attr]
    proof = re.findall(r'<li><code class="hash">([^<]+)</code></li>', page.text)
    rows = db.scalars(select(LogEntry.leaf_hash).where(LogEntry.group_id == world.group.id)
                      .order_by(LogEntry.seq)).all()
    db.rollback()
    assert [base64.b64encode(p).decode() for p in merkle.inclusion_proof(rows, 3, size)] == proof
    assert base64.b64encode(merkle.root(rows[:size])).decode() == root
    assert client.get("/log/entries/100000").status_code == 404


def test_another_humanitarian_organisations_notification_is_withheld_on_the_log_pages(
        client: TestClient, db: Session, world: World) -> None:
    site = notify_site(client, world, who="aid-one.operator", name="Their clinic")
    _open(client, db, world, "aid-two.operator")
    seq = db.scalar(select(LogEntry.seq).where(LogEntry.group_id == world.group.id,
                                               LogEntry.type == "site.notified"))
    db.rollback()
    assert seq is not None
    notifier = '"organisation":"aid-one"'
    listing = client.get("/log")
    assert "aid-one.operator" not in listing.text and "Withheld" in listing.text
    assert f'<a href="/log/entries/{seq}">' in listing.text  # its leaf stays auditable
    filtered = client.get("/log", params={"type": "site.notified"})
    assert f'<a href="/log/entries/{seq}">' not in filtered.text
    entry = client.get(f"/log/entries/{seq}")
    assert entry.status_code == 200 and notifier not in html.unescape(entry.text)
    assert 'id="entry-data"' not in entry.text and 'id="leaf-hash"' in entry.text
    # The notifier itself reads it.
    client.cookies.clear()
    _open(client, db, world, "aid-one.viewer")
    own = html.unescape(client.get(f"/log/entries/{seq}").text)
    assert notifier in own and f'"site":{site["id"]}' in own


def test_both_pages_show_the_log_key_the_browser_checks_the_checkpoint_signature_with(
        client: TestClient, db: Session, world: World) -> None:
    _open(client, db, world, "party-a.viewer")
    vkey = world.group.log_verifier_key
    db.rollback()
    for path in ("/log", "/log/entries/0"):
        page = client.get(path)
        assert page.status_code == 200, page.text
        shown = re.search(r'<code class="hash" id="log-key">([^<]+)</code>', page.text)
        assert shown is not None and html.unescape(shown.group(1)) == vkey
        box = re.search(r'<div id="signature-check"[^>]*data-key="([^"]+)"', page.text)
        assert box is not None and html.unescape(box.group(1)) == vkey
        assert "data-bad-signature=" in page.text and "log.js" in page.text
        # What the script checks: the note on the page opens with that key, and only with it.
        text = html.unescape(re.search(r'id="checkpoint-note">(.*?)</pre>', page.text,
                                       re.S).group(1))  # type: ignore[union-attr]
        checkpoint, opened = open_checkpoint(text, note.NoteVerifier.from_vkey(vkey))
        assert opened.verified[0].name == vkey.split("+")[0]
        size_line = f"\n{checkpoint.size}\n"
        tampered = text.replace(size_line, f"\n{checkpoint.size + 1}\n", 1)
        try:
            open_checkpoint(tampered, note.NoteVerifier.from_vkey(vkey))
        except note.NoteError:
            pass
        else:
            raise AssertionError("a tampered checkpoint opened")
    # The entry that registered the key: entry 0, group.created.
    entry0 = html.unescape(client.get("/log/entries/0").text)
    assert f'"log_verifier_key":"{vkey}"' in entry0


def test_the_log_pages_ask_for_a_login(client: TestClient) -> None:
    for path in ("/log", "/log/entries/0"):
        response: Any = client.get(path, follow_redirects=False)
        assert response.status_code == 303

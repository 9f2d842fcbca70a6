"""Evidence is inert: its type comes from its content, pages and SVG are refused with nothing
kept, and every file comes back as a download a browser will not render or run, including files
kept before types were sniffed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.incidents import evidence
from corridor.incidents.models import Evidence
from tests.api.test_groups_api import log_size
from tests.factories import World
from tests.incidents_helpers import report
from tests.pauses_helpers import API

PAGE = b"<html><body><script>fetch('/api/v1/me').then(r => r.text())</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _kept(settings: Settings) -> list[Path]:
    folder = Path(settings.data_dir) / "evidence"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize(("data", "claimed"), [
    (PAGE, "text/html"), (PAGE, "image/png"), (SVG, "image/svg+xml"), (SVG, "text/plain"),
    (b"plain words", "text/html"), (b"\x00\x01binary\x02", "video/mp4"),
], ids=["page", "page-called-png", "svg", "svg-called-text", "text-called-html", "binary"])
def test_pages_svg_and_unknown_files_are_refused_and_nothing_is_kept_or_logged(
    client: TestClient, world: World, db: Session, settings: Settings, data: bytes,
    claimed: str,
) -> None:
    incident = report(client, world)
    before = log_size(db)
    r = client.post(f"{API}/incidents/{incident['id']}/evidence", content=data,
                    headers={**world.auth("icrc.operator"), "Content-Type": claimed})
    assert r.status_code == 415, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["field"] == "evidence" and "image/png" in problem["accepted"]
    assert "plain UTF-8 text" in problem["detail"]
    assert log_size(db) == before and _kept(settings) == []
    assert client.get(f"{API}/incidents/{incident['id']}",
                      headers=world.auth("icrc.operator")).json()["evidence"] == []


def test_a_file_is_kept_with_the_type_its_content_shows_and_served_as_an_inert_download(
    client: TestClient, world: World,
) -> None:
    incident = report(client, world)
    url = f"{API}/incidents/{incident['id']}/evidence"
    r = client.post(url, content=PDF,
                    headers={**world.auth("icrc.operator"), "Content-Type": "image/jpeg"})
    assert r.status_code == 201, r.text
    digest = hashlib.sha256(PDF).hexdigest()
    [kept] = r.json()["evidence"]
    assert kept["media_type"] == "application/pdf"
    got = client.get(f"{url}/{digest}", headers=world.auth("donor.viewer"))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == f'attachment; filename="{digest}.pdf"'
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-security-policy"].split(";")[0] == "sandbox"


@pytest.mark.parametrize("stored", ["text/html", "image/svg+xml", "application/xhtml+xml"])
def test_evidence_kept_earlier_with_a_dangerous_type_is_served_as_opaque_bytes(
    client: TestClient, world: World, db: Session, settings: Settings, stored: str,
) -> None:
    incident = report(client, world)
    kept = client.post(f"{API}/incidents/{incident['id']}/evidence", content=b"a statement",
                       headers=world.auth("icrc.operator")).json()["evidence"][0]
    digest = kept["sha256"]
    # As an upload was kept before types were sniffed: the client's type, and its bytes a page.
    db.execute(update(Evidence).where(Evidence.sha256 == digest).values(media_type=stored))
    db.commit()
    evidence.path_of(Path(settings.data_dir), digest).write_bytes(PAGE)
    got = client.get(f"{API}/incidents/{incident['id']}/evidence/{digest}",
                     headers=world.auth("convener.admin"))
    assert got.status_code == 200 and got.content == PAGE
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"] == f'attachment; filename="{digest}.bin"'
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in got.headers["content-security-policy"]

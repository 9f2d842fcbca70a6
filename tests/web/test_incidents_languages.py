"""The incident pages for a Ukrainian and a Russian reader: the list, the report form and a
report's page (with its links and follow-up) carry no English interface text, and their dates are
written the reader's way, in the reader's zone."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from babel.messages.pofile import read_po
from sqlalchemy.orm import Session

from corridor.web.i18n import LOCALE_DIR
from tests.incidents_helpers import ON_CORRIDOR, report
from tests.pauses_helpers import API
from tests.web.test_incidents import _inside_an_agreed_pause
from tests.web_helpers import logged_in

ZONE = "Europe/Kyiv"
HEADINGS = {
    "uk": ["<h1>Інциденти</h1>", "<h1>Повідомити про інцидент</h1>", "Що сталося", "Докази",
           "Розгляд"],
    "ru": ["<h1>Инциденты</h1>", "<h1>Сообщить об инциденте</h1>", "Что произошло",
           "Доказательства", "Рассмотрение"],
}


def _interface_strings(lang: str) -> list[str]:
    """The English sentences of the incidents pages (whole messages, without placeholders)."""
    path = Path(LOCALE_DIR) / lang / "LC_MESSAGES" / "incidents.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return [m.id for m in catalog if isinstance(m.id, str) and m.id and "%(" not in m.id
            and len(m.id) >= 8 and " " in m.id and m.string and m.string != m.id]


def _text(page: str) -> str:
    """What a reader sees and hears: the body, without scripts and data attributes' JSON."""
    body = page.split("<main", 1)[1]
    return html.unescape(body)


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_the_incident_pages_have_no_english_left_and_dates_in_the_readers_way(
        client: Any, db: Session, world: Any, lang: str) -> None:
    _inside_an_agreed_pause(client, world)
    incident = report(client, world, who="aid-one.operator", at=ON_CORRIDOR, hours_ago=0.5)
    assert incident["followup"] is not None  # a possible breach: the thread is shown
    answered = client.post(f"{API}/incidents/{incident['id']}/answers",
                           headers=world.auth("party-b.operator"),
                           json={"text": "Synthetic answer of party B."})
    assert answered.status_code in (200, 201), answered.text
    person = world.people["party-a.operator"]
    person.language, person.timezone = lang, ZONE
    db.commit()
    logged_in(client, db, person)
    occurred = datetime.fromisoformat(incident["occurred_at"]).astimezone(ZoneInfo(ZONE))
    local = format_datetime(occurred, "medium", tzinfo=ZoneInfo(ZONE), locale=lang)
    english = format_datetime(occurred, "medium", tzinfo=ZoneInfo(ZONE), locale="en")
    assert local != english
    english_ui = _interface_strings(lang)
    assert len(english_ui) > 40  # the catalog is really being checked
    pages = {"list": client.get("/incidents"), "new": client.get("/incidents/new"),
             "detail": client.get(f"/incidents/{incident['id']}")}
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert response.headers["content-language"] == lang
        text = _text(response.text)
        left = [s for s in english_ui if s in text]
        assert left == [], f"{name} in {lang} still shows English: {left}"
    list_text, new_text, detail_text = (_text(pages[n].text) for n in ("list", "new", "detail"))
    for heading in HEADINGS[lang]:
        assert heading in list_text + new_text + detail_text, heading
    assert local in list_text and local in detail_text
    assert english not in list_text and english not in detail_text
    assert occurred.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%MZ") in detail_text

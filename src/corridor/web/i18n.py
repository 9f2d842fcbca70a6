"""Languages: gettext catalogs (Babel) in English, Ukrainian and Russian; dates and numbers per
locale and per time zone.

Each part of the web keeps its own catalog file (`locale/<lang>/LC_MESSAGES/<part>.po`), merged
here at start-up, so that pages can be translated side by side without one file to fight over.
The .po files are compiled in memory, so no build step and no binary files are needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, format_timedelta
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"en": "English", "uk": "Українська", "ru": "Русский"}
DEFAULT = "en"


def catalog(lang: str) -> Catalog:
    """All of a language's catalog files as one catalog (later files win on a clash)."""
    merged = Catalog(locale=lang, domain="messages")
    for po in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if message.id and message.string:
                    merged[message.id] = message
    return merged


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> Translations:
    """The compiled translations of a language (English is the source: nothing to translate)."""
    buffer = BytesIO()
    write_mo(buffer, catalog(lang) if lang != DEFAULT else Catalog(locale=DEFAULT))
    buffer.seek(0)
    return Translations(buffer)


def pick(*candidates: str | None, accept_language: str | None = None) -> str:
    """The first supported language among the person's choice, a cookie and the browser's list."""
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT


class Formatter:
    """Dates, durations and numbers the way a reader of this language expects, in their zone."""

    def __init__(self, lang: str, timezone: str | None) -> None:
        self.lang = lang
        self.locale = Locale.parse(lang)
        self.zone = ZoneInfo(timezone or "UTC")

    def dt(self, value: datetime | None, zone: str | None = None, fmt: str = "medium") -> str:
        """A moment in the reader's zone (or the given one), with the zone's abbreviation."""
        if value is None:
            return "—"
        tz = ZoneInfo(zone) if zone else self.zone
        local = value.astimezone(tz)
        return f"{format_datetime(local, fmt, tzinfo=tz, locale=self.locale)} {local.tzname()}"

    def short(self, value: datetime | None) -> str:
        """Day and time only, for tables."""
        if value is None:
            return "—"
        return format_datetime(value.astimezone(self.zone), "d MMM, HH:mm", locale=self.locale)

    def utc(self, value: datetime | None) -> str:
        return "—" if value is None else value.astimezone(ZoneInfo("UTC")).strftime(
            "%Y-%m-%d %H:%MZ")

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def duration(self, value: timedelta) -> str:
        return format_timedelta(value, locale=self.locale, threshold=1.1)

"""What the web says, and which of it is not yet translated: `python -m corridor.web.catalogs`.

Messages are extracted from the Python files and templates of the web package with Babel (the
Jinja2 extractor for templates), so a test can fail on any message missing in uk or ru.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_from_dir

from corridor.web import i18n

WEB = Path(__file__).parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


@dataclass(frozen=True)
class Message:
    id: str
    plural: str | None
    where: str


def extract() -> dict[str, Message]:
    """Every message of the web package, by its English text."""
    messages: dict[str, Message] = {}
    for filename, lineno, text, _comments, _context in extract_from_dir(
            WEB, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS,
            comment_tags=(), strip_comment_tags=True):
        if isinstance(text, tuple):
            singular, plural = str(text[0]), str(text[1])
        else:
            singular, plural = str(text), None
        if singular:
            messages.setdefault(singular, Message(singular, plural, f"{filename}:{lineno}"))
    return messages


def untranslated(lang: str) -> list[Message]:
    """Messages with no translation (or a missing plural form) in a language."""
    catalog = i18n.catalog(lang)
    forms = catalog.num_plurals
    missing = []
    for message in extract().values():
        found = catalog.get(message.id)
        complete = found is not None and bool(found.string) and (
            not message.plural or (isinstance(found.string, tuple)
                                   and len([s for s in found.string if s]) >= forms))
        if not complete:
            missing.append(message)
    return missing


def main() -> None:
    langs = sys.argv[1:] or [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]
    total = 0
    for lang in langs:
        for message in untranslated(lang):
            total += 1
            plural = f" | plural: {message.plural!r}" if message.plural else ""
            print(f"{lang}\t{message.where}\t{message.id!r}{plural}")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()

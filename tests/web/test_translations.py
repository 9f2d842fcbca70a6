"""Every message of the web is translated into Ukrainian and Russian, keeping its placeholders."""

from __future__ import annotations

import re

import pytest

from corridor.web import catalogs, i18n

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_no_message_is_left_untranslated(lang: str) -> None:
    missing = [f"{m.where}: {m.id!r}" for m in catalogs.untranslated(lang)]
    assert missing == [], f"{len(missing)} messages untranslated in {lang}:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_translations_keep_every_placeholder(lang: str) -> None:
    catalog = i18n.catalog(lang)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(str(ids[-1]))) - {"%(num)d"}
        for text in strings:
            if not expected <= set(PLACEHOLDER.findall(str(text))):
                wrong.append(f"{ids[0]!r} → {text!r}")
    assert wrong == []


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_plural_forms_follow_the_languages_rules(lang: str) -> None:
    # Ukrainian and Russian have three forms: 1, 21 → one; 3, 24 → few; 5, 11, 12 → many.
    translations = i18n.translations(lang)
    for message in i18n.catalog(lang):
        if not isinstance(message.id, tuple):
            continue
        singular, plural = message.id
        forms = message.string
        assert isinstance(forms, tuple)
        for n, form in ((1, 0), (21, 0), (3, 1), (24, 1), (5, 2), (11, 2), (12, 2)):
            assert translations.ngettext(singular, plural, n) == forms[form], (singular, n)

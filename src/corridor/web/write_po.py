"""Writing a part's catalog files from a table of translations (a tool for translators who
prefer one table for both languages): `python -m corridor.web.write_po PART TABLE.py`.

The table module defines T = {english: (ukrainian, russian)}; a plural entry's key is a tuple
(singular, plural) and its value a pair of tuples with every plural form of uk and ru.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from corridor.web.i18n import LOCALE_DIR


def write(part: str, table: dict[object, tuple[object, object]]) -> None:
    for index, lang in enumerate(("uk", "ru")):
        catalog = Catalog(locale=lang, domain="messages", project="Corridor")
        for key, values in table.items():
            catalog.add(key, values[index])  # type: ignore[arg-type]
        target = LOCALE_DIR / lang / "LC_MESSAGES" / f"{part}.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False)


if __name__ == "__main__":
    write(sys.argv[1], runpy.run_path(str(Path(sys.argv[2])))["T"])

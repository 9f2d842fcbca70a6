"""The page a browser gets when what it sends is over the server's body limit (in practice: an
evidence file too large for the incident forms), in the reader's language.

`corridor.limits` calls `page` for page paths (the API keeps its JSON problem), before it has
read the body; the session cookie is looked up only to pick the reader's language and show the
page with its usual header. The reader goes back to the form, where the browser kept what they
typed, and chooses a smaller file.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from corridor.groups import logins as sessions
from corridor.groups.logins import COOKIE
from corridor.web.i18n import Formatter, translations
from corridor.web.render import language_of, render

MIB = 1_048_576


def megabytes(max_bytes: int, lang: str) -> str:
    """The limit in MB as the reader writes numbers (1 MiB → "1", 1.5 MiB → "1.5" / "1,5")."""
    size = max_bytes / MIB
    return Formatter(lang, None).number(size, 0 if size.is_integer() else 1)


def page(request: Request, max_bytes: int) -> HTMLResponse:
    """The 413 page (run in a worker thread: it may look the session up)."""
    maker: Any = getattr(request.app.state, "sessionmaker", None)
    secret = request.cookies.get(COOKIE)
    if maker is None or not secret:
        return _render(request, None, max_bytes)
    with maker() as db:
        login = sessions.current(db, secret=secret)
        request.state.web_login = login
        return _render(request, login, max_bytes)


def _render(request: Request, login: sessions.WebLogin | None, max_bytes: int) -> HTMLResponse:
    lang = language_of(request, login)
    _ = translations(lang).gettext
    size = megabytes(max_bytes, lang)
    return render(request, "error.html", status=413, login=login,
                  title=_("The file is too large"),
                  message=_("The file is too large: at most %(size)s MB.") % {"size": size},
                  detail=_("Nothing was saved. Go back to the form (what you typed is still "
                           "there), choose a smaller file, or leave the file out and add it on "
                           "the report's page afterwards."))

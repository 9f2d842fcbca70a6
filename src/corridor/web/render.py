"""Rendering a page: one Jinja2 environment per language (gettext installed), and the context
every page gets (who is logged in, their language and zone, the CSRF token, the formatter)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from corridor import __version__
from corridor.groups.logins import WebLogin
from corridor.web import i18n

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=len(i18n.LANGUAGES))
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.globals["static"] = lambda path: f"/static/{path}?v={__version__}"
    env.globals["vendor"] = lambda path: f"/static/vendor/{path}?v={__version__}"
    return env


def language_of(request: Request, login: WebLogin | None) -> str:
    person_lang = login.viewer.language if login else None
    return i18n.pick(request.query_params.get("lang") if login is None else None,
                     person_lang, request.cookies.get("corridor_lang"),
                     accept_language=request.headers.get("accept-language"))


def gettext(request: Request) -> Any:
    """The `_` of the request's language, for messages made in Python (flash, form errors)."""
    lang = getattr(request.state, "lang", None) or language_of(
        request, getattr(request.state, "web_login", None))
    return i18n.translations(lang).gettext


def render(request: Request, template: str, *, status: int = 200,
           login: WebLogin | None = None, **context: Any) -> HTMLResponse:
    """A page in the reader's language; `login` is None on the pages before logging in."""
    lang = language_of(request, login)
    request.state.lang = lang
    zone = login.viewer.timezone if login else None
    page = environment(lang).get_template(template).render(
        request=request,
        login=login,
        viewer=login.viewer if login else None,
        principal=login.principal if login else None,
        csrf_token=login.csrf_token if login else context.pop("csrf_token", ""),
        lang=lang,
        fmt=i18n.Formatter(lang, zone),
        path=request.url.path,
        log_size=getattr(request.state, "log_size", None),
        **context,
    )
    return HTMLResponse(page, status_code=status, headers={"Content-Language": lang})


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    """An error as a page in the reader's language; the server's own words shown as detail."""
    _ = gettext(request)
    titles = {401: _("Please log in"), 403: _("Not permitted"), 404: _("Not found"),
              409: _("This has changed in the meantime"), 422: _("Some input was not accepted")}
    messages = {
        403: _("Your role does not allow this. Ask your organisation or the convener."),
        404: _("There is nothing here, or it is not shared with your organisation."),
        409: _("Someone changed it after you opened the page. Reload and try again."),
    }
    return render(request, "error.html", status=status,
                  login=getattr(request.state, "web_login", None),
                  title=titles.get(status, title), message=messages.get(status, ""),
                  detail=detail)

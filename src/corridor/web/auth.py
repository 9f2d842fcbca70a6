"""Log in, log out, and the person's own settings (language, time zone)."""

from __future__ import annotations

import secrets
from typing import Annotated
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from corridor.deps import SessionDep, SettingsDep
from corridor.groups import logins as sessions
from corridor.uow import write
from corridor.web import i18n
from corridor.web.deps import COOKIE, CheckedForm, MaybeUser, WebUser
from corridor.web.render import gettext, render

router = APIRouter(include_in_schema=False)
NONCE_COOKIE = "corridor_login_nonce"


def _safe_next(target: str | None) -> str:
    """Only a path on this server: never an open redirect to somewhere else."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/login")
def login_page(request: Request, settings: SettingsDep, login: MaybeUser,
               next: str | None = None) -> Response:
    if login is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_form(request, settings.secret_key, next_url=_safe_next(next))


def _login_form(request: Request, secret_key: str, *, next_url: str, error: str | None = None,
                hint: str | None = None, username: str = "", status: int = 200) -> Response:
    nonce = secrets.token_urlsafe(16)
    response = render(request, "login.html", status=status, next_url=next_url, error=error,
                      hint=hint, username=username,
                      csrf_token=sessions.anonymous_csrf(secret_key, nonce))
    response.set_cookie(NONCE_COOKIE, nonce, httponly=True, samesite="strict",
                        secure=_secure(request), max_age=3600)
    lang = request.query_params.get("lang")
    if lang in i18n.LANGUAGES:
        response.set_cookie("corridor_lang", lang, samesite="lax", max_age=365 * 86400)
    return response


@router.post("/login")
def login_submit(
    request: Request, db: SessionDep, settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    _ = gettext(request)
    nonce = request.cookies.get(NONCE_COOKIE, "")
    expected = sessions.anonymous_csrf(settings.secret_key, nonce)
    if not nonce or not sessions.csrf_matches(expected, csrf_token):
        return _login_form(request, settings.secret_key, next_url=_safe_next(next),
                           username=username, status=403,
                           error=_("The form had expired. Please log in again."))
    try:
        secret, _session = sessions.log_in(db, username=username, password=password)
    except sessions.LoginRefused:
        # One answer for a wrong name, a wrong password and a waiting account: saying that an
        # account waits would say that the name exists.
        return _login_form(request, settings.secret_key, next_url=_safe_next(next),
                           username=username, error=_("Wrong username or password."),
                           hint=_("After five failed attempts in a row, a name is refused for "
                                  "a minute, and for longer after each further failure."),
                           status=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, secret, httponly=True, samesite="lax", secure=_secure(request),
                        max_age=int(sessions.SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(NONCE_COOKIE)
    return response


@router.post("/logout")
def logout(db: SessionDep, login: WebUser, _form: CheckedForm) -> Response:
    sessions.log_out(db, session_id=login.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/settings")
def settings_page(request: Request, login: WebUser, saved: bool = False) -> Response:
    return render(request, "settings.html", login=login, saved=saved,
                  zones=sorted(available_timezones()))


@router.post("/settings")
def settings_submit(request: Request, db: SessionDep, login: WebUser, form: CheckedForm
                    ) -> Response:
    _ = gettext(request)
    language, zone = str(form.get("language", "")), str(form.get("timezone", ""))
    errors = {}
    if language not in i18n.LANGUAGES:
        errors["language"] = _("Choose one of the languages in the list.")
    if zone and zone not in available_timezones():
        errors["timezone"] = _("Unknown time zone; choose one from the list, e.g. Europe/Kyiv.")
    if errors:
        return render(request, "settings.html", login=login, errors=errors, status=422,
                      values={"language": language, "timezone": zone},
                      zones=sorted(available_timezones()))
    person = login.principal.person
    with write(db, subject="person"):  # a preference, not a change to the group's record
        person.language = language
        person.timezone = zone or None
    return RedirectResponse("/settings?saved=1", status_code=303)

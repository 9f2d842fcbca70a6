"""The page where a party's negotiator signs a decision on a pause in the browser.

The server only shows the statement and, later, verifies the signature: the key file is read by
`static/sign.js` with FileReader and used through WebCrypto, and only the statement, the
signature and the key's fingerprint are posted to the API's consent endpoint. So the server never
holds a private key and cannot agree on anyone's behalf (PRODUCT.md, principle 1).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from corridor.deps import SessionDep
from corridor.errors import InvalidInput
from corridor.groups.models import SigningKey
from corridor.log.canonical import canonicalize
from corridor.pauses import consent, views
from corridor.pauses import service as pauses
from corridor.web.deps import WebUser
from corridor.web.pauses.pages import geojson, labels, script_json
from corridor.web.render import gettext, render

router = APIRouter(include_in_schema=False)

ENDPOINTS = {"agree": "consents", "decline": "declines", "withdraw": "withdrawals"}


def problems(request: Request) -> dict[str, str]:
    """Translated leads for each check the server can refuse a signature on (sign.js maps the
    problem's `check`, `type` and `field` to one of these, and shows the server's detail after)."""
    _ = gettext(request)
    return {
        "key-owner": _("Wrong key for this organisation: the key file belongs to another "
                       "organisation."),
        "key-unknown": _("This key is not registered in the group. Ask your organisation's "
                         "admin to register its public key, or choose another key file."),
        "key-revoked": _("This key was revoked. Sign with a current key of your organisation."),
        "key-purpose": _("This is a witness key. Consent needs your organisation's signing key."),
        "version": _("The statement changed since this page was loaded (the pause was amended). "
                     "Reload the page, read the new version and sign again."),
        "signature": _("The signature is invalid: it does not verify over this statement with "
                       "that key."),
        "replay": _("This statement was already signed or belongs to another pause."),
        "state": _("The pause no longer accepts this decision in its current state."),
        "file": _("This file is not an unencrypted Ed25519 private key (PEM, PKCS#8)."),
        "browser": _("This browser cannot sign with Ed25519. Use a current browser, or the "
                     "command line (corridor sign)."),
        "network": _("The server could not be reached. Nothing was signed on the server; try "
                     "again when the connection is back."),
        "other": _("The signature was refused."),
    }


@router.get("/pauses/{pause_id:int}/sign")
def sign_page(request: Request, login: WebUser, db: SessionDep, pause_id: int,
              decision: str = Query("agree", max_length=10)) -> Response:
    principal = login.principal
    if decision not in ENDPOINTS:
        raise InvalidInput("decision is agree, decline or withdraw", field="decision")
    pause = pauses.get(db, principal=principal, pause_id=pause_id)
    pauses.check_consent(principal, pause)
    view = views.pause_out(db, pause, principal)
    party = principal.organisation.slug
    statement = consent.statement(group=principal.group.slug, pause=pause.id,
                                  version=view.current_version, version_hash=view.version_hash,
                                  party=party, decision=decision)
    keys = db.scalars(select(SigningKey).where(
        SigningKey.organisation_id == principal.organisation.id,
        SigningKey.purpose == "signing", SigningKey.revoked_at.is_(None))).all()
    context: dict[str, Any] = {
        "pause": pause, "view": view, "c": view.content, "labels": labels(request),
        "decision": decision, "party": party,
        "required": party in view.content["required_signatories"],
        "statement_json": script_json(statement),
        "statement_text": canonicalize(statement).decode(),
        "endpoint": f"/api/v1/groups/{principal.group.slug}/pauses/{pause.id}/"
                    f"{ENDPOINTS[decision]}",
        "fingerprints": [k.fingerprint for k in keys],
        "problems": script_json(problems(request)),
        "geojson": script_json(geojson(pause, view.content, view.status)),
    }
    return render(request, "pauses/sign.html", login=login, **context)

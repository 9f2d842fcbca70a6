"""Each check of a signed consent statement, in the order the server applies them: the first
that fails is named (`check`), and a statement that passes them all is accepted."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from corridor.errors import Conflict, CorridorError, Forbidden, InvalidSignature
from corridor.log import signing
from corridor.pauses.consent import Expected, KeyFacts, check, statement

KEY = signing.generate_private_key()
OTHER = signing.generate_private_key()
EXPECTED = Expected(group="hcg", pause=3, version=2, version_hash="ab" * 32, party="party-a",
                    decision="agree")
FACTS = KeyFacts(organisation="party-a", public_key=signing.public_key_bytes(KEY),
                 purpose="signing", revoked=False)


def _stmt(**changes: Any) -> dict[str, Any]:
    stmt = statement(group="hcg", pause=3, version=2, version_hash="ab" * 32, party="party-a",
                     decision="agree")
    stmt.update(changes)
    return stmt


def _sign(stmt: dict[str, Any], key: Any = KEY) -> str:
    return signing.sign_statement(key, stmt)


def test_a_statement_that_passes_every_check_is_accepted() -> None:
    stmt = _stmt()
    check(stmt, _sign(stmt), FACTS, EXPECTED)


@pytest.mark.parametrize(("name", "stmt", "key", "error", "named"), [
    ("extra field", _stmt(note="x"), FACTS, InvalidSignature, None),
    ("wrong type", _stmt(type="corridor.consent/v0"), FACTS, InvalidSignature, None),
    ("another organisation's key", _stmt(), replace(FACTS, organisation="party-b"),
     InvalidSignature, "key-owner"),
    ("revoked key", _stmt(), replace(FACTS, revoked=True), InvalidSignature, "key-revoked"),
    ("witness key", _stmt(), replace(FACTS, purpose="witness"), InvalidSignature, "key-purpose"),
    ("another key signed", _stmt(), replace(
        FACTS, public_key=signing.public_key_bytes(OTHER)), InvalidSignature, "signature"),
    ("for another party", _stmt(party="party-b"), FACTS, Forbidden, None),
    ("another pause", _stmt(pause=4), FACTS, InvalidSignature, "replay"),
    ("another group", _stmt(group="elsewhere"), FACTS, InvalidSignature, "replay"),
    ("another decision", _stmt(decision="decline"), FACTS, InvalidSignature, "decision"),
    ("old version", _stmt(version=1), FACTS, Conflict, "version"),
    ("another version hash", _stmt(version_hash="cd" * 32), FACTS, Conflict, "version"),
])
def test_each_check_refuses_naming_itself(name: str, stmt: dict[str, Any], key: KeyFacts,
                                          error: type[CorridorError], named: str | None) -> None:
    with pytest.raises(error) as refused:
        check(stmt, _sign(stmt), key, EXPECTED)
    assert refused.value.extra.get("check") == named, name
    assert refused.value.detail


def test_a_statement_changed_after_signing_fails_the_signature_check() -> None:
    signed = _sign(_stmt())
    with pytest.raises(InvalidSignature) as refused:
        check(_stmt(version_hash="cd" * 32), signed, FACTS, EXPECTED)
    assert refused.value.extra["check"] == "signature"

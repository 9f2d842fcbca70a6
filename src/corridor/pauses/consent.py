"""The signed statement of a party's decision, and the checks it must pass, in order.

The statement is exactly PRODUCT.md's: `{"type":"corridor.consent/v1","group","pause","version",
"version_hash","party","decision"}`, signed over its RFC 8785 bytes with Ed25519. It names the
group, the pause and the version hash, so a signature cannot be replayed elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corridor.errors import Conflict, Forbidden, InvalidSignature
from corridor.log import signing

STATEMENT_TYPE = "corridor.consent/v1"
FIELDS = {"type", "group", "pause", "version", "version_hash", "party", "decision"}
DECISIONS = ("agree", "decline", "withdraw")


def statement(
    *, group: str, pause: int, version: int, version_hash: str, party: str, decision: str
) -> dict[str, Any]:
    """The statement a party's client signs."""
    return {
        "type": STATEMENT_TYPE,
        "group": group,
        "pause": pause,
        "version": version,
        "version_hash": version_hash,
        "party": party,
        "decision": decision,
    }


@dataclass(frozen=True)
class Expected:
    group: str
    pause: int
    version: int
    version_hash: str
    party: str
    decision: str


@dataclass(frozen=True)
class KeyFacts:
    organisation: str
    public_key: bytes
    purpose: str
    revoked: bool


def check(stmt: dict[str, Any], signature: str, key: KeyFacts, expected: Expected) -> None:
    """Refuse with the first check that fails, saying which; return when all hold."""
    if set(stmt) != FIELDS or stmt.get("type") != STATEMENT_TYPE:
        raise InvalidSignature(
            f"the statement must have exactly the fields {sorted(FIELDS)} and type "
            f"{STATEMENT_TYPE}", field="/statement")
    if key.organisation != expected.party:
        raise InvalidSignature(
            f"the key belongs to {key.organisation}, not to {expected.party}", field="/key",
            extra={"check": "key-owner"})
    if key.revoked:
        raise InvalidSignature("the key was revoked; sign with a current key", field="/key",
                               extra={"check": "key-revoked"})
    if key.purpose != "signing":
        raise InvalidSignature("this is a witness key; consent needs a signing key", field="/key",
                               extra={"check": "key-purpose"})
    if not signing.verify_statement(key.public_key, stmt, signature):
        raise InvalidSignature(
            "the signature does not verify over this statement with that key (the statement "
            "was changed after signing, or another key signed it)", field="/signature",
            extra={"check": "signature"})
    if stmt["party"] != expected.party:
        raise Forbidden(f"you may sign only for your own organisation ({expected.party})",
                        field="/statement/party")
    if stmt["group"] != expected.group or stmt["pause"] != expected.pause:
        raise InvalidSignature(
            f"the statement is for pause {stmt['pause']} of group {stmt['group']}, not pause "
            f"{expected.pause} of {expected.group} (a replayed signature?)",
            field="/statement/pause", extra={"check": "replay"})
    if stmt["decision"] != expected.decision:
        raise InvalidSignature(
            f"the statement says '{stmt['decision']}', but was sent as '{expected.decision}'",
            field="/statement/decision", extra={"check": "decision"})
    if stmt["version"] != expected.version or stmt["version_hash"] != expected.version_hash:
        raise Conflict(
            f"the statement is for version {stmt['version']}, but the current version is "
            f"{expected.version} ({expected.version_hash[:12]}…); read it and sign again",
            field="/statement/version", extra={"check": "version"})

"""The independent auditor a party runs: verify what a server (or a tiles mirror) says its log is.

It trusts nothing the server says without proof: the checkpoint must carry the pinned log key's
signature, must be consistent with the last checkpoint this auditor accepted, the entries must
hash to the checkpoint's root, and every client signature must verify against a key that the
log itself registered earlier for the organisation that claims it. Replayers (one per topic)
rebuild state from the entries so that it can be compared with what the API shows.

The log knows no topic above it: topics' replayers are handed in by `register_replayer`, which
the application's wiring calls (`corridor.wiring`). An audit with none registered raises
`NoReplayers` rather than reporting a log whose pauses it never looked at as sound.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from corridor.log import merkle, note, signing


class AuditFailure(Exception):
    """Something the server showed does not hold; `kind` is a stable name for it."""

    def __init__(self, kind: str, message: str, evidence: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.evidence = evidence or {}


@dataclass(frozen=True)
class Redacted:
    """An entry this member may not read (need to know): the server serves only its leaf hash,
    which still counts towards the root; its content is not replayed."""

    leaf_hash: bytes


class LogSource(Protocol):
    """Where the auditor reads a log from: a server's API or a tiles mirror."""

    def checkpoint(self) -> str: ...

    def entries(self, start: int, end: int) -> Iterator[tuple[int, bytes | Redacted]]: ...

    def consistency(self, old: int, new: int) -> list[bytes]: ...


@dataclass
class KeyRecord:
    organisation: str
    public_key: bytes
    purpose: str
    revoked: bool = False


@dataclass
class Replay:
    """State rebuilt from the entries; topics keep theirs under `state[topic]`."""

    group: str
    keys: dict[str, KeyRecord] = field(default_factory=dict)  # by fingerprint
    members: dict[str, str] = field(default_factory=dict)  # slug -> kind
    state: dict[str, Any] = field(default_factory=dict)
    signatures_checked: int = 0


# A replayer sees each entry (already signature-checked) and updates the replay state.
Replayer = Callable[[Replay, dict[str, Any]], None]
_REPLAYERS: list[Replayer] = []


class NoReplayers(RuntimeError):
    """A bug: an audit was asked for in a process that registered no topic's replayer."""


def register_replayer(replayer: Replayer) -> None:
    """Have every audit replay entries through `replayer` too (registering it again is a no-op)."""
    if replayer not in _REPLAYERS:
        _REPLAYERS.append(replayer)


def replayers() -> tuple[Replayer, ...]:
    """The topics' replayers, in the order registered; raises if there are none."""
    if not _REPLAYERS:
        raise NoReplayers("no topic has registered a replayer, so the audit would check "
                          "signatures but not what the entries did; call "
                          "corridor.wiring.register() first (the CLI does)")
    return tuple(_REPLAYERS)


def replay_groups(replay: Replay, entry: dict[str, Any]) -> None:
    payload = entry["payload"]
    if entry["type"] == "member.added":
        replay.members[payload["organisation"]] = payload["kind"]
    elif entry["type"] == "key.registered":
        replay.keys[payload["fingerprint"]] = KeyRecord(
            payload["organisation"], signing.decode_public_key(payload["public_key"]),
            payload["purpose"])
    elif entry["type"] == "key.revoked":
        record = replay.keys.get(payload["fingerprint"])
        if record is not None:
            record.revoked = True


def check_client_signature(replay: Replay, index: int, entry: dict[str, Any]) -> None:
    """A signed entry's statement must verify with a key the log registered to its signer."""
    sig = entry.get("signature")
    if sig is None:
        return
    fingerprint = sig.get("key")
    record = replay.keys.get(fingerprint)
    if record is None:
        raise AuditFailure("unknown-key", f"entry {index} is signed by key {fingerprint}, "
                           "which no earlier entry registered")
    if record.revoked:
        raise AuditFailure("revoked-key", f"entry {index} is signed by revoked key {fingerprint}")
    statement = sig.get("statement")
    signer = statement.get("party") if isinstance(statement, dict) else None
    if signer != record.organisation:
        raise AuditFailure("wrong-key-owner", f"entry {index}: key {fingerprint} belongs to "
                           f"{record.organisation}, but the statement is by {signer}")
    if not signing.verify_statement(record.public_key, statement, sig.get("value", "")):
        raise AuditFailure("forged-signature",
                           f"entry {index}: the client signature does not verify "
                           "(forged or altered)")
    replay.signatures_checked += 1


@dataclass
class AuditResult:
    size: int
    root: bytes
    checkpoint: str
    new_entries: int
    replay: Replay
    new_data: list[bytes] = field(default_factory=list)  # readable new entries, to keep
    redacted: int = 0


@dataclass
class AuditState:
    """What an auditor keeps between runs (in --state DIR)."""

    vkey: str
    size: int = 0
    root: str = ""  # base64
    checkpoint: str = ""
    right_edge: list[str] = field(default_factory=list)  # compact range, base64

    def to_json(self) -> dict[str, Any]:
        return vars(self).copy()


def verify_checkpoint(text: str, vkey: str) -> note.Checkpoint:
    """The checkpoint in a note, if the pinned log key signed it."""
    verifier = note.NoteVerifier.from_vkey(vkey)
    try:
        opened = note.open_note(text, [verifier])
    except note.NoteError as exc:
        raise AuditFailure("bad-checkpoint-signature",
                           f"the checkpoint is not signed by the pinned log key: {exc}") from exc
    cp = note.parse_checkpoint(opened.text)
    if cp.origin != vkey.split("+", 1)[0]:
        raise AuditFailure("wrong-origin", f"checkpoint origin {cp.origin!r} is not the pinned log")
    return cp


def audit(
    source: LogSource,
    state: AuditState,
    *,
    group: str,
    entries_seen: Callable[[int], None] | None = None,
    stored_entries: list[bytes] | None = None,
) -> AuditResult:
    """Run every check; raise AuditFailure at the first that fails. `stored_entries` are the
    entries accepted on earlier runs (replayed again, not re-downloaded)."""
    topics = replayers()  # before any request: an unwired auditor fails at once
    text = source.checkpoint()
    cp = verify_checkpoint(text, state.vkey)
    old_root = base64.b64decode(state.root) if state.root else b""
    if cp.size < state.size:
        raise AuditFailure("log-shrank", f"the log shrank from {state.size} to {cp.size} entries",
                           {"old_checkpoint": state.checkpoint, "new_checkpoint": text})
    if state.size and cp.size == state.size and cp.root_hash != old_root:
        raise AuditFailure("fork", f"two checkpoints of size {cp.size} with different roots: "
                           "the log was forked or rewritten",
                           {"old_checkpoint": state.checkpoint, "new_checkpoint": text})
    if state.size and cp.size > state.size:
        proof = source.consistency(state.size, cp.size)
        try:
            merkle.verify_consistency(state.size, cp.size, old_root, cp.root_hash, proof)
        except merkle.ProofError as exc:
            raise AuditFailure(
                "inconsistent", f"the checkpoint of size {cp.size} is not an extension of the "
                f"one of size {state.size} this auditor accepted: history was rewritten ({exc})",
                {"old_checkpoint": state.checkpoint, "new_checkpoint": text,
                 "proof": [base64.b64encode(p).decode() for p in proof]}) from exc

    tree = merkle.CompactRange.from_right_edge(
        state.size, [base64.b64decode(h) for h in state.right_edge])
    replay = Replay(group=group)
    for kept in stored_entries or []:
        _replay_entry(replay, None, kept, group, topics)
    new = redacted = 0
    expected = state.size
    new_data: list[bytes] = []
    for index, data in source.entries(state.size, cp.size):
        if index != expected:
            raise AuditFailure("reordered", f"expected entry {expected}, the server sent {index}")
        if isinstance(data, Redacted):
            tree.append(data.leaf_hash)
            redacted += 1
        else:
            _replay_entry(replay, index, data, group, topics)
            tree.append(merkle.leaf_hash(data))
            new_data.append(data)
        expected += 1
        new += 1
        if entries_seen:
            entries_seen(1)
    if expected != cp.size:
        raise AuditFailure("missing-entries", f"the server sent {expected} of {cp.size} entries")
    if tree.root() != cp.root_hash:
        raise AuditFailure("root-mismatch", "the entries do not hash to the checkpoint's root: "
                           "an entry was rewritten, dropped or reordered")
    state.size, state.checkpoint = cp.size, text
    state.root = base64.b64encode(cp.root_hash).decode()
    state.right_edge = [base64.b64encode(h).decode() for h in tree.right_edge()]
    return AuditResult(cp.size, cp.root_hash, text, new, replay, new_data, redacted)


def _replay_entry(replay: Replay, index: int | None, data: bytes, group: str,
                  topics: tuple[Replayer, ...]) -> None:
    """Check one entry's place and signature, then replay it (`index` None: kept from an
    earlier run, already placed)."""
    try:
        entry = json.loads(data)
    except ValueError as exc:
        raise AuditFailure("malformed-entry", f"entry {index} is not JSON") from exc
    if index is None:
        index = entry.get("seq", -1)
    # An entry's place is fixed by the tree; entries written before the log answered at
    # commit also state it as "seq", which must then agree.
    if ("seq" in entry and entry["seq"] != index) or entry.get("group") != group:
        raise AuditFailure("misplaced-entry",
                           f"entry {index} says it is entry {entry.get('seq')} of "
                           f"group {entry.get('group')!r}")
    check_client_signature(replay, index, entry)
    replay_groups(replay, entry)  # the auditor's own: who may sign what
    for replayer in topics:
        replayer(replay, entry)

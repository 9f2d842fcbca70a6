"""`corridor audit` against an honest server, and against servers that lie in each way the
product must catch: rewritten, dropped or reordered entries, forks, a foreign log key, forged
client signatures, and state that disagrees with the log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from corridor.client import Client
from corridor.config import Settings
from corridor.log import keyfile, merkle, note, signing
from corridor.log.audit import AuditFailure, AuditState, Redacted, audit
from corridor.log.canonical import canonicalize
from corridor.log.sources import ServerSource
from tests.factories import World
from tests.pauses_helpers import propose, register_key, signed

API = "/api/v1/groups/test-group"

# The log's own tests read the checkpoint right after a change: one is signed per change.
pytestmark = pytest.mark.checkpoint_per_change


def agreed_pause(client: TestClient, world: World) -> dict[str, Any]:
    pause = propose(client, world)
    for party in ("party-a", "party-b"):
        key = register_key(client, world, party)
        r = client.post(f"{API}/pauses/{pause['id']}/consents",
                        headers=world.auth(f"{party}.negotiator"),
                        json=signed(key, pause, party))
        assert r.status_code == 201, r.text
    return pause


def server(client: TestClient, world: World) -> ServerSource:
    return ServerSource(Client("", world.tokens["party-a.viewer"], http=client), "test-group")


class LyingLog:
    """A server that serves entries of its choosing under a checkpoint signed with `signer`."""

    def __init__(self, entries: list[bytes], signer: note.NoteSigner, origin: str) -> None:
        self.data = entries
        root = merkle.root([merkle.leaf_hash(e) for e in entries])
        body = note.Checkpoint(origin=origin, size=len(entries), root_hash=root).body()
        self.note = note.sign_note(body, [signer])

    def checkpoint(self) -> str:
        return self.note

    def entries(self, start: int, end: int) -> Iterator[tuple[int, bytes]]:
        for i in range(start, end):
            yield i, self.data[i]

    def consistency(self, old: int, new: int) -> list[bytes]:
        return merkle.consistency_proof([merkle.leaf_hash(e) for e in self.data], old, new)


def honest_entries(source: ServerSource, size: int) -> list[bytes]:
    out = []
    for _, data in source.entries(0, size):
        assert isinstance(data, bytes)  # party-a may read every entry of these tests
        out.append(data)
    return out


def log_signer(settings: Settings, world: World) -> note.NoteSigner:
    origin = world.group.log_verifier_key.split("+")[0]
    return keyfile.load_signer(settings.log_key_dir, slug="test-group", origin=origin)


def rewrite(data: bytes, change: Any) -> bytes:
    entry = json.loads(data)
    change(entry)
    return canonicalize(entry)


def test_an_honest_log_passes_and_the_replayed_pause_agrees_with_the_api(
    client: TestClient, world: World
) -> None:
    agreed_pause(client, world)
    state = AuditState(vkey=world.group.log_verifier_key)
    result = audit(server(client, world), state, group="test-group", stored_entries=[])
    assert result.replay.signatures_checked == 2
    assert result.replay.state["pauses"][1]["state"] == "agreed"
    from corridor.log.audit_compare import compare

    assert compare(Client("", world.tokens["party-a.viewer"], http=client), "test-group",
                   result.replay.state) == []
    # a second run continues from the saved checkpoint by a consistency proof
    propose(client, world)
    again = audit(server(client, world), state, group="test-group", stored_entries=[])
    assert again.new_entries >= 1


@pytest.mark.parametrize("attack", ["rewrite", "drop", "reorder"])
def test_a_rewritten_dropped_or_reordered_history_fails_the_consistency_check(
    client: TestClient, world: World, settings: Settings, attack: str
) -> None:
    agreed_pause(client, world)
    honest = server(client, world)
    state = AuditState(vkey=world.group.log_verifier_key)
    first = audit(honest, state, group="test-group", stored_entries=[])
    entries = honest_entries(honest, first.size)
    if attack == "rewrite":
        entries[5] = rewrite(entries[5], lambda e: e["payload"].update(role="admin"))
    elif attack == "drop":
        del entries[5]
        entries = [rewrite(d, lambda e, i=i: e.update(seq=i)) for i, d in enumerate(entries)]
    else:
        entries[5], entries[6] = entries[6], entries[5]
    while len(entries) <= first.size:  # the log "grew": the auditor asks for a consistency proof
        entries.append(entries[-1])
    liar = LyingLog(entries, log_signer(settings, world), state.checkpoint.split("\n")[0])
    with pytest.raises(AuditFailure) as failure:
        audit(liar, state, group="test-group", stored_entries=[])
    assert failure.value.kind == "inconsistent"
    assert set(failure.value.evidence) == {"old_checkpoint", "new_checkpoint", "proof"}


def test_a_fork_of_the_same_size_with_another_root_is_caught(
    client: TestClient, world: World, settings: Settings
) -> None:
    agreed_pause(client, world)
    honest = server(client, world)
    state = AuditState(vkey=world.group.log_verifier_key)
    first = audit(honest, state, group="test-group", stored_entries=[])
    entries = honest_entries(honest, first.size)
    entries[2] = rewrite(entries[2], lambda e: e["payload"].update(name="Forged"))
    liar = LyingLog(entries, log_signer(settings, world), state.checkpoint.split("\n")[0])
    with pytest.raises(AuditFailure) as failure:
        audit(liar, state, group="test-group", stored_entries=[])
    assert failure.value.kind == "fork"


def test_entries_that_do_not_match_the_checkpoint_are_caught_on_first_contact(
    client: TestClient, world: World
) -> None:
    agreed_pause(client, world)
    honest = server(client, world)

    class Tampering(ServerSource):
        def entries(self, start: int, end: int) -> Iterator[tuple[int, bytes | Redacted]]:
            for i, data in honest.entries(start, end):
                if i == 3 and isinstance(data, bytes):
                    data = rewrite(data, lambda e: e["payload"].update(x=1))
                yield i, data

    with pytest.raises(AuditFailure) as failure:
        audit(Tampering(honest.client, "test-group"),
              AuditState(vkey=world.group.log_verifier_key), group="test-group",
              stored_entries=[])
    assert failure.value.kind == "root-mismatch"


def test_a_checkpoint_signed_by_another_key_is_refused(client: TestClient, world: World) -> None:
    agreed_pause(client, world)
    honest = server(client, world)
    size = audit(honest, AuditState(vkey=world.group.log_verifier_key), group="test-group",
                 stored_entries=[]).size
    origin = world.group.log_verifier_key.split("+")[0]
    impostor = note.NoteSigner(origin, signing.generate_private_key())
    liar = LyingLog(honest_entries(honest, size), impostor, origin)
    with pytest.raises(AuditFailure) as failure:
        audit(liar, AuditState(vkey=world.group.log_verifier_key), group="test-group")
    assert failure.value.kind == "bad-checkpoint-signature"


def test_a_forged_client_signature_is_caught_even_under_a_valid_checkpoint(
    client: TestClient, world: World, settings: Settings
) -> None:
    agreed_pause(client, world)
    honest = server(client, world)
    size = audit(honest, AuditState(vkey=world.group.log_verifier_key), group="test-group",
                 stored_entries=[]).size
    entries = honest_entries(honest, size)
    consent = next(i for i, d in enumerate(entries) if json.loads(d)["type"] == "pause.consented")

    def forge(e: dict[str, Any]) -> None:
        e["signature"]["statement"]["decision"] = "decline"

    entries[consent] = rewrite(entries[consent], forge)
    origin = world.group.log_verifier_key.split("+")[0]
    liar = LyingLog(entries, log_signer(settings, world), origin)
    with pytest.raises(AuditFailure) as failure:
        audit(liar, AuditState(vkey=world.group.log_verifier_key), group="test-group")
    assert failure.value.kind == "forged-signature"


def test_an_agreement_the_signatures_do_not_support_is_reported(
    client: TestClient, world: World, settings: Settings
) -> None:
    pause = propose(client, world)
    honest = server(client, world)
    size = audit(honest, AuditState(vkey=world.group.log_verifier_key), group="test-group",
                 stored_entries=[]).size
    entries = honest_entries(honest, size)
    fake = {"seq": size, "time": "2030-01-01T00:00:00.000Z", "group": "test-group",
            "actor": {"organisation": None, "person": None, "key": None},
            "type": "pause.agreed", "payload": {"pause": pause["id"], "version": 1,
                                                "version_hash": pause["version_hash"]}}
    entries.append(canonicalize(fake))
    origin = world.group.log_verifier_key.split("+")[0]
    liar = LyingLog(entries, log_signer(settings, world), origin)
    result = audit(liar, AuditState(vkey=world.group.log_verifier_key), group="test-group")
    assert any("without the signatures" in p for p in result.replay.state["pause_problems"])


def test_the_audit_command_keeps_evidence_and_exits_non_zero(tmp_path: Path) -> None:
    from corridor.transparency.cli import _keep_evidence

    folder = _keep_evidence(tmp_path, AuditFailure("fork", "forked", {"old_checkpoint": "a",
                                                                      "new_checkpoint": "b"}))
    assert folder is not None and (folder / "old_checkpoint").read_text() == "a"


def test_another_humanitarians_notification_is_served_as_a_leaf_hash_and_still_audits(
    client: TestClient, world: World
) -> None:
    from tests.notifications_helpers import notify_site

    site = notify_site(client, world)  # by aid-one
    entries = client.get(f"{API}/log/entries", headers=world.auth("aid-two.viewer")).json()
    hidden = [e for e in entries["entries"] if e["data"] is None]
    assert hidden and all(e["leaf_hash"] for e in hidden)
    own = client.get(f"{API}/log/entries", headers=world.auth("aid-one.viewer")).json()
    assert all(e["data"] is not None for e in own["entries"])
    source = ServerSource(Client("", world.tokens["aid-two.viewer"], http=client), "test-group")
    result = audit(source, AuditState(vkey=world.group.log_verifier_key), group="test-group",
                   stored_entries=[])
    assert result.redacted == len(hidden) and site["id"]

"""The log over HTTP: a public signed checkpoint, entries, proofs that verify, cosignatures."""

from __future__ import annotations

import base64
import json
import time

import pytest
from fastapi.testclient import TestClient

from corridor.log import merkle, note, signing
from tests.factories import World

LOG = "/api/v1/groups/test-group/log"

# The log's own tests read the checkpoint right after a change: one is signed per change.
pytestmark = pytest.mark.checkpoint_per_change


def checkpoint(client: TestClient) -> tuple[str, note.Checkpoint]:
    r = client.get(f"{LOG}/checkpoint")
    assert r.status_code == 200, r.text
    return r.text, note.parse_checkpoint(note.parse_note_text(r.text))


def test_the_checkpoint_is_public_and_signed_by_the_groups_log_key(
    client: TestClient, world: World
) -> None:
    text, _ = checkpoint(client)
    opened = note.open_note(text, [note.NoteVerifier.from_vkey(world.group.log_verifier_key)])
    assert opened.text.startswith("corridor.local/test-group\n")


def test_entries_hash_to_the_checkpoint_root_and_the_first_registers_the_log_key(
    client: TestClient, world: World
) -> None:
    _, cp = checkpoint(client)
    r = client.get(f"{LOG}/entries", params={"start": 0, "end": cp.size},
                   headers=world.auth("donor.viewer"))
    entries = r.json()["entries"]
    assert [e["index"] for e in entries] == list(range(cp.size))
    first = json.loads(entries[0]["data"])
    assert first["type"] == "group.created"
    assert first["payload"]["log_verifier_key"] == world.group.log_verifier_key
    leaves = [merkle.leaf_hash(e["data"].encode()) for e in entries]
    assert merkle.root(leaves) == cp.root_hash


def test_inclusion_and_consistency_proofs_from_the_server_verify(
    client: TestClient, world: World
) -> None:
    _, cp = checkpoint(client)
    auth = world.auth("party-a.viewer")
    entries = client.get(f"{LOG}/entries", params={"start": 0}, headers=auth).json()["entries"]
    for index in (0, cp.size // 2, cp.size - 1):
        proof = client.get(f"{LOG}/proofs/inclusion", params={"index": index, "size": cp.size},
                           headers=auth).json()
        merkle.verify_inclusion(
            merkle.leaf_hash(entries[index]["data"].encode()), index, cp.size,
            [base64.b64decode(p) for p in proof["proof"]], cp.root_hash)
    by_hash = client.get(f"{LOG}/proofs/inclusion", headers=auth, params={
        "leaf_hash": proof["leaf_hash"], "size": cp.size}).json()
    assert by_hash["index"] == cp.size - 1
    old = 3
    c = client.get(f"{LOG}/proofs/consistency", params={"from": old, "to": cp.size},
                   headers=auth).json()
    old_root = merkle.root([merkle.leaf_hash(e["data"].encode()) for e in entries[:old]])
    assert base64.b64decode(c["from_root"]) == old_root
    merkle.verify_consistency(old, cp.size, old_root, cp.root_hash,
                              [base64.b64decode(p) for p in c["proof"]])


def test_a_proof_for_a_size_beyond_the_tree_is_refused(client: TestClient, world: World) -> None:
    r = client.get(f"{LOG}/proofs/inclusion", params={"index": 0, "size": 10**9},
                   headers=world.auth("party-a.viewer"))
    assert r.status_code == 422 and r.json()["field"] == "size"


def test_an_inclusion_proof_takes_the_leaf_hash_as_the_by_hash_route_does(
    client: TestClient, world: World
) -> None:
    """URL-safe base64 without padding (what a URL carries) finds the entry; a hash of the wrong
    length is refused by name, as `…/entries/by-hash/` refuses it."""
    _, cp = checkpoint(client)
    auth = world.auth("party-a.viewer")
    last = client.get(f"{LOG}/proofs/inclusion", params={"index": cp.size - 1, "size": cp.size},
                      headers=auth).json()
    url_safe = last["leaf_hash"].replace("+", "-").replace("/", "_").rstrip("=")
    found = client.get(f"{LOG}/proofs/inclusion", headers=auth,
                       params={"leaf_hash": url_safe, "size": cp.size})
    assert found.status_code == 200 and found.json()["index"] == cp.size - 1
    short = client.get(f"{LOG}/proofs/inclusion", headers=auth,
                       params={"leaf_hash": base64.b64encode(b"x" * 31).decode(), "size": cp.size})
    assert short.status_code == 422 and "32" in short.json()["detail"]


def test_entries_need_a_member_token(client: TestClient, world: World) -> None:
    assert client.get(f"{LOG}/entries").status_code == 401


def test_a_witness_cosignature_is_checked_and_served_with_the_checkpoint(
    client: TestClient, world: World
) -> None:
    key = signing.generate_private_key()
    admin = world.auth("party-a.admin")
    r = client.post("/api/v1/groups/test-group/members/party-a/keys", headers=admin, json={
        "public_key": signing.encode_public_key(signing.public_key_bytes(key)),
        "purpose": "witness"})
    assert r.status_code == 201
    text, cp = checkpoint(client)
    body = note.parse_note_text(text)
    signer = note.CosignatureSigner("test-group/party-a", key)
    line = note.cosign(body, signer, int(time.time()))
    operator = world.auth("party-a.operator")
    r = client.post(f"{LOG}/cosignatures", headers=operator,
                    json={"size": cp.size, "cosignature": line})
    assert r.status_code == 201, r.text
    served = client.get(f"{LOG}/checkpoint").text
    assert line.strip() in served
    assert note.verify_cosignature(body, line, signer.verifier()) > 0
    # someone else's key, or a checkpoint the server never issued, is refused
    forged = note.cosign(body, note.CosignatureSigner("test-group/party-a",
                                                      signing.generate_private_key()), 1)
    r = client.post(f"{LOG}/cosignatures", headers=operator,
                    json={"size": cp.size, "cosignature": forged})
    assert r.status_code == 422
    r = client.post(f"{LOG}/cosignatures", headers=operator,
                    json={"size": cp.size + 1000, "cosignature": line})
    assert r.status_code == 404

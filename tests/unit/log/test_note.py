"""Signed notes, checkpoints and cosignatures against the C2SP/Go vectors and Tessera's log."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.log import merkle, note, signing
from tests.unit.log import conformance
from tests.unit.log.reference import open_checkpoint

VECTORS: list[dict[str, Any]] = conformance.load("checkpoints", "signed_note_vectors.json")[
    "vectors"
]
CHECKPOINTS = [conformance.TESSERA_LOG / f"checkpoint.{n}" for n in range(16)]


def _vector(source_prefix: str) -> dict[str, Any]:
    return next(v for v in VECTORS if v["source"].startswith(source_prefix))


# --- The published vectors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS if "signed_note" in v], ids=lambda v: v["vkey"]
)
def test_every_signed_note_vector_opens_with_its_verifier_key(vector: dict[str, Any]) -> None:
    verifier = note.NoteVerifier.from_vkey(vector["vkey"])
    opened = note.open_note(vector["signed_note"], [verifier])
    assert [s.name for s in opened.verified] == [verifier.name]
    assert vector["signed_note"].startswith(opened.text + "\n")


def test_signing_the_go_vector_text_reproduces_its_signed_note_exactly() -> None:
    vector = _vector("golang/mod sumdb/note/note_test.go TestSign")
    signer = note.NoteSigner.from_skey(vector["skey"])
    assert signer.verifier().vkey() == vector["vkey"]
    assert note.sign_note(vector["text"], [signer]) == vector["signed_note"]


def test_a_signature_by_an_unknown_key_is_kept_but_not_trusted() -> None:
    vector = _vector("golang/mod sumdb/note/note_test.go TestOpen")
    opened = note.open_note(vector["signed_note"], [note.NoteVerifier.from_vkey(vector["vkey"])])
    assert [s.name for s in opened.verified] == ["EnochRoot"]
    assert len(opened.unverified) == 1 and opened.unverified[0].startswith("— PeterNeumann ")


def test_the_tessera_signer_key_derives_the_verifier_key_of_the_readme() -> None:
    vector = _vector("transparency-dev/tessera")
    assert vector["vkey"] == conformance.TESSERA_VKEY
    signer = note.NoteSigner.from_skey(vector["skey"])
    assert signer.verifier().vkey() == conformance.TESSERA_VKEY
    assert note.signer_key(signer.name, signer.key) == vector["skey"]


@pytest.mark.parametrize("path", CHECKPOINTS, ids=lambda p: p.name)
def test_every_tessera_checkpoint_verifies_and_re_signs_to_the_same_bytes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    log = note.NoteVerifier.from_vkey(conformance.TESSERA_VKEY)
    checkpoint, opened = open_checkpoint(text, log)
    assert checkpoint.origin == "example.com/log/testdata"
    assert checkpoint.size == int(path.name.split(".")[1])
    assert checkpoint.body() == opened.text
    signer = note.NoteSigner.from_skey(_vector("transparency-dev/tessera")["skey"])
    assert note.sign_note(checkpoint.body(), [signer]) == text


# --- Refusals --------------------------------------------------------------------------------


def _signed(text: str = "hello\n") -> tuple[str, note.NoteSigner]:
    signer = note.NoteSigner("example.com/test", signing.generate_private_key())
    return note.sign_note(text, [signer]), signer


@pytest.mark.parametrize(
    "mangle",
    [
        lambda n: n.replace("\n\n", "\n"),
        lambda n: n[:-1],
        lambda n: n.replace("hello", "hel\x01lo"),
        lambda n: n.replace("— ", "-- "),
        lambda n: n.replace("example.com/test ", "example.com/test  "),
        lambda n: n[:-6] + "!!==\n",
        lambda n: n.replace("example.com/test", "example com/test"),
        lambda n: n + n.split("\n\n")[1] * 100,
    ],
    ids=[
        "no-blank-line",
        "no-final-newline",
        "control-character",
        "hyphens-not-em-dash",
        "double-space",
        "bad-base64",
        "space-in-name",
        "over-100-signatures",
    ],
)
def test_a_malformed_note_is_refused(mangle: Any) -> None:
    signed, signer = _signed()
    with pytest.raises(note.NoteError):
        note.open_note(mangle(signed), [signer.verifier()])


def test_a_note_whose_known_signature_fails_is_refused_even_with_another_valid_one() -> None:
    _, signer = _signed()
    other = note.NoteSigner("example.com/other", signing.generate_private_key())
    both = note.sign_note("hello\n", [signer, other])
    tampered = both.replace("hello", "jello")
    with pytest.raises(note.NoteError, match="invalid signature"):
        note.open_note(tampered, [signer.verifier()])
    assert note.open_note(both, [signer.verifier(), other.verifier()]).text == "hello\n"


def test_a_note_signed_by_no_known_key_is_refused() -> None:
    signed, _ = _signed()
    stranger = note.NoteSigner("example.com/test", signing.generate_private_key())
    with pytest.raises(note.NoteError, match="no signature by a known key"):
        note.open_note(signed, [stranger.verifier()])


@pytest.mark.parametrize(
    "vkey",
    [
        "example.com/log/testdata+33d7b497+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx",
        "example.com/log/testdata+33d7b496+BOHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx",
        "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkk",
        "example.com/log/testdata+33d7b496",
        "+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx",
    ],
    ids=["wrong-key-id", "wrong-type", "truncated-key", "no-key", "no-name"],
)
def test_a_malformed_verifier_key_is_refused(vkey: str) -> None:
    with pytest.raises(note.NoteError):
        note.NoteVerifier.from_vkey(vkey)


def test_a_verifier_key_with_an_uppercase_key_id_is_accepted_as_go_does() -> None:
    upper = conformance.TESSERA_VKEY.replace("33d7b496", "33D7B496")
    assert note.NoteVerifier.from_vkey(upper).vkey() == conformance.TESSERA_VKEY


# --- Checkpoints -----------------------------------------------------------------------------

ROOT_B64 = base64.b64encode(merkle.EMPTY_ROOT).decode()


@pytest.mark.parametrize(
    "body",
    [
        f"log\n015\n{ROOT_B64}\n",
        f"log\n+15\n{ROOT_B64}\n",
        f"log\n 15\n{ROOT_B64}\n",
        f"log\n١٥\n{ROOT_B64}\n",
        f"log\n{2**64}\n{ROOT_B64}\n",
        f"log\n15\n{ROOT_B64[:-1]}\n",
        f"log\n15\n{base64.b64encode(bytes(31)).decode()}\n",
        f"log\n15\n{ROOT_B64[:-2]}V=\n",  # same bytes as ...U=, but stray low bits set
        f"log\n15\n{ROOT_B64}\n\nextension\n",
        f"log\n15\n{ROOT_B64}",
        "log\n15\n",
        f"\n15\n{ROOT_B64}\n",
        f"log\r\n15\n{ROOT_B64}\n",
    ],
    ids=[
        "leading-zero",
        "plus-sign",
        "space",
        "arabic-digits",
        "size-2^64",
        "truncated-root",
        "31-byte-root",
        "non-canonical-base64",
        "empty-extension-line",
        "no-final-newline",
        "no-root",
        "empty-origin",
        "carriage-return",
    ],
)
def test_a_checkpoint_body_in_any_but_the_canonical_spelling_is_refused(body: str) -> None:
    with pytest.raises(note.NoteError):
        note.parse_checkpoint(body)


@settings(max_examples=50, deadline=None)
@given(
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30),
    st.integers(0, 2**64 - 1),
    st.binary(min_size=32, max_size=32),
    st.lists(
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1), max_size=3
    ),
)
def test_a_checkpoint_body_parses_back_to_itself(
    origin: str, size: int, root: bytes, extensions: list[str]
) -> None:
    checkpoint = note.Checkpoint(origin, size, root, tuple(extensions))
    assert note.parse_checkpoint(checkpoint.body()) == checkpoint


def test_a_checkpoint_must_be_signed_by_the_log_and_carry_its_origin() -> None:
    log = note.NoteSigner("example.com/log", signing.generate_private_key())
    witness = note.CosignatureSigner("example.com/witness", signing.generate_private_key())
    body = note.Checkpoint("example.com/log", 3, bytes(32)).body()
    only_witness = body + "\n" + note.cosign(body, witness, 1_700_000_000) + "\n"
    with pytest.raises(note.NoteError, match="not signed by the log"):
        open_checkpoint(only_witness, log.verifier(), [witness.verifier()])
    elsewhere = note.sign_note(note.Checkpoint("example.com/other", 3, bytes(32)).body(), [log])
    with pytest.raises(note.NoteError, match="origin"):
        open_checkpoint(elsewhere, log.verifier())


# --- Cosignatures ----------------------------------------------------------------------------


def test_the_spec_example_cosignature_is_key_id_then_timestamp_then_signature() -> None:
    line = (
        "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJs"
        "X3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA=="
    )
    raw = base64.b64decode(line.split(" ")[2])
    assert len(raw) == 4 + 8 + 64
    assert int.from_bytes(raw[4:12], "big") == 1679315147  # "time 1679315147" in the spec


def _witness() -> note.CosignatureSigner:
    return note.CosignatureSigner("witness.example/w1", signing.generate_private_key())


BODY = note.Checkpoint("example.com/log", 20852163, bytes(range(32)), ("ext",)).body()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**63 - 1), st.integers(0, 2**40), st.binary(min_size=32, max_size=32))
def test_a_cosignature_round_trips_with_its_timestamp(
    timestamp: int, size: int, root: bytes
) -> None:
    witness = _witness()
    body = note.Checkpoint("example.com/log", size, root).body()
    line = note.cosign(body, witness, timestamp)
    assert note.verify_cosignature(body, line, witness.verifier()) == timestamp
    assert witness.verifier().verify_line(body, line + "\n") == timestamp


def test_a_cosignature_verifies_inside_a_note_beside_the_log_signature() -> None:
    log = note.NoteSigner("example.com/log", signing.generate_private_key())
    witness = _witness()
    body = note.Checkpoint("example.com/log", 5, bytes(32)).body()
    cosigned = note.sign_note(body, [log]) + note.cosign(body, witness, 1_700_000_000) + "\n"
    _, opened = open_checkpoint(cosigned, log.verifier(), [witness.verifier()])
    assert {s.name for s in opened.verified} == {"example.com/log", "witness.example/w1"}
    _, log_only = open_checkpoint(cosigned, log.verifier())
    assert len(log_only.unverified) == 1  # the witness line travels on, untrusted


@pytest.mark.parametrize(
    "tamper",
    ["body", "timestamp", "name", "key", "truncated", "log-key-type", "prefix"],
)
def test_a_tampered_cosignature_is_detected(tamper: str) -> None:
    witness = _witness()
    line = note.cosign(BODY, witness, 1_700_000_000)
    verifier = witness.verifier()
    body = BODY
    prefix, name, b64 = line.split(" ")
    raw = base64.b64decode(b64)
    if tamper == "body":
        body = BODY.replace("20852163", "20852164")
    elif tamper == "timestamp":
        stamped = raw[:4] + (1_700_000_001).to_bytes(8, "big") + raw[12:]
        line = f"{prefix} {name} {base64.b64encode(stamped).decode()}"
    elif tamper == "name":
        line = f"{prefix} witness.example/w2 {b64}"
    elif tamper == "key":
        verifier = note.CosignatureVerifier(verifier.name, signing.public_key_bytes(_witness().key))
    elif tamper == "truncated":
        line = f"{prefix} {name} {base64.b64encode(raw[:-1]).decode()}"
    elif tamper == "log-key-type":
        # The same key as a 0x01 note key has another key ID: the line is not its signature.
        as_note_key = note.key_id(name, note.SIG_ED25519, verifier.public_raw)
        line = f"{prefix} {name} {base64.b64encode(as_note_key + raw[4:]).decode()}"
    else:
        line = line.removeprefix("— ")
    with pytest.raises(note.NoteError):
        note.verify_cosignature(body, line, verifier)
    assert verifier.verify_line(body, line) is None


def test_a_cosigner_vkey_round_trips_and_differs_from_the_note_vkey() -> None:
    witness = _witness()
    vkey = witness.verifier().vkey()
    assert note.CosignatureVerifier.from_vkey(vkey) == witness.verifier()
    assert vkey.split("+")[2].startswith("B")  # base64 of 0x04 ...
    with pytest.raises(note.NoteError):
        note.NoteVerifier.from_vkey(vkey)


@pytest.mark.parametrize("timestamp", [-1, 2**63])
def test_a_cosignature_timestamp_outside_0_to_2_63_is_refused(timestamp: int) -> None:
    with pytest.raises(ValueError):
        note.cosign(BODY, _witness(), timestamp)


def test_only_a_well_formed_checkpoint_is_cosigned() -> None:
    with pytest.raises(note.NoteError):
        note.cosign("not a checkpoint\n", _witness(), 1)

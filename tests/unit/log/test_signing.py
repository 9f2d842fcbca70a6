"""Ed25519 keys: fingerprints, base64 public keys, PKCS#8 key files, signed statements."""

from __future__ import annotations

import base64
import hashlib
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from corridor.errors import InvalidInput
from corridor.log import signing
from corridor.log.canonical import CanonicalError


def test_a_fingerprint_is_openssh_style_sha256_of_the_raw_key() -> None:
    raw = bytes(range(32))
    digest = base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")
    assert signing.fingerprint(raw) == f"SHA256:{digest}"
    assert re.fullmatch(r"SHA256:[A-Za-z0-9+/]{43}", signing.fingerprint(raw))


def test_public_keys_round_trip_through_padded_base64() -> None:
    key = signing.generate_private_key()
    raw = signing.public_key_bytes(key)
    assert raw == signing.public_key_bytes(key.public_key())
    text = signing.encode_public_key(raw)
    assert len(text) == 44 and text.endswith("=")
    assert signing.decode_public_key(text) == raw


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64!",
        base64.b64encode(bytes(31)).decode(),
        base64.b64encode(bytes(33)).decode(),
        base64.b64encode(bytes(32)).decode().rstrip("="),
        "AAAA AAAA",
    ],
    ids=["empty", "not-base64", "31-bytes", "33-bytes", "unpadded", "spaces"],
)
def test_a_malformed_public_key_is_invalid_input_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        signing.decode_public_key(text)
    assert caught.value.field == "/public_key"


def test_a_private_key_file_is_pkcs8_pem_readable_only_by_its_owner(tmp_path: Path) -> None:
    key = signing.generate_private_key()
    path = tmp_path / "log.pem"
    signing.write_private_key(path, key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----\n")
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    again = signing.read_private_key(path)
    assert signing.public_key_bytes(again) == signing.public_key_bytes(key)


def test_an_existing_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "log.pem"
    signing.write_private_key(path, signing.generate_private_key())
    before = path.read_bytes()
    with pytest.raises(signing.KeyFileError, match="already exists"):
        signing.write_private_key(path, signing.generate_private_key())
    assert path.read_bytes() == before


def test_reading_a_missing_key_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(signing.KeyFileError, match="no private key file"):
        signing.read_private_key(tmp_path / "absent.pem")


def test_reading_a_key_that_is_not_ed25519_says_so(tmp_path: Path) -> None:
    path = tmp_path / "ec.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(signing.KeyFileError, match="not an Ed25519"):
        signing.read_private_key(path)


@pytest.mark.parametrize("content", [b"", b"hello", b"-----BEGIN PRIVATE KEY-----\nxx\n"])
def test_reading_a_file_that_is_not_a_pem_key_says_so(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.pem"
    path.write_bytes(content)
    with pytest.raises(signing.KeyFileError, match="not a PEM PKCS#8"):
        signing.read_private_key(path)


def test_an_encrypted_key_file_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "enc.pem"
    path.write_bytes(
        signing.generate_private_key().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    with pytest.raises(signing.KeyFileError, match="encrypted"):
        signing.read_private_key(path)


def test_a_signature_verifies_only_for_its_key_and_message() -> None:
    key, other = signing.generate_private_key(), signing.generate_private_key()
    raw = signing.public_key_bytes(key)
    signature = signing.sign(key, b"pause 7 agreed")
    assert signing.verify(raw, b"pause 7 agreed", signature)
    assert not signing.verify(raw, b"pause 8 agreed", signature)
    assert not signing.verify(signing.public_key_bytes(other), b"pause 7 agreed", signature)
    assert not signing.verify(raw, b"pause 7 agreed", signature[:-1])
    assert not signing.verify(raw[:31], b"pause 7 agreed", signature)


def test_a_signed_statement_verifies_whatever_its_key_order() -> None:
    key = signing.generate_private_key()
    raw = signing.public_key_bytes(key)
    signature = signing.sign_statement(key, {"pause": 7, "action": "agree", "at": "2026-01-01"})
    assert signing.verify_statement(
        raw, {"at": "2026-01-01", "action": "agree", "pause": 7}, signature
    )


def test_a_changed_statement_or_garbled_signature_does_not_verify() -> None:
    key = signing.generate_private_key()
    raw = signing.public_key_bytes(key)
    signature = signing.sign_statement(key, {"pause": 7, "action": "agree"})
    assert not signing.verify_statement(raw, {"pause": 7, "action": "reject"}, signature)
    assert not signing.verify_statement(raw, {"pause": 7, "action": "agree"}, "%%%")
    assert not signing.verify_statement(raw, {"pause": 7, "action": "agree"}, signature[:-4])


def test_a_statement_without_canonical_form_cannot_be_signed() -> None:
    with pytest.raises(CanonicalError):
        signing.sign_statement(signing.generate_private_key(), {"count": float("nan")})

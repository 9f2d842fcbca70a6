"""Ed25519 keys and signatures: raw public keys, printable fingerprints, PKCS#8 key files."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from corridor.errors import CorridorError, InvalidInput
from corridor.log.canonical import canonicalize

PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64


class KeyFileError(CorridorError):
    """A private key file that is missing, already there, or not an Ed25519 PKCS#8 key."""

    type = "key-file"
    title = "Key file unusable"
    kind = "unavailable"


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The raw 32-byte public key (of a private key, or of a public key object)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_raw: bytes) -> str:
    """`SHA256:` + unpadded base64 of SHA-256(raw key): the OpenSSH form people compare."""
    digest = hashlib.sha256(public_raw).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def encode_public_key(public_raw: bytes) -> str:
    if len(public_raw) != PUBLIC_KEY_SIZE:
        raise ValueError(f"an Ed25519 public key is {PUBLIC_KEY_SIZE} bytes, not {len(public_raw)}")
    return base64.b64encode(public_raw).decode()


def decode_public_key(text: str) -> bytes:
    """The raw key from padded standard base64; InvalidInput on field `public_key` otherwise."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise InvalidInput(
            "public_key is not standard base64 (44 characters ending in '=')", field="/public_key"
        ) from e
    if len(raw) != PUBLIC_KEY_SIZE:
        raise InvalidInput(
            f"public_key decodes to {len(raw)} bytes; an Ed25519 public key is "
            f"{PUBLIC_KEY_SIZE} bytes",
            field="/public_key",
        )
    return raw


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """Write `key` as unencrypted PEM PKCS#8 (which WebCrypto imports), mode 0600.

    The key appears complete or not at all (written beside it, then linked into place), and an
    existing file is never replaced: losing a log key would orphan every checkpoint it signed.
    """
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = Path(path)
    if path.exists():
        raise KeyFileError(f"{path} already exists; refusing to overwrite a private key")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # fails if `path` appeared meanwhile, unlike rename
        except FileExistsError as e:
            raise KeyFileError(f"{path} already exists; refusing to overwrite a private key") from e
    finally:
        tmp.unlink(missing_ok=True)


def read_private_key(path: Path) -> Ed25519PrivateKey:
    """Load an Ed25519 PEM PKCS#8 key; KeyFileError saying what is wrong otherwise."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise KeyFileError(f"no private key file at {path}") from e
    except OSError as e:
        raise KeyFileError(f"cannot read the private key file {path}: {e.strerror}") from e
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as e:
        raise KeyFileError(f"{path} is encrypted; Corridor needs an unencrypted key") from e
    except (ValueError, UnsupportedAlgorithm) as e:
        raise KeyFileError(f"{path} is not a PEM PKCS#8 private key") from e
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an Ed25519 private key")
    return key


def sign(key: Ed25519PrivateKey, message: bytes) -> bytes:
    return key.sign(message)


def verify(public_raw: bytes, message: bytes, signature: bytes) -> bool:
    """Whether `signature` is `public_raw`'s Ed25519 signature of `message` (False if malformed)."""
    if len(public_raw) != PUBLIC_KEY_SIZE or len(signature) != SIGNATURE_SIZE:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def sign_statement(key: Ed25519PrivateKey, statement: dict[str, Any]) -> str:
    """Base64 signature over the statement's canonical JSON (CanonicalError if it has none)."""
    return base64.b64encode(sign(key, canonicalize(statement))).decode()


def verify_statement(public_raw: bytes, statement: dict[str, Any], signature_b64: str) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    return verify(public_raw, canonicalize(statement), signature)

"""C2SP signed notes (Ed25519), tlog checkpoints, and tlog-cosignature/v1 witness cosignatures.

Formats: https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint and
https://c2sp.org/tlog-cosignature, as implemented by golang.org/x/mod/sumdb/note.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from corridor.errors import InvalidSignature
from corridor.log import signing

SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04
# Go's note.Open refuses more than 100 signatures; the spec asks for at least 16.
MAX_SIGNATURES = 100
MAX_TIMESTAMP = 2**63 - 1
_DASH = "— "
_SIZE = re.compile(r"0|[1-9][0-9]*")


class NoteError(InvalidSignature):
    """A signed note that is malformed, or that no known key validly signed."""

    title = "Signed note refused"


# --- Keys -------------------------------------------------------------------------------------


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _check_name(name: str) -> None:
    if not _valid_name(name):
        raise ValueError(f"key name {name!r} must be non-empty, without spaces or '+'")


def key_id(name: str, sig_type: int, public_raw: bytes) -> bytes:
    """SHA-256(name || 0x0A || type || public key)[:4], the ID that prefixes each signature."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public_raw).digest()[:4]


def verifier_key(name: str, public_raw: bytes, sig_type: int = SIG_ED25519) -> str:
    """The vkey string `name+hex(keyID)+base64(type || public key)`."""
    _check_name(name)
    material = base64.b64encode(bytes([sig_type]) + public_raw).decode()
    return f"{name}+{key_id(name, sig_type, public_raw).hex()}+{material}"


def signer_key(name: str, key: Ed25519PrivateKey) -> str:
    """The Go skey string `PRIVATE+KEY+name+hex(keyID)+base64(0x01 || seed)`."""
    _check_name(name)
    seed = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    kid = key_id(name, SIG_ED25519, signing.public_key_bytes(key)).hex()
    return f"PRIVATE+KEY+{name}+{kid}+{base64.b64encode(bytes([SIG_ED25519]) + seed).decode()}"


def _parse_key(text: str, sig_type: int, what: str) -> tuple[str, bytes, bytes]:
    """(name, key ID, 32 key bytes) of a vkey/skey body; base64 may contain '+', so split twice."""
    parts = text.split("+", 2)
    if (
        len(parts) != 3
        or not _valid_name(parts[0])
        or not re.fullmatch(r"[0-9a-fA-F]{8}", parts[1])
    ):
        raise NoteError(f"malformed {what}: want name+hex8+base64", field=what)
    try:
        material = base64.b64decode(parts[2], validate=True)
    except (binascii.Error, ValueError) as e:
        raise NoteError(f"malformed {what}: key is not base64", field=what) from e
    if len(material) != 33 or material[0] != sig_type:
        raise NoteError(
            f"{what} is not a 32-byte key of signature type 0x{sig_type:02x}", field=what
        )
    return parts[0], bytes.fromhex(parts[1]), material[1:]


class Verifier(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def key_id(self) -> bytes: ...
    def verify(self, message: bytes, signature: bytes) -> bool: ...


@dataclass(frozen=True)
class NoteVerifier:
    """An Ed25519 (type 0x01) note verifier."""

    name: str
    public_raw: bytes
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        object.__setattr__(self, "key_id", key_id(self.name, SIG_ED25519, self.public_raw))

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        name, kid, public = _parse_key(vkey, SIG_ED25519, "verifier key")
        verifier = cls(name, public)
        if verifier.key_id != kid:
            raise NoteError("verifier key ID does not match its name and key", field="verifier key")
        return verifier

    def vkey(self) -> str:
        return verifier_key(self.name, self.public_raw)

    def verify(self, message: bytes, signature: bytes) -> bool:
        return signing.verify(self.public_raw, message, signature)


class NoteSigner:
    """An Ed25519 (type 0x01) note signer; a log signs its checkpoints with one."""

    def __init__(self, name: str, key: Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self.key = key
        self.public_raw = signing.public_key_bytes(key)
        self.key_id = key_id(name, SIG_ED25519, self.public_raw)

    @classmethod
    def from_skey(cls, skey: str) -> NoteSigner:
        if not skey.startswith("PRIVATE+KEY+"):
            raise NoteError("malformed signer key: want PRIVATE+KEY+...", field="signer key")
        name, kid, seed = _parse_key(skey.removeprefix("PRIVATE+KEY+"), SIG_ED25519, "signer key")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(seed))
        if signer.key_id != kid:
            raise NoteError("signer key ID does not match its name and key", field="signer key")
        return signer

    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.public_raw)

    def sign(self, message: bytes) -> bytes:
        return signing.sign(self.key, message)


# --- Notes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes  # after the key ID


@dataclass(frozen=True)
class OpenedNote:
    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[str, ...]  # whole lines by keys we do not know, kept to pass on


def _signature_line(name: str, kid: bytes, signature: bytes) -> str:
    return f"{_DASH}{name} {base64.b64encode(kid + signature).decode()}"


def sign_note(text: str, signers: Sequence[NoteSigner]) -> str:
    """The signed note: `text` (ending in a newline), a blank line, one line per signer."""
    if not text.endswith("\n"):
        raise ValueError("note text must end with a newline")
    _check_chars(text)
    message = text.encode()
    lines = [_signature_line(s.name, s.key_id, s.sign(message)) + "\n" for s in signers]
    return text + "\n" + "".join(lines)


def _check_chars(note: str) -> None:
    # Control characters and invalid UTF-8 could make two parties read different texts.
    if any(c < " " and c != "\n" for c in note):
        raise NoteError("a signed note may not contain control characters other than newline")
    try:
        note.encode()
    except UnicodeEncodeError as e:
        raise NoteError("a signed note must be valid UTF-8") from e


def _split(note: str) -> tuple[str, list[tuple[str, NoteSignature]]]:
    _check_chars(note)
    at = note.rfind("\n\n")
    if at < 0:
        raise NoteError("not a signed note: no blank line before the signatures")
    text, block = note[: at + 1], note[at + 2 :]
    if not block.endswith("\n"):
        raise NoteError("a signed note must end with a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a signed note may carry at most {MAX_SIGNATURES} signatures")
    parsed = []
    for line in lines:
        name, _, b64 = line.removeprefix(_DASH).partition(" ")
        try:
            raw = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if not line.startswith(_DASH) or not _valid_name(name) or len(raw) < 5:
            raise NoteError(f"malformed signature line {line[:80]!r}")
        parsed.append((line, NoteSignature(name, raw[:4], raw[4:])))
    return text, parsed


def parse_note_text(note: str) -> str:
    """The text of a well-formed signed note, without checking any signature."""
    return _split(note)[0]


def open_note(note: str, verifiers: Sequence[Verifier]) -> OpenedNote:
    """Check every signature by a known key; NoteError unless at least one verifies and none fails.

    Lines by unknown keys are kept but not trusted (a log's note may carry anyone's cosignature).
    """
    text, parsed = _split(note)
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        if (v.name, v.key_id) in known:
            raise NoteError(f"two verifiers share the key {v.name}+{v.key_id.hex()}")
        known[(v.name, v.key_id)] = v
    message = text.encode()
    verified: dict[tuple[str, bytes], NoteSignature] = {}
    unverified: dict[str, None] = {}
    for line, sig in parsed:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            unverified[line] = None
        elif (sig.name, sig.key_id) not in verified:
            if not verifier.verify(message, sig.signature):
                raise NoteError(f"invalid signature by the key {sig.name}+{sig.key_id.hex()}")
            verified[(sig.name, sig.key_id)] = sig
    if not verified:
        raise NoteError("the note carries no signature by a known key")
    return OpenedNote(text, tuple(verified.values()), tuple(unverified))


# --- Checkpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A tlog-checkpoint body: origin, tree size, root hash and opaque extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "extensions", tuple(self.extensions))
        if not self.origin or "\n" in self.origin:
            raise ValueError("a checkpoint origin is one non-empty line")
        if not 0 <= self.size < 2**64:
            raise ValueError(f"tree size {self.size} is outside 0..2^64-1")
        if len(self.root_hash) != 32:
            raise ValueError("a checkpoint root hash is 32 bytes")
        if any(not e or "\n" in e for e in self.extensions):
            raise ValueError("checkpoint extension lines are non-empty single lines")

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """The checkpoint in a note text, refusing anything but the one canonical spelling."""
    if not text.endswith("\n") or any(c < " " and c != "\n" for c in text):
        raise NoteError("a checkpoint is newline-terminated lines without control characters")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise NoteError("a checkpoint has an origin, a size and a root hash on non-empty lines")
    origin, size, root_b64, *extensions = lines
    if not _SIZE.fullmatch(size) or int(size) >= 2**64:
        raise NoteError(f"checkpoint size {size[:30]!r} is not a decimal without leading zeros")
    try:
        root = base64.b64decode(root_b64, validate=True)
    except (binascii.Error, ValueError):
        root = b""
    if len(root) != 32 or base64.b64encode(root).decode() != root_b64:
        raise NoteError("checkpoint root hash is not the base64 of 32 bytes")
    return Checkpoint(origin, int(size), root, tuple(extensions))


# --- Cosignatures (tlog-cosignature/v1, Ed25519) ----------------------------------------------


def cosigned_message(checkpoint_body: str | bytes, timestamp: int) -> bytes:
    """What an Ed25519 cosignature signs: a header, the time, then the checkpoint body."""
    body = checkpoint_body.encode() if isinstance(checkpoint_body, str) else checkpoint_body
    return b"cosignature/v1\ntime %d\n" % timestamp + body


@dataclass(frozen=True)
class CosignatureVerifier:
    """A witness's Ed25519 cosignature (type 0x04) verifier."""

    name: str
    public_raw: bytes
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        object.__setattr__(self, "key_id", key_id(self.name, SIG_COSIGNATURE_V1, self.public_raw))

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        name, kid, public = _parse_key(vkey, SIG_COSIGNATURE_V1, "verifier key")
        verifier = cls(name, public)
        if verifier.key_id != kid:
            raise NoteError("verifier key ID does not match its name and key", field="verifier key")
        return verifier

    def vkey(self) -> str:
        return verifier_key(self.name, self.public_raw, SIG_COSIGNATURE_V1)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """The note-verifier view: `signature` is timestamp (8 bytes) || Ed25519 signature."""
        if len(signature) != 8 + signing.SIGNATURE_SIZE:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        return signing.verify(self.public_raw, cosigned_message(message, timestamp), signature[8:])

    def verify_line(self, checkpoint_body: str, line: str) -> int | None:
        """The cosignature's timestamp if `line` is this witness's valid cosignature, else None."""
        try:
            return verify_cosignature(checkpoint_body, line, self)
        except NoteError:
            return None


class CosignatureSigner:
    """A witness's Ed25519 cosigner; one key per witness name (the name is not signed)."""

    def __init__(self, name: str, key: Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self.key = key
        self.public_raw = signing.public_key_bytes(key)
        self.key_id = key_id(name, SIG_COSIGNATURE_V1, self.public_raw)

    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self.public_raw)

    def sign(self, checkpoint_body: str, timestamp: int) -> bytes:
        """timestamp (8 bytes, big-endian) || Ed25519 signature of the cosigned message."""
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise ValueError(f"cosignature timestamp {timestamp} is outside 0..2^63-1")
        signature = signing.sign(self.key, cosigned_message(checkpoint_body, timestamp))
        return timestamp.to_bytes(8, "big") + signature


def cosign(checkpoint_body: str, signer: CosignatureSigner, timestamp: int) -> str:
    """The signature line (no trailing newline) cosigning a checkpoint at `timestamp`."""
    parse_checkpoint(checkpoint_body)  # a witness vouches only for a well-formed checkpoint
    return _signature_line(signer.name, signer.key_id, signer.sign(checkpoint_body, timestamp))


def verify_cosignature(checkpoint_body: str, line: str, verifier: CosignatureVerifier) -> int:
    """The timestamp of `verifier`'s cosignature `line` of the checkpoint; NoteError if invalid."""
    line = line.removesuffix("\n")
    name, _, b64 = line.removeprefix(_DASH).partition(" ")
    if not line.startswith(_DASH) or name != verifier.name:
        raise NoteError(f"not a cosignature line by {verifier.name}", field="cosignature")
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError) as e:
        raise NoteError("cosignature is not base64", field="cosignature") from e
    if len(raw) != 4 + 8 + signing.SIGNATURE_SIZE or raw[:4] != verifier.key_id:
        raise NoteError(
            f"cosignature is not by the key {verifier.name}+{verifier.key_id.hex()}",
            field="cosignature",
        )
    if not verifier.verify(checkpoint_body.encode(), raw[4:]):
        raise NoteError("cosignature does not verify for this checkpoint", field="cosignature")
    return int.from_bytes(raw[4:12], "big")

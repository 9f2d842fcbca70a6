"""RFC 6962 hashing: a leaf is SHA-256(0x00 || data), an inner node SHA-256(0x01 || left || right).

Trees are stored as the hashes of *perfect, aligned* subtrees keyed `(level, index)`, covering
leaves `[index << level, (index + 1) << level)`; level 0 holds the leaf hashes."""

from __future__ import annotations

from hashlib import sha256

HASH_SIZE = 32
NodeKey = tuple[int, int]
Range = tuple[int, int]

EMPTY_ROOT = sha256(b"").digest()


class ProofError(Exception):
    """A proof that does not prove what it claims (or arguments no proof could satisfy)."""


def leaf_hash(data: bytes) -> bytes:
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


def check_hash(h: bytes, what: str) -> None:
    if len(h) != HASH_SIZE:
        raise ProofError(f"{what} is {len(h)} bytes, not {HASH_SIZE}")

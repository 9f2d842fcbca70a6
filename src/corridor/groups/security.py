"""Secrets of people: API tokens (random, stored as SHA-256) and web passwords (Argon2id)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "cor_"
_hasher = PasswordHasher()  # argon2-cffi's defaults are Argon2id with RFC 9106 parameters


def new_token() -> str:
    """A fresh bearer token: 256 random bits, URL-safe, with a prefix that secret scanners spot."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """A readable random password for printed demo logins."""
    return "-".join(secrets.token_hex(3) for _ in range(3))

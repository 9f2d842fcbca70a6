"""Each group's log signing key: a file outside the database, readable only by the service user.

Kept out of the database so that a database dump or a read-only replica cannot forge
checkpoints; an operator backs the key directory up separately.
"""

from __future__ import annotations

from pathlib import Path

from corridor.errors import CorridorError
from corridor.log import note, signing


def log_key_path(key_dir: Path, slug: str) -> Path:
    return key_dir / f"{slug}.pem"


def create_log_key(key_dir: Path, *, slug: str, origin: str) -> str:
    """Create the group's key file; return its C2SP verifier key (named after the origin)."""
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_key_path(key_dir, slug)
    # A file left by a group creation that failed before commit is an orphan: replace it.
    path.unlink(missing_ok=True)
    key = signing.generate_private_key()
    signing.write_private_key(path, key)
    return note.verifier_key(origin, signing.public_key_bytes(key))


def load_signer(key_dir: Path, *, slug: str, origin: str) -> note.NoteSigner:
    """The signer of a group's checkpoints; a clear error if its key file is missing."""
    path = log_key_path(key_dir, slug)
    if not path.exists():
        raise LogKeyMissing(
            f"the log key of group '{slug}' is missing at {path}; restore it from backup "
            "(checkpoints cannot be signed without it)"
        )
    return note.NoteSigner(origin, signing.read_private_key(path))


class LogKeyMissing(CorridorError):
    type = "log-key-missing"
    title = "Log key missing"
    kind = "unavailable"

"""Evidence files kept content-addressed: the SHA-256 digest names the file under the data
directory, so the same file sent twice is stored once and a digest in the log names exactly it."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from corridor.errors import InvalidInput, PayloadTooLarge

# One file; the request-body limit of the server (Settings.max_body_bytes) applies first.
MAX_BYTES = 8 * 1024 * 1024
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,60}/[a-z0-9][a-z0-9!#$&^_.+-]{0,60}$")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def checked(data: bytes, media_type: str | None, *, max_bytes: int) -> tuple[str, str]:
    """(digest, media type) of an acceptable file, or the problem naming the field."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the evidence file is {len(data)} bytes; at most {max_bytes} are "
                              "accepted", field="evidence", extra={"max_bytes": max_bytes})
    if not data:
        raise InvalidInput("the evidence file is empty; send its bytes as the request body",
                           field="evidence")
    kind = (media_type or "application/octet-stream").split(";")[0].strip().lower()
    if not _MEDIA_TYPE.match(kind):
        raise InvalidInput(f"'{kind[:80]}' is not a media type like image/jpeg",
                           field="content-type")
    return hashlib.sha256(data).hexdigest(), kind


def path_of(data_dir: Path, digest: str) -> Path:
    if not _DIGEST.match(digest):
        raise InvalidInput("a SHA-256 digest is 64 lowercase hex digits", field="sha256")
    return data_dir / "evidence" / digest[:2] / digest


def store(data_dir: Path, digest: str, data: bytes) -> Path:
    """Write the file once, atomically; a file already there has the same bytes by its name."""
    path = path_of(data_dir, digest)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path

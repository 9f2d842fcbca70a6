"""Evidence files kept content-addressed: the SHA-256 digest names the file under the data
directory, so the same file sent twice is stored once and a digest in the log names exactly it.

A file's type is what its first bytes say it is, never what the client claims: a member could
otherwise store a page with a script in it and have the convener's browser run it. Only the
kinds below are kept, and every file is served back as an inert download (see `api.py`)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from corridor.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

_DIGEST = re.compile(r"^[0-9a-f]{64}$")

# Leading bytes of the accepted binary kinds. A dozen fixed signatures are shorter and easier
# to audit than a sniffing library that knows hundreds of kinds we would refuse anyway.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"ID3", "audio/mpeg"),
    (b"fLaC", "audio/flac"),
    (b"#!AMR", "audio/amr"),
)
# RIFF containers: the kind is named at bytes 8-12.
_RIFF = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
# ISO media (MP4 family): the brand at bytes 8-12 after "ftyp".
_BRANDS = {b"qt  ": "video/quicktime", b"M4A ": "audio/mp4", b"M4B ": "audio/mp4",
           b"3gp4": "video/3gpp", b"3gp5": "video/3gpp", b"3gp6": "video/3gpp",
           b"3g2a": "video/3gpp2", b"heic": "image/heic", b"heix": "image/heic",
           b"mif1": "image/heif", b"avif": "image/avif"}
TEXT = "text/plain"
# What may be stored, and so what may be served with its own type.
ACCEPTED = frozenset({kind for _, kind in _SIGNATURES} | set(_RIFF.values())
                     | set(_BRANDS.values())
                     | {"video/mp4", "audio/aac", "audio/ogg", "video/ogg", "video/webm",
                        "video/x-matroska", TEXT})
ACCEPTED_TEXT = ("images (PNG, JPEG, GIF, WebP, HEIC), PDF, plain UTF-8 text, audio (MP3, AAC, "
                 "M4A, Ogg, FLAC, WAV, AMR) or video (MP4, MOV, 3GP, WebM, Matroska, AVI)")
# Types a client names for markup or script: refused even if the bytes would pass as text.
_ACTIVE = re.compile(r"html|xml|svg|javascript|ecmascript")
# Markup anywhere in a text file makes it a page, not a statement.
_MARKUP = re.compile(rb"<\s*(script|html|svg|iframe|body|object|embed|!doctype|\?xml)",
                     re.IGNORECASE)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def sniff(data: bytes) -> str | None:
    """The media type the content shows, among those accepted; None for anything else."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    head = data[:64]
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    if head[4:8] == b"ftyp":
        return _BRANDS.get(head[8:12], "video/mp4")
    if head[:4] == b"OggS":
        return "video/ogg" if b"\x80theora" in head else "audio/ogg"
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: WebM names itself in the header
        return "video/webm" if b"webm" in head else "video/x-matroska"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # An MPEG audio frame: layer bits 00 are AAC's ADTS header, anything else MP3.
        return "audio/aac" if head[1] & 0x06 == 0 else "audio/mpeg"
    return TEXT if _is_plain_text(data) else None


def _is_plain_text(data: bytes) -> bool:
    if _CONTROL.search(data) or _MARKUP.search(data):
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not text.lstrip("\ufeff \t\r\n\f").startswith("<")


def checked(data: bytes, media_type: str | None, *, max_bytes: int) -> tuple[str, str]:
    """(digest, sniffed media type) of an acceptable file, or the problem naming the field."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the evidence file is {len(data)} bytes; at most {max_bytes} are "
                              "accepted", field="evidence", extra={"max_bytes": max_bytes})
    if not data:
        raise InvalidInput("the evidence file is empty; send its bytes as the request body",
                           field="evidence")
    claimed = (media_type or "").split(";")[0].strip().lower()[:80]
    kind = sniff(data)
    if kind is None or _ACTIVE.search(claimed):
        what = f"'{claimed}'" if _ACTIVE.search(claimed) else "this file's content"
        raise UnsupportedMediaType(
            f"{what} is not accepted as evidence; accepted are {ACCEPTED_TEXT}, recognised by "
            "their content", field="evidence", extra={"accepted": sorted(ACCEPTED)})
    return hashlib.sha256(data).hexdigest(), kind


def served_type(stored: str) -> str:
    """The type to serve a stored file with: its own if it is one we accept, else opaque bytes
    (files kept before types were sniffed may say text/html or image/svg+xml)."""
    if stored == TEXT:
        return "text/plain; charset=utf-8"
    return stored if stored in ACCEPTED else "application/octet-stream"


def download_name(digest: str, stored: str) -> str:
    """The file name offered to save it under: the digest, and an extension for its type."""
    kind = served_type(stored).split(";")[0]
    extension = {"text/plain": "txt", "application/pdf": "pdf", "image/jpeg": "jpg",
                 "audio/mpeg": "mp3", "video/quicktime": "mov", "video/x-msvideo": "avi",
                 "video/x-matroska": "mkv", "audio/mp4": "m4a", "video/3gpp": "3gp",
                 "video/3gpp2": "3g2", "application/octet-stream": "bin"}.get(kind)
    return f"{digest}.{extension or kind.split('/')[1]}"


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

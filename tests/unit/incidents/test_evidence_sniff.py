"""Evidence types come from the content: each accepted kind is recognised by its first bytes,
whatever the client says; pages, SVG, scripts and unknown binaries are refused."""

from __future__ import annotations

import pytest

from corridor.errors import UnsupportedMediaType
from corridor.incidents import evidence

SAMPLES = {
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "image/gif": b"GIF89a\x01\x00\x01\x00",
    "image/webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "image/heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",
    "application/pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "audio/mpeg": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    "audio/aac": b"\xff\xf1\x50\x80\x02\x1f\xfc",
    "audio/ogg": b"OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x13OpusHead",
    "audio/wav": b"RIFF\x24\x08\x00\x00WAVEfmt ",
    "audio/amr": b"#!AMR\n\x3c",
    "video/mp4": b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00",
    "video/quicktime": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00",
    "video/webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm",
    "text/plain": "Свідчення (синтетичне): обстріл біля мосту о 14:30.\n".encode(),
}
REFUSED = {
    "an HTML page": b"<!doctype html><script>alert(document.cookie)</script>",
    "a script tag after text": b"Statement follows.\n<script>fetch('/x')</script>",
    "an SVG": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    "markup after whitespace and a BOM": "\ufeff \n<html><body>hi</body></html>".encode(),
    "an unknown binary": b"\x00\x01\x02\x03MZ\x90\x00",
    "text that is not UTF-8": "Заява".encode("cp1251"),
}


@pytest.mark.parametrize(("kind", "data"), SAMPLES.items(), ids=list(SAMPLES))
def test_each_accepted_kind_is_recognised_by_its_content(kind: str, data: bytes) -> None:
    assert evidence.sniff(data) == kind
    # The client's word changes nothing: a PDF called an image is a PDF.
    assert evidence.checked(data, "application/octet-stream", max_bytes=1000)[1] == kind
    assert kind in evidence.ACCEPTED


@pytest.mark.parametrize("data", REFUSED.values(), ids=list(REFUSED))
def test_markup_and_unknown_content_is_refused_saying_what_is_accepted(data: bytes) -> None:
    assert evidence.sniff(data) is None
    with pytest.raises(UnsupportedMediaType) as refused:
        evidence.checked(data, "image/png", max_bytes=1000)
    assert refused.value.field == "evidence" and "PDF" in refused.value.detail
    assert refused.value.kind == "unsupported_media_type"


@pytest.mark.parametrize("claimed", ["text/html", "image/svg+xml", "application/xhtml+xml",
                                     "text/javascript; charset=utf-8"])
def test_a_file_the_client_calls_markup_or_script_is_refused_even_if_it_reads_as_text(
        claimed: str) -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        evidence.checked(b"alert(1)", claimed, max_bytes=1000)
    assert claimed.split(";")[0] in refused.value.detail


def test_stored_types_that_are_not_accepted_are_served_as_opaque_bytes() -> None:
    digest = "ab" * 32
    assert evidence.served_type("text/html") == "application/octet-stream"
    assert evidence.served_type("image/svg+xml") == "application/octet-stream"
    assert evidence.download_name(digest, "text/html") == f"{digest}.bin"
    assert evidence.served_type("image/png") == "image/png"
    assert evidence.download_name(digest, "image/jpeg") == f"{digest}.jpg"
    assert evidence.served_type("text/plain") == "text/plain; charset=utf-8"

"""Where `corridor audit` reads a log: a server's HTTP API, or a C2SP tlog-tiles mirror."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx

from corridor.client import Client
from corridor.errors import InvalidInput
from corridor.log import merkle, tiles
from corridor.log.audit import Redacted
from corridor.log.note import parse_checkpoint, parse_note_text

PAGE = 1000


class ServerSource:
    """A Corridor server's log API."""

    def __init__(self, client: Client, group: str) -> None:
        self.client = client
        self.base = f"/api/v1/groups/{group}/log"

    def checkpoint(self) -> str:
        return self.client.request("GET", f"{self.base}/checkpoint").text

    def entries(self, start: int, end: int) -> Iterator[tuple[int, bytes | Redacted]]:
        while start < end:
            page = self.client.get(f"{self.base}/entries",
                                   params={"start": start, "end": min(end, start + PAGE)})
            if not page["entries"]:
                return
            for item in page["entries"]:
                if item["data"] is None:
                    yield int(item["index"]), Redacted(base64.b64decode(item["leaf_hash"]))
                else:
                    yield int(item["index"]), item["data"].encode()
            start = int(page["entries"][-1]["index"]) + 1

    def consistency(self, old: int, new: int) -> list[bytes]:
        body = self.client.get(f"{self.base}/proofs/consistency", params={"from": old, "to": new})
        return [base64.b64decode(p) for p in body["proof"]]


class TilesSource:
    """A static tlog-tiles export in a directory (a mirror anyone can serve)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._checkpoint, raw = tiles.read_tiles(directory)
        self._entries = [tiles.decode_entry(e) for e in raw]

    def checkpoint(self) -> str:
        return self._checkpoint

    def entries(self, start: int, end: int) -> Iterator[tuple[int, bytes | Redacted]]:
        for index in range(start, min(end, len(self._entries))):
            yield index, self._entries[index]

    def consistency(self, old: int, new: int) -> list[bytes]:
        hashes = [tiles.leaf_hash_of(e) for e in self._entries[:new]]
        return merkle.consistency_proof(hashes, old, new)


def fetch_tiles(base_url: str, dest: Path) -> Path:
    """Copy what an auditor needs from a tiles mirror on any static web server into `dest`:
    the checkpoint and the entry bundles of its size (a full bundle may stand for a partial)."""
    base = base_url.rstrip("/")
    with httpx.Client(timeout=30) as http:

        def get(path: str) -> bytes | None:
            try:
                r = http.get(f"{base}/{path}")
            except httpx.HTTPError as exc:
                raise InvalidInput(f"cannot read {base}/{path}: {exc}", field="tiles") from exc
            return r.content if r.status_code == 200 else None

        note = get("checkpoint")
        if note is None:
            raise InvalidInput(f"no checkpoint at {base}/checkpoint", field="tiles")
        (dest / "checkpoint").parent.mkdir(parents=True, exist_ok=True)
        (dest / "checkpoint").write_bytes(note)
        size = parse_checkpoint(parse_note_text(note.decode())).size
        for level, index, width in tiles.tiles_for_size(size):
            if level != 0:
                continue
            for path in (tiles.entries_path(index, width), tiles.entries_path(index)):
                data = get(path)
                if data is not None:
                    target = dest / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                    break
    return dest

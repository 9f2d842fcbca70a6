"""Where `corridor audit` reads a log: a server's HTTP API, or a C2SP tlog-tiles mirror."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

from corridor.client import Client
from corridor.log import merkle, tiles

PAGE = 1000


class ServerSource:
    """A Corridor server's log API."""

    def __init__(self, client: Client, group: str) -> None:
        self.client = client
        self.base = f"/api/v1/groups/{group}/log"

    def checkpoint(self) -> str:
        return self.client.request("GET", f"{self.base}/checkpoint").text

    def entries(self, start: int, end: int) -> Iterator[tuple[int, bytes]]:
        while start < end:
            page = self.client.get(f"{self.base}/entries",
                                   params={"start": start, "end": min(end, start + PAGE)})
            if not page["entries"]:
                return
            for item in page["entries"]:
                yield int(item["index"]), item["data"].encode()
            start = int(page["entries"][-1]["index"]) + 1

    def consistency(self, old: int, new: int) -> list[bytes]:
        body = self.client.get(f"{self.base}/proofs/consistency", params={"from": old, "to": new})
        return [base64.b64decode(p) for p in body["proof"]]


class TilesSource:
    """A static tlog-tiles export in a directory (a mirror anyone can serve)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._checkpoint, self._entries = tiles.read_tiles(directory)

    def checkpoint(self) -> str:
        return self._checkpoint

    def entries(self, start: int, end: int) -> Iterator[tuple[int, bytes]]:
        for index in range(start, min(end, len(self._entries))):
            yield index, self._entries[index]

    def consistency(self, old: int, new: int) -> list[bytes]:
        hashes = [merkle.leaf_hash(e) for e in self._entries[:new]]
        return merkle.consistency_proof(hashes, old, new)

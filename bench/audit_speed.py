"""`corridor audit` speed over a log of signed consents, versus raw Ed25519 and SHA-256 alone."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from bench.audit_log import build
from bench.common import Result, median, parse_quick, show, temp_dir
from corridor.log import merkle
from corridor.log.audit import AuditResult, AuditState, audit
from corridor.log.canonical import canonicalize
from corridor.wiring import register as register_wiring

TARGET_RATE = 5000.0


@dataclass(frozen=True)
class MemorySource:
    """A log held in memory, like `TilesSource` after reading the tiles: no HTTP, no disk."""

    note: str
    data: list[bytes]

    def checkpoint(self) -> str:
        return self.note

    def entries(self, start: int, end: int) -> Iterator[tuple[int, bytes]]:
        for index in range(start, min(end, len(self.data))):
            yield index, self.data[index]

    def consistency(self, old: int, new: int) -> list[bytes]:
        return merkle.consistency_proof([merkle.leaf_hash(e) for e in self.data[:new]], old, new)


def _audit(source: MemorySource, vkey: str, slug: str) -> tuple[float, float, AuditResult]:
    """Wall and CPU seconds of one full audit from an empty state."""
    began, cpu = time.perf_counter(), time.process_time()
    result = audit(source, AuditState(vkey=vkey), group=slug, stored_entries=[])
    return time.perf_counter() - began, time.process_time() - cpu, result


def _signed(entries: list[bytes]) -> list[tuple[Ed25519PublicKey, bytes, bytes]]:
    """(public key, signature, signed message) of every client signature, keys loaded once."""
    keys: dict[str, Ed25519PublicKey] = {}
    out = []
    for data in entries:
        entry = json.loads(data)
        if entry["type"] == "key.registered":
            raw = base64.b64decode(entry["payload"]["public_key"])
            keys[entry["payload"]["fingerprint"]] = Ed25519PublicKey.from_public_bytes(raw)
        sig = entry.get("signature")
        if sig is not None:
            out.append((keys[sig["key"]], base64.b64decode(sig["value"]),
                        canonicalize(sig["statement"])))
    return out


def _floor(entries: list[bytes], signed: list[tuple[Ed25519PublicKey, bytes, bytes]]) -> float:
    """Seconds for the work no auditor can skip: verify each signature, hash each leaf."""
    began = time.perf_counter()
    for key, signature, message in signed:
        key.verify(signature, message)
    for data in entries:
        sha256(b"\x00" + data).digest()
    return time.perf_counter() - began


def _breakdown(entries: list[bytes]) -> str:
    """Where an audit's time goes beyond the floor, step by step over the same entries."""
    steps: dict[str, float] = {}

    def timed(name: str, fn: Any, items: list[Any]) -> list[Any]:
        began = time.perf_counter()
        out = [fn(x) for x in items]
        steps[name] = time.perf_counter() - began
        return out

    parsed = timed("json.loads", json.loads, entries)
    sigs = [e["signature"] for e in parsed if "signature" in e]
    timed("canonicalize statement", lambda s: canonicalize(s["statement"]), sigs)
    keys = {e["payload"]["fingerprint"]: base64.b64decode(e["payload"]["public_key"])
            for e in parsed if e["type"] == "key.registered"}
    timed("load key per signature", lambda s: Ed25519PublicKey.from_public_bytes(keys[s["key"]]),
          sigs)
    return ", ".join(f"{name} {seconds * 1e3:.0f} ms" for name, seconds in steps.items())


def _check(result: AuditResult, entries: list[bytes], pauses: int) -> tuple[bool, str]:
    state = result.replay.state
    agreed = sum(1 for p in state.get("pauses", {}).values() if p["state"] == "agreed")
    problems = state.get("pause_problems", [])
    ok = (result.size == len(entries) and result.replay.signatures_checked == 2 * pauses
          and agreed == pauses and not problems)
    return ok, (f"{result.size:,} entries, {result.replay.signatures_checked:,} signatures, "
                f"{agreed:,} pauses agreed, {len(problems)} problems")


def _rows(tmp: Path, pauses: int, repeats: int) -> list[Result]:
    built = build(tmp, pauses)
    source = MemorySource(built.checkpoint, built.entries)
    n = len(built.entries)
    signed = _signed(built.entries)
    _audit(source, built.vkey, built.slug)  # warm up (imports, caches)
    walls, cpus, floors = [], [], []
    result: AuditResult | None = None
    for _ in range(repeats):
        wall, cpu, result = _audit(source, built.vkey, built.slug)
        walls.append(wall)
        cpus.append(cpu)
        floors.append(_floor(built.entries, signed))
    assert result is not None
    wall, cpu, floor = median(walls), median(cpus), median(floors)
    ok, detail = _check(result, built.entries, pauses)
    share = 100 * len(signed) / n
    return [
        Result("audit (in-memory source)", "sqlite-built",
               f"{n / wall:,.0f} entries/s ({n:,} entries, {share:.0f} % signed; "
               f"{n / cpu:,.0f}/s of CPU; median of {repeats})",
               f"Ed25519 verify + SHA-256 leaf: {n / floor:,.0f} entries/s",
               f"{wall / floor:.2f}× time", f"≥ {TARGET_RATE:,.0f}/s", n / wall >= TARGET_RATE),
        Result("audit verified the log", "sqlite-built", detail, "what was built", "",
               "all agreed, none refused", ok),
        Result("audit overheads", "sqlite-built", _breakdown(built.entries),
               f"floor {floor * 1e3:.0f} ms, audit {wall * 1e3:.0f} ms", "", "info", None),
    ]


def run(quick: bool = False) -> list[Result]:
    register_wiring()  # the pause replayer, as `corridor audit` has it
    pauses, repeats = (1000, 1) if quick else (5000, 3)
    with temp_dir() as tmp:
        results = _rows(tmp, pauses, repeats)
    show("audit_speed — corridor audit (checkpoint, every leaf, every client signature, "
         "replay) vs the crypto floor", results)
    return results


if __name__ == "__main__":
    run(parse_quick(__doc__ or ""))

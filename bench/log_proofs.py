"""Inclusion and consistency proofs at 10^6 entries from stored subtrees vs from all leaf hashes."""

from __future__ import annotations

import gc
import random
import time

from sqlalchemy import select

from bench.common import (
    LogDb,
    Result,
    log_db,
    median,
    ms,
    parse_quick,
    percentile,
    postgres_database,
    show,
    sqlite_database,
    temp_dir,
)
from bench.synthetic_log import Levels, fill
from corridor.log import merkle, proofs
from corridor.log.models import LogEntry, LogHead

TARGET_SECONDS = 0.002
Pair = tuple[int, int]


def _pairs(kind: str, n: int, count: int, rng: random.Random) -> list[Pair]:
    """(index, size) for inclusion, (old, new) for consistency; sizes in the newer half."""
    pairs = []
    for _ in range(count):
        size = rng.randint(n // 2, n)
        pairs.append((rng.randrange(size), size) if kind == "inclusion" else
                     (rng.randint(1, size), size))
    return pairs


def _from_store(ldb: LogDb, kind: str, a: int, b: int) -> tuple[list[bytes], float, float]:
    """The proof from O(log n) stored nodes in a fresh session: seconds for the `proofs` call
    (connection already checked out, as after a request's authentication), and for the whole
    session from open to close."""
    began = time.perf_counter()
    with ldb.sessions() as db:
        db.connection()
        call = time.perf_counter()
        if kind == "inclusion":
            proof = proofs.inclusion(db, group_id=ldb.group.id, index=a, size=b)
        else:
            proof = proofs.consistency(db, group_id=ldb.group.id, old=a, new=b)
        done = time.perf_counter()
    return proof, done - call, time.perf_counter() - began


def _from_leaves(ldb: LogDb, kind: str, a: int, b: int) -> tuple[list[bytes], float, float]:
    """The proof computed from every leaf hash read from log_entries; read and hash seconds."""
    began = time.perf_counter()
    with ldb.sessions() as db:
        leaves = list(db.scalars(select(LogEntry.leaf_hash).where(
            LogEntry.group_id == ldb.group.id, LogEntry.seq < b).order_by(LogEntry.seq)))
    read = time.perf_counter() - began
    proof = (merkle.inclusion_proof(leaves, a, b) if kind == "inclusion"
             else merkle.consistency_proof(leaves, a, b))
    return proof, read, time.perf_counter() - began - read


def _check(levels: Levels, kind: str, a: int, b: int, proof: list[bytes]) -> bool:
    """Identical to the proof from the in-memory tree, and accepted by the verifier."""
    try:
        if kind == "inclusion":
            expected = merkle.inclusion_proof_from_nodes(levels, a, b)
            merkle.verify_inclusion(levels[(0, a)], a, b, proof,
                                    merkle.root_from_nodes(levels, b))
        else:
            expected = merkle.consistency_proof_from_nodes(levels, a, b)
            merkle.verify_consistency(a, b, merkle.root_from_nodes(levels, a),
                                      merkle.root_from_nodes(levels, b), proof)
    except merkle.ProofError:
        return False
    return proof == expected


def _measure(ldb: LogDb, levels: Levels, kind: str, samples: int, baseline: int) -> list[Result]:
    rng = random.Random(6962)
    pairs = _pairs(kind, levels.size, samples, rng)
    for a, b in pairs[:20]:  # warm the pool and the statement caches
        _from_store(ldb, kind, a, b)
    times: list[float] = []
    sessions: list[float] = []
    good = True
    for a, b in pairs:
        proof, seconds, whole = _from_store(ldb, kind, a, b)
        times.append(seconds)
        sessions.append(whole)
        good &= _check(levels, kind, a, b, proof)
    reads: list[float] = []
    hashing: list[float] = []
    for a, b in pairs[:baseline]:
        proof, read, hashed = _from_leaves(ldb, kind, a, b)
        reads.append(read)
        hashing.append(hashed)
        good &= proof == _from_store(ldb, kind, a, b)[0] and _check(levels, kind, a, b, proof)
    p50, p99 = percentile(times, 50), percentile(times, 99)
    base = median([r + h for r, h in zip(reads, hashing, strict=True)])
    return [
        Result(f"{kind} proof, store", ldb.backend,
               f"p50 {ms(p50)}, p99 {ms(p99)} ({samples} proofs; with session open and "
               f"close: p50 {ms(percentile(sessions, 50))}, p99 {ms(percentile(sessions, 99))})",
               f"from all leaves: {ms(base)} (read {ms(median(reads))} + hash "
               f"{ms(median(hashing))}, median of {len(reads)})",
               f"{p50 / base:.5f} ({base / p50:,.0f}× faster)",
               f"p50, p99 < {ms(TARGET_SECONDS)}", max(p50, p99) < TARGET_SECONDS),
        Result(f"{kind} proofs correct", ldb.backend,
               "store = from leaves = in-memory tree; all verify" if good else "MISMATCH",
               "merkle.verify_*", "", "identical", good),
    ]


def _lookup_by_hash(ldb: LogDb, levels: Levels) -> Result:
    """`proofs.index_of`, the API's inclusion-by-leaf-hash path (no index on leaf_hash)."""
    rng = random.Random(9162)
    times = []
    for _ in range(3):
        index = rng.randrange(levels.size)
        with ldb.sessions() as db:
            began = time.perf_counter()
            found = proofs.index_of(db, group_id=ldb.group.id, leaf_hash=levels[(0, index)])
            times.append(time.perf_counter() - began)
        assert found == index
    return Result("index_of(leaf_hash)", ldb.backend, f"median {ms(median(times))} (3 lookups)",
                  "-", "", "info", None)


def _backend(ldb: LogDb, n: int, samples: int, baseline: int) -> list[Result]:
    began = time.perf_counter()
    levels = fill(ldb, n)
    gc.collect()
    gc.freeze()  # a server holds no million-leaf lists: keep them out of the collector's scans
    with ldb.sessions() as db:
        stored = db.get(LogHead, ldb.group.id)
        assert stored is not None and stored.size == n
        root_ok = proofs.root_at(db, group_id=ldb.group.id, size=n) == stored.root
    results = [Result("fill", ldb.backend, f"{n:,} entries, {levels.count:,} nodes in "
                      f"{time.perf_counter() - began:.1f} s", "-", "", "root_at = head.root",
                      root_ok)]
    for kind in ("inclusion", "consistency"):
        results += _measure(ldb, levels, kind, samples, baseline)
    results.append(_lookup_by_hash(ldb, levels))
    gc.unfreeze()
    return results


def run(quick: bool = False) -> list[Result]:
    n, samples, baseline = (100_000, 200, 1) if quick else (1_000_000, 1000, 3)
    results: list[Result] = []
    with temp_dir() as tmp:
        with sqlite_database(tmp) as url, log_db(url, tmp / "keys-sqlite") as ldb:
            results += _backend(ldb, n, samples, baseline)
        with postgres_database("log_proofs") as pg_url:
            if pg_url is not None:
                with log_db(pg_url, tmp / "keys-pg") as ldb:
                    results += _backend(ldb, n, samples, baseline)
    show(f"log_proofs — proofs at {n:,} entries from stored subtrees vs from all leaf hashes",
         results)
    return results


if __name__ == "__main__":
    run(parse_quick(__doc__ or ""))

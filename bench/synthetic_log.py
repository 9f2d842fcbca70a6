"""A large synthetic log written straight into the tables (COPY on PostgreSQL) for proofs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sqlalchemy import delete, select, text, update

from bench.common import LogDb
from corridor.log import merkle
from corridor.log.models import LogEntry, LogHead, LogNode

TYPE = "bench.synthetic"
ENTRY = (b'{"actor":{"key":null,"organisation":"convener","person":"bench.admin"},'
         b'"group":"bench","payload":{"n":%d,"note":"synthetic entry for the proof benchmark"},'
         b'"seq":%d,"time":"2026-01-01T00:00:00.000Z","type":"bench.synthetic"}')


def synthetic(seq: int) -> bytes:
    """Entry `seq` as RFC 8785 bytes (keys already in order, ASCII only)."""
    return ENTRY % (seq, seq)


class Levels(Mapping[merkle.NodeKey, bytes]):
    """Every perfect subtree of a tree held level by level: the store's (level, idx) keys."""

    def __init__(self, leaf_hashes: list[bytes]) -> None:
        self.size = len(leaf_hashes)
        self.levels = [leaf_hashes]
        while len(self.levels[-1]) > 1:
            row = self.levels[-1]
            self.levels.append([merkle.node_hash(row[i], row[i + 1])
                                for i in range(0, len(row) - 1, 2)])
        self.count = sum(len(row) for row in self.levels)

    def __getitem__(self, key: merkle.NodeKey) -> bytes:
        level, idx = key
        if level >= len(self.levels) or not 0 <= idx < len(self.levels[level]):
            raise KeyError(key)
        return self.levels[level][idx]

    def __iter__(self) -> Iterator[merkle.NodeKey]:
        return ((lv, i) for lv, row in enumerate(self.levels) for i in range(len(row)))

    def __len__(self) -> int:
        return self.count


def fill(ldb: LogDb, n: int) -> Levels:
    """Extend the group's log (entry 0: its real `group.created`) to `n` entries, all nodes."""
    gid = ldb.group.id
    with ldb.sessions() as db:
        first = db.scalars(select(LogEntry.leaf_hash).where(LogEntry.group_id == gid)).one()
    levels = Levels([first] + [merkle.leaf_hash(synthetic(seq)) for seq in range(1, n)])
    entries = ((gid, seq, seq + 1, TYPE, synthetic(seq), levels[(0, seq)])
               for seq in range(1, n))
    nodes = ((gid, lv, i, h) for lv, row in enumerate(levels.levels) for i, h in enumerate(row))
    with ldb.engine.begin() as conn:
        conn.execute(delete(LogNode).where(LogNode.group_id == gid))
        raw = conn.connection.driver_connection
        assert raw is not None
        if ldb.backend == "sqlite":
            raw.executemany("INSERT INTO log_entries (group_id, seq, pending_id, type, data, "
                            "leaf_hash) VALUES (?, ?, ?, ?, ?, ?)", entries)
            raw.executemany("INSERT INTO log_nodes (group_id, level, idx, hash) "
                            "VALUES (?, ?, ?, ?)", nodes)
        else:
            _copy(raw, "log_entries (group_id, seq, pending_id, type, data, leaf_hash)",
                  ["int4", "int8", "int8", "varchar", "bytea", "bytea"], entries)
            _copy(raw, "log_nodes (group_id, level, idx, hash)",
                  ["int4", "int4", "int8", "bytea"], nodes)
        conn.execute(update(LogHead).where(LogHead.group_id == gid)
                     .values(size=n, root=merkle.root_from_nodes(levels, n)))
    if ldb.backend == "postgresql":
        with ldb.engine.connect() as conn:  # what autovacuum does once a table has grown
            conn.execute(text("ANALYZE log_entries, log_nodes"))
            conn.commit()
    return levels


def _copy(raw: object, target: str, types: list[str], rows: Iterator[tuple[object, ...]]) -> None:
    import psycopg

    assert isinstance(raw, psycopg.Connection)
    with raw.cursor() as cur, cur.copy(f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)
